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
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", stampPrint);
  else stampPrint();
})();
