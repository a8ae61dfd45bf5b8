// Enhancements shared by every page. The page works without this file.
(function () {
  "use strict";
  // Printed case pages carry the address they were printed from and the date.
  function stampPrint() {
    var url = document.querySelector("[data-print-url]");
    if (url) url.textContent = window.location.href;
    var date = document.querySelector("[data-print-date]");
    var value = document.querySelector("[data-print-date-value]");
    if (date && value) {
      var d = new Date();
      value.textContent = d.getFullYear() + "年" + (d.getMonth() + 1) + "月" + d.getDate() + "日";
      date.hidden = false;
    }
  }
  window.addEventListener("beforeprint", stampPrint);
  // Browsers without ::details-content would print closed source notes as a bare heading: open them for print.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details.source-notes:not([open])"), function (d) {
      d.open = true;
      return true;
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", stampPrint);
  else stampPrint();
})();
