// The print document of selected cases: keeps the cases named in ?r=slug,slug, in that order, in the cover list
// and in the body, and hides the others. Without this script (or without ?r) the page shows every case.
(function () {
  "use strict";
  var root = document.querySelector('[data-module="print-cases"]');
  if (!root) return;
  var cases = Array.prototype.slice.call(root.querySelectorAll(".print-cases__case[data-case]"));
  var items = Array.prototype.slice.call(root.querySelectorAll(".print-cases__list > li[data-case]"));
  var known = cases.map(function (c) { return c.getAttribute("data-case"); });
  var chosen = [];
  (new URLSearchParams(window.location.search).get("r") || "").split(",").forEach(function (slug) {
    slug = slug.trim();
    if (known.indexOf(slug) >= 0 && chosen.indexOf(slug) < 0) chosen.push(slug);
  });
  function bySlug(list, slug) { return list.filter(function (el) { return el.getAttribute("data-case") === slug; })[0]; }
  if (chosen.length) {
    var listEl = items[0].parentNode;
    cases.concat(items).forEach(function (el) { el.hidden = chosen.indexOf(el.getAttribute("data-case")) < 0; });
    chosen.forEach(function (slug) {
      listEl.appendChild(bySlug(items, slug));
      root.appendChild(bySlug(cases, slug));
    });
  }
  // Each case cites its own page by its full address, as the case page printed on its own does.
  Array.prototype.forEach.call(root.querySelectorAll("[data-case-url]"), function (el) {
    el.textContent = new URL(el.getAttribute("data-case-url"), window.location.href).href;
  });
  var status = root.querySelector("[data-print-status]");
  status.textContent = chosen.length ? status.getAttribute("data-template").replace("{n}", chosen.length)
    : status.getAttribute("data-all");
  status.hidden = false;
  var nojs = root.querySelector("[data-print-nojs]");
  if (nojs) nojs.hidden = true;
  var actions = root.querySelector("[data-print-actions]");
  actions.hidden = false;
  actions.querySelector("[data-print-now]").addEventListener("click", function () { window.print(); });
})();
