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
  var caption = table.caption;
  // The figure columns; the one sorted by (else 高齢化率（65歳以上）) is the row's key figure, shown right after
  // the name when a phone stacks the rows.
  var FIGURES = ["total", "aged65", "rate65", "aged75", "rate75"];
  var DEFAULT_KEY = "rate65";
  var empty = form.querySelector("[data-empty]");
  var FIELDS = ["rate65_min", "rate65_max", "rate75_min", "rate75_max", "band", "v", "h", "ict"];
  var state = { sort: "number", order: "asc" };

  function number(value) {
    var n = parseFloat(value);
    return isNaN(n) ? null : n;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }

  function readForm() {
    FIELDS.forEach(function (name) { state[name] = (form.elements[name].value || "").trim(); });
    var sort = form.elements.sort.value;
    // Choosing another column sorts it as its header button would: figures largest first, the rest A to Z.
    if (sort !== state.sort) { state.sort = sort; state.order = defaultOrder(sort); }
    else state.order = form.elements.order.value;
  }

  function writeForm() {
    FIELDS.forEach(function (name) { form.elements[name].value = state[name] || ""; });
    writeSort();
  }

  // The sort controls follow the header buttons (never the fields, which may hold what the reader is typing).
  function writeSort() {
    form.elements.sort.value = state.sort;
    form.elements.order.value = state.order;
  }

  function defaultOrder(sort) {
    var header = headers.filter(function (h) { return h.dataset.sort === sort; })[0];
    return header && header.dataset.type === "number" && sort !== "number" ? "desc" : "asc";
  }

  // One condition of the filters, tested alone: the counts and the empty-result advice test them one by one.
  function passes(row, name, value) {
    if (!value) return true;
    var d = row.dataset;
    if (name === "band") {
      var parts = value.split("-"), total = number(d.total);
      var bandLo = number(parts[0]), bandHi = number(parts[1]);
      return !(bandLo !== null && total < bandLo) && !(bandHi !== null && total >= bandHi);
    }
    if (name === "v" || name === "h") return d[name].split(" ").indexOf(value) >= 0;
    if (name === "ict") return d.ict.split("|").indexOf(value) >= 0;
    var limit = number(value);
    if (limit === null) return true;
    var figure = number(d[name.slice(0, 6)]);  // rate65_min → data-rate65
    return /_min$/.test(name) ? figure >= limit : figure <= limit;
  }

  // Rows passing every condition of *st*, except the field named *without*.
  function count(st, without) {
    return rows.filter(function (row) {
      return FIELDS.every(function (name) { return name === without || passes(row, name, st[name]); });
    }).length;
  }

  function matches(row) {
    return FIELDS.every(function (name) { return passes(row, name, state[name]); });
  }

  // Every choice of a select tells how many regions it would leave, given the other fields.
  // (A checkbox field would carry the same count in an element marked data-count inside its label.)
  var choices = [];
  FIELDS.forEach(function (name) {
    var field = form.elements[name];
    if (field.options) {
      Array.prototype.forEach.call(field.options, function (option) {
        choices.push({ name: name, value: option.value, label: option, text: option.textContent });
      });
    } else if (field.type === "checkbox") {
      var where = field.closest("label").querySelector("[data-count]");
      if (where) choices.push({ name: name, value: field.value, label: where, text: where.textContent, box: true });
    }
  });

  function updateCounts() {
    choices.forEach(function (c) {
      var st = {};
      FIELDS.forEach(function (name) { st[name] = state[name]; });
      st[c.name] = c.value;
      var code = c.label.getAttribute("data-code");
      c.label.textContent = code
        ? fill(form.getAttribute("data-option-count-code"), { code: code, title: c.label.getAttribute("data-title"), n: count(st, null) })
        : fill(form.getAttribute("data-option-count"), { label: c.text, n: count(st, null) });
    });
  }

  // What a set field means in words, for the advice under an empty result.
  function describe(name) {
    var field = form.elements[name];
    if (field.options) {
      var choice = choices.filter(function (c) { return c.name === name && c.value === state[name]; })[0];
      return fill(empty.getAttribute("data-choice"), { what: field.getAttribute("data-what"), value: choice ? choice.text : state[name] });
    }
    return fill(empty.getAttribute(/_min$/.test(name) ? "data-min" : "data-max"),
                { what: field.getAttribute("data-what"), value: state[name] });
  }

  // An empty result names the conditions that remove the last regions, each with a button dropping it.
  function advise(shown) {
    while (empty.firstChild) empty.removeChild(empty.firstChild);
    empty.hidden = shown > 0;
    if (shown > 0) return;
    var set = FIELDS.filter(function (name) { return state[name]; });
    var culprits = set.map(function (name) { return { name: name, n: count(state, name) }; })
      .filter(function (c) { return c.n > 0; });
    var intro = document.createElement("p");
    intro.textContent = empty.getAttribute(culprits.length ? "data-hint" : "data-stuck");
    empty.appendChild(intro);
    var list = document.createElement("ul");
    list.className = "filters__drops";
    culprits.forEach(function (c) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button--secondary";
      button.setAttribute("data-drop", c.name);
      // The condition may wrap on a phone; what follows it (「」をやめる（4件）」), with a bound's figure before it
      // (「28.9%以上」をやめる（2件）」), stays on one line, so neither the count nor the figure is split.
      var template = empty.getAttribute("data-drop");
      var at = template.indexOf("{condition}");
      var condition = describe(c.name);
      var figure = /_m(in|ax)$/.test(c.name) ? condition.slice(condition.lastIndexOf(" ") + 1) : "";
      button.appendChild(document.createTextNode(fill(template.slice(0, at), {}) +
        condition.slice(0, condition.length - figure.length)));
      var tail = document.createElement("span");
      tail.className = "filters__drop-tail";
      tail.textContent = figure + fill(template.slice(at + "{condition}".length), { n: c.n });
      button.appendChild(tail);
      button.addEventListener("click", function () {
        form.elements[c.name].value = "";
        readForm(); render(); saveUrl();
        form.elements[c.name].focus();
      });
      item.appendChild(button);
      list.appendChild(item);
    });
    if (culprits.length) empty.appendChild(list);
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

  // What the table shows, as one string: a render for the state already shown is skipped, because moving the rows
  // again (the number field's change event on blur repeats its last input event) cancels the click that caused it.
  function key() {
    return JSON.stringify([state.sort, state.order].concat(FIELDS.map(function (name) { return state[name]; })));
  }
  var shownFor = null;

  function render() {
    if (key() === shownFor) return;
    shownFor = key();
    var shown = 0;
    var sorted = rows.slice().sort(compare);
    // Rows are moved only when the order changes (a filter alone leaves them where they are).
    var inOrder = sorted.every(function (row, i) { return tbody.rows[i] === row; });
    sorted.forEach(function (row) {
      if (!inOrder) tbody.appendChild(row);
      row.hidden = !matches(row);
      if (!row.hidden) shown += 1;
    });
    headers.forEach(function (h) {
      if (h.dataset.sort === state.sort) h.setAttribute("aria-sort", state.order === "desc" ? "descending" : "ascending");
      else h.removeAttribute("aria-sort");
    });
    var keyAt = headers.map(function (h) { return h.dataset.sort; })
      .indexOf(FIGURES.indexOf(state.sort) >= 0 ? state.sort : DEFAULT_KEY);
    rows.forEach(function (row) {
      Array.prototype.forEach.call(row.cells, function (cell, i) { cell.classList.toggle("region-table__key", i === keyAt); });
    });
    writeSort();
    describeTable(shown);
    status.textContent = shown === 0 ? status.dataset.none
      : status.dataset.template.replace("{n}", shown).replace("{total}", rows.length);
    updateCounts();
    advise(shown);
  }

  // The caption says what the table holds now: how many of the regions, sorted how.
  function describeTable(shown) {
    var sorted = state.sort === "number" && state.order === "asc" ? ""
      : fill(caption.getAttribute("data-sort"), {
        column: headers.filter(function (h) { return h.dataset.sort === state.sort; })[0].textContent.replace(/[▲▼]/g, ""),
        order: caption.getAttribute(state.order === "desc" ? "data-desc" : "data-asc") });
    var filtered = FIELDS.some(function (name) { return state[name]; });
    caption.textContent = fill(caption.getAttribute(filtered ? "data-filtered" : "data-all"),
                               { total: rows.length, n: shown, sort: sorted });
  }

  // Column widths are those of the full table, fixed, so filtering never makes the columns jump. A phone shows the
  // rows stacked (no table layout), where nothing is fixed.
  var lockedFor = null;
  function lockColumns() {
    if (lockedFor === window.innerWidth) return;
    lockedFor = window.innerWidth;
    var hidden = rows.filter(function (row) { return row.hidden; });
    hidden.forEach(function (row) { row.hidden = false; });
    table.style.tableLayout = "";
    table.style.width = "";
    headers.forEach(function (h) { h.style.width = ""; });
    if (window.getComputedStyle(table).display !== "table") {
      hidden.forEach(function (row) { row.hidden = true; });
      return;
    }
    var widths = headers.map(function (h) { return h.getBoundingClientRect().width; });
    var total = table.getBoundingClientRect().width;
    headers.forEach(function (h, i) { h.style.boxSizing = "border-box"; h.style.width = widths[i] + "px"; });
    table.style.width = total + "px";
    table.style.tableLayout = "fixed";
    hidden.forEach(function (row) { row.hidden = true; });
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
    // Out of the Tab order: the sort controls in the form do the same for the keyboard, and a keyboard user
    // reaching the rows from the skip link should not pass 11 header buttons first.
    button.tabIndex = -1;
    while (h.firstChild) button.appendChild(h.firstChild);
    h.appendChild(button);
    button.addEventListener("click", function () {
      if (state.sort === h.dataset.sort) state.order = state.order === "asc" ? "desc" : "asc";
      else { state.sort = h.dataset.sort; state.order = defaultOrder(h.dataset.sort); }
      render(); saveUrl();
    });
  });
  form.addEventListener("input", function () { readForm(); render(); saveUrl(); });
  form.addEventListener("change", function () { readForm(); render(); saveUrl(); });
  form.addEventListener("reset", function () {
    // 条件をクリア clears the conditions; the rows stay sorted as the reader chose (the reset put the sort back too)
    window.setTimeout(function () { writeSort(); readForm(); render(); saveUrl(); }, 0);
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  var nojs = document.querySelector("[data-regions-nojs]");
  if (nojs) nojs.hidden = true;
  loadUrl();
  lockColumns();
  render();
  window.addEventListener("resize", lockColumns);
})();
