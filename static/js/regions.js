// Region index: sortable columns and combinable filters, with the state in the query string.
// Enhances the table marked data-module="region-table" and the form marked data-module="region-filters".
// Without this script the page shows the full table and links to the five pre-sorted pages.
(function () {
  "use strict";
  var table = document.querySelector('[data-module="region-table"]');
  var form = document.querySelector('[data-module="region-filters"]');
  if (!table || !form) return;
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var status = form.querySelector("[role=status]");
  var FIELDS = ["rate65_min", "rate65_max", "rate75_min", "rate75_max", "band", "v", "h", "ict"];
  var state = { sort: "number", order: "asc" };

  function number(value) {
    var n = parseFloat(value);
    return isNaN(n) ? null : n;
  }

  function readForm() {
    FIELDS.forEach(function (name) { state[name] = (form.elements[name].value || "").trim(); });
  }

  function writeForm() {
    FIELDS.forEach(function (name) { form.elements[name].value = state[name] || ""; });
  }

  function matches(row) {
    var d = row.dataset;
    var rate65 = number(d.rate65), rate75 = number(d.rate75), total = number(d.total);
    var lo = number(state.rate65_min), hi = number(state.rate65_max);
    if (lo !== null && rate65 < lo) return false;
    if (hi !== null && rate65 > hi) return false;
    lo = number(state.rate75_min); hi = number(state.rate75_max);
    if (lo !== null && rate75 < lo) return false;
    if (hi !== null && rate75 > hi) return false;
    if (state.band) {
      var parts = state.band.split("-");
      var bandLo = number(parts[0]), bandHi = number(parts[1]);
      if (bandLo !== null && total < bandLo) return false;
      if (bandHi !== null && total >= bandHi) return false;
    }
    if (state.v && d.v.split(" ").indexOf(state.v) < 0) return false;
    if (state.h && d.h.split(" ").indexOf(state.h) < 0) return false;
    if (state.ict && d.ict.split("|").indexOf(state.ict) < 0) return false;
    return true;
  }

  function compare(a, b) {
    var header = headers.filter(function (h) { return h.dataset.sort === state.sort; })[0];
    var numeric = header && header.dataset.type === "number";
    var x = a.dataset[state.sort] || "", y = b.dataset[state.sort] || "";
    var result = numeric ? number(x) - number(y) : x.localeCompare(y, "ja");
    if (state.order === "desc") result = -result;
    // Ties keep case-number order either way, as the report's index tables print them.
    return result || number(a.dataset.number) - number(b.dataset.number);
  }

  function render() {
    var shown = 0;
    rows.slice().sort(compare).forEach(function (row) {
      tbody.appendChild(row);
      row.hidden = !matches(row);
      if (!row.hidden) shown += 1;
    });
    headers.forEach(function (h) {
      if (h.dataset.sort === state.sort) h.setAttribute("aria-sort", state.order === "desc" ? "descending" : "ascending");
      else h.removeAttribute("aria-sort");
    });
    status.textContent = shown === 0 ? status.dataset.none
      : status.dataset.template.replace("{n}", shown).replace("{total}", rows.length);
  }

  function saveUrl() {
    var params = new URLSearchParams();
    if (state.sort !== "number" || state.order !== "asc") { params.set("sort", state.sort); params.set("order", state.order); }
    FIELDS.forEach(function (name) { if (state[name]) params.set(name, state[name]); });
    var query = params.toString();
    try {
      history.replaceState(null, "", query ? "?" + query : window.location.pathname);
    } catch (e) { /* file:// in some browsers refuses replaceState; the view still updates */ }
  }

  function loadUrl() {
    var params = new URLSearchParams(window.location.search);
    var sortable = headers.map(function (h) { return h.dataset.sort; });
    if (sortable.indexOf(params.get("sort")) >= 0) state.sort = params.get("sort");
    if (params.get("order") === "desc" || params.get("order") === "asc") state.order = params.get("order");
    FIELDS.forEach(function (name) { state[name] = params.get(name) || ""; });
    writeForm();
    // A value the form cannot show (an unknown model code) is dropped rather than silently filtering.
    readForm();
  }

  headers.forEach(function (h) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort-button";
    while (h.firstChild) button.appendChild(h.firstChild);
    h.appendChild(button);
    button.addEventListener("click", function () {
      if (state.sort === h.dataset.sort) state.order = state.order === "asc" ? "desc" : "asc";
      else { state.sort = h.dataset.sort; state.order = h.dataset.type === "number" && h.dataset.sort !== "number" ? "desc" : "asc"; }
      render(); saveUrl();
    });
  });
  form.addEventListener("input", function () { readForm(); render(); saveUrl(); });
  form.addEventListener("change", function () { readForm(); render(); saveUrl(); });
  form.addEventListener("reset", function () {
    window.setTimeout(function () { readForm(); render(); saveUrl(); }, 0);
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  var nojs = document.querySelector("[data-regions-nojs]");
  if (nojs) nojs.hidden = true;
  loadUrl();
  render();
})();
