// Region index: a checkbox in each row and, where the selection is, a bar 「N件選択中 比べる 印刷する」 acting on
// the chosen cases: /compare/?r=… (2–4 cases) and the print document /regions/print/?r=… (any number).
// The bar carries the strings and real links (crawlable, usable with a middle click); it is hidden until this runs.
(function () {
  "use strict";
  var table = document.querySelector('[data-module="region-table"]');
  var bar = document.querySelector('[data-module="pick-bar"]');
  if (!table || !bar) return;
  var COMPARE_MAX = 4;
  var hint = bar.querySelector("[data-pick-hint]");
  var active = bar.querySelector("[data-pick-active]");
  var note = bar.querySelector("[data-pick-note]");
  // The same count and links in the bar above the table and in the line after it (_pick_after.html).
  var after = document.querySelector('[data-module="pick-after"]');
  var scope = bar.parentNode;
  function all(selector) { return Array.prototype.slice.call(scope.querySelectorAll(selector)); }
  var counts = all("[data-pick-count]"), compares = all("[data-pick-compare]"), prints = all("[data-pick-print]");
  var bases = { compare: compares[0].getAttribute("href"), print: prints[0].getAttribute("href") };
  var chosen = [];
  var boxes = [];

  function update() {
    var n = chosen.length;
    bar.classList.toggle("pick-bar--active", n > 0);
    hint.hidden = n > 0;
    active.hidden = n === 0;
    if (after) after.hidden = n === 0;
    counts.forEach(function (el) { el.textContent = bar.getAttribute("data-count").replace("{n}", n); });
    compares.forEach(function (a) { a.href = bases.compare + (n ? "?r=" + chosen.slice(0, COMPARE_MAX).join(",") : ""); });
    prints.forEach(function (a) { a.href = bases.print + (n ? "?r=" + chosen.join(",") : ""); });
    var why = n === 1 ? "data-one" : n > COMPARE_MAX ? "data-max" : "";
    note.textContent = why ? bar.getAttribute(why) : "";
  }

  Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
    var cell = row.querySelector("th a");
    var match = cell && /regions\/([^/]+)\/index\.html$/.exec(cell.getAttribute("href"));
    if (!match) return;
    var slug = match[1];
    var label = document.createElement("label");
    label.className = "pick-check";
    var box = document.createElement("input");
    box.type = "checkbox";
    box.value = slug;
    var text = document.createElement("span");
    text.className = "visually-hidden";
    text.textContent = bar.getAttribute("data-label") + "：" + cell.textContent;
    label.appendChild(box);
    label.appendChild(text);
    cell.parentNode.insertBefore(label, cell);
    boxes.push(box);
    box.addEventListener("change", function () {
      var at = chosen.indexOf(slug);
      if (box.checked && at < 0) chosen.push(slug);
      if (!box.checked && at >= 0) chosen.splice(at, 1);
      update();
    });
  });
  bar.querySelector("[data-pick-clear]").addEventListener("click", function () {
    boxes.forEach(function (b) { b.checked = false; });
    chosen = [];
    update();
    if (boxes[0]) boxes[0].focus();
  });
  bar.hidden = false;
  update();
})();
