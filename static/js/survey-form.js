// The printable questionnaire: the region and month typed above the form are written into it (without JS, or
// left empty, the form prints blanks to fill in by hand).
(function () {
  "use strict";
  function bind(input, selector) {
    var spans = document.querySelectorAll(selector);
    var blanks = Array.prototype.map.call(spans, function (s) { return s.textContent; });
    input.addEventListener("input", function () {
      var value = input.value.trim();
      Array.prototype.forEach.call(spans, function (s, i) { s.textContent = value || blanks[i]; });
    });
  }
  function start() {
    var region = document.getElementById("form-region");
    var month = document.getElementById("form-month");
    if (region) bind(region, "[data-form-region]");
    if (month) bind(month, "[data-form-month]");
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
