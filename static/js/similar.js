// Regions like mine: ranks the cases by closeness to the figures typed in, with the reasons in words.
// The ranking is SimilarCore.rank (static/js/similar-core.js), the twin of casebook/similar.py.
// The form's state lives in the query string (pop, r65, r75, m). Without this script the form stays hidden and the
// page explains how to use the closest cases listed on every case page.
(function () {
  "use strict";
  var form = document.querySelector('[data-module="similar"]');
  var table = document.querySelector('[data-module="similar-cases"]');
  var core = window.SimilarCore;
  if (!form || !table || !core) return;
  var S = JSON.parse(form.getAttribute("data-strings"));
  var status = form.querySelector("[data-status]");
  var results = form.querySelector("[data-results]");
  var compareTop = form.querySelector("[data-compare-top]");
  var compareBase = form.getAttribute("data-compare");
  var cases = Array.prototype.map.call(table.tBodies[0].rows, function (row) {
    var d = row.dataset;
    return { slug: d.slug, number: Number(d.number), total: Number(d.total), rate65: Number(d.rate65),
      rate75: Number(d.rate75), models: d.models.split(" ").filter(Boolean), name: d.name, href: d.href };
  });
  var bySlug = {};
  cases.forEach(function (c) { bySlug[c.slug] = c; });
  var FIELDS = { pop: "total", r65: "rate65", r75: "rate75" };

  function number(value) {
    value = (value || "").trim();
    if (!value) return null;
    var n = Number(value);
    return isFinite(n) ? n : null;
  }

  function checkedModels() {
    return Array.prototype.filter.call(form.elements.m, function (box) { return box.checked; })
      .map(function (box) { return box.value; });
  }

  function readQuery() {
    var q = { models: checkedModels() };
    Object.keys(FIELDS).forEach(function (name) { q[FIELDS[name]] = number(form.elements[name].value); });
    if (q.total !== null && q.total <= 0) q.total = null;
    return q;
  }

  function formatValue(key, value) {
    return key === "total" ? value.toLocaleString("ja-JP") + S.people : value.toFixed(1) + "%";
  }

  function reasonItem(reason, c) {
    var li = document.createElement("li");
    li.className = "reasons__item reasons__item--" + reason.verdict;
    if (reason.key === "models") {
      li.textContent = S.reasons.models[reason.verdict].replace("{codes}", reason.codes.join("・"));
      return li;
    }
    li.appendChild(document.createTextNode(S.reasons[reason.key][reason.verdict]));
    var figures = document.createElement("span");
    figures.className = "reasons__figures";
    figures.textContent = "（" + S.you + " " + formatValue(reason.key, reason.query) + " ／ " + c.name + " " +
      formatValue(reason.key, reason["case"]) + "）";
    li.appendChild(figures);
    return li;
  }

  function render() {
    var q = readQuery();
    results.textContent = "";
    if (q.total === null && q.rate65 === null && q.rate75 === null) {
      var touched = Object.keys(FIELDS).some(function (n) { return form.elements[n].value.trim(); }) || q.models.length;
      status.textContent = touched ? S.need : "";
      compareTop.hidden = true;
      return;
    }
    var ranked = core.rank(q, cases, null);
    ranked.forEach(function (r) {
      var c = bySlug[r.slug];
      var li = document.createElement("li");
      li.className = "similar-results__item";
      var a = document.createElement("a");
      a.href = c.href;
      a.textContent = S.ref.replace("{name}", c.name).replace("{number}", c.number);
      li.appendChild(a);
      var ul = document.createElement("ul");
      ul.className = "reasons";
      r.reasons.forEach(function (reason) { ul.appendChild(reasonItem(reason, c)); });
      li.appendChild(ul);
      results.appendChild(li);
    });
    status.textContent = S.status.replace("{n}", ranked.length);
    compareTop.querySelector("a").href = compareBase + "?r=" + ranked.slice(0, 3).map(function (r) { return r.slug; }).join(",");
    compareTop.hidden = false;
  }

  function saveUrl() {
    var parts = [];
    Object.keys(FIELDS).forEach(function (name) {
      var v = form.elements[name].value.trim();
      if (v) parts.push(name + "=" + encodeURIComponent(v));
    });
    var models = checkedModels();
    if (models.length) parts.push("m=" + models.map(encodeURIComponent).join(","));
    try {
      history.replaceState(null, "", parts.length ? "?" + parts.join("&") : window.location.pathname);
    } catch (e) { /* file:// in some browsers refuses replaceState; the results still update */ }
  }

  function loadUrl() {
    var params = new URLSearchParams(window.location.search);
    Object.keys(FIELDS).forEach(function (name) {
      var v = number(params.get(name));
      form.elements[name].value = v === null ? "" : String(v);
    });
    var wanted = (params.get("m") || "").split(",");
    Array.prototype.forEach.call(form.elements.m, function (box) { box.checked = wanted.indexOf(box.value) >= 0; });
  }

  function update() { render(); saveUrl(); }
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
  form.addEventListener("reset", function () { window.setTimeout(update, 0); });
  var nojs = document.querySelector("[data-nojs]");
  if (nojs) nojs.hidden = true;
  form.hidden = false;
  loadUrl();
  render();
})();
