// Compare: shows the chosen 2–4 cases side by side, in the order chosen; the choice lives in ?r=slug,slug.
// 印刷する links to the print document of the chosen cases (/regions/print/?r=…), as the region table's bar does.
// Every case's column is already in the page (hidden until this script runs); without this script the page
// offers the static comparisons of each case with its closest cases.
(function () {
  "use strict";
  var wrap = document.querySelector('[data-module="compare"]');
  var form = document.querySelector('[data-module="compare-pick"]');
  if (!wrap || !form) return;
  var MAX = 4;
  var boxes = Array.prototype.slice.call(form.querySelectorAll('input[name="r"]'));
  var known = boxes.map(function (b) { return b.value; });
  var status = form.querySelector("[data-status]");
  var print = form.querySelector("[data-print]");
  var printBase = print.getAttribute("href");
  var rows = Array.prototype.slice.call(wrap.querySelectorAll("tr"));
  var details = form.querySelector("[data-details]");
  var summary = form.querySelector("[data-summary]");
  var selection = [];

  function fromUrl() {
    var raw = new URLSearchParams(window.location.search).get("r") || "";
    var out = [];
    raw.split(",").forEach(function (slug) {
      slug = slug.trim();
      if (known.indexOf(slug) >= 0 && out.indexOf(slug) < 0 && out.length < MAX) out.push(slug);
    });
    return out;
  }

  function saveUrl() {
    try {
      history.replaceState(null, "", selection.length ? "?r=" + selection.join(",") : window.location.pathname);
    } catch (e) { /* file:// in some browsers refuses replaceState; the view still updates */ }
  }

  function apply() {
    boxes.forEach(function (b) {
      b.checked = selection.indexOf(b.value) >= 0;
      b.disabled = !b.checked && selection.length >= MAX;
    });
    rows.forEach(function (row) {
      var cells = Array.prototype.slice.call(row.querySelectorAll("[data-col]"));
      cells.forEach(function (cell) { cell.hidden = selection.indexOf(cell.getAttribute("data-col")) < 0; });
      selection.forEach(function (slug) {
        var cell = cells.filter(function (c) { return c.getAttribute("data-col") === slug; })[0];
        if (cell) row.appendChild(cell);
      });
    });
    wrap.hidden = selection.length === 0;
    wrap.setAttribute("data-count", String(selection.length));
    var text = selection.length < 2 ? status.getAttribute("data-need")
      : status.getAttribute("data-template").replace("{n}", selection.length);
    if (selection.length >= MAX) text += " " + status.getAttribute("data-max");
    status.textContent = text;
    describePicker();
    print.hidden = selection.length === 0;
    print.href = printBase + (selection.length ? "?r=" + selection.join(",") : "");
  }

  function describePicker() {
    var which = selection.length === 0 ? "data-none" : details.open ? "data-open" : "data-closed";
    summary.textContent = summary.getAttribute(which).replace("{n}", selection.length);
  }

  details.addEventListener("toggle", describePicker);
  form.addEventListener("change", function (event) {
    var box = event.target;
    if (!box || box.name !== "r") return;
    var at = selection.indexOf(box.value);
    if (box.checked && at < 0 && selection.length < MAX) selection.push(box.value);
    if (!box.checked && at >= 0) selection.splice(at, 1);
    apply();
    saveUrl();
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  var nojs = document.querySelector("[data-nojs]");
  if (nojs) nojs.hidden = true;
  form.hidden = false;
  selection = fromUrl();
  details.open = selection.length === 0;
  apply();
})();
