// Region index: a "比べる" checkbox in each row and a link to /compare/ with the 2–4 rows chosen.
// The bar carrying the strings and the link is hidden until this script runs.
(function () {
  "use strict";
  var table = document.querySelector('[data-module="region-table"]');
  var bar = document.querySelector('[data-module="compare-bar"]');
  if (!table || !bar) return;
  var MAX = 4;
  var link = bar.querySelector("a");
  var base = link.getAttribute("href");
  var chosen = [];
  var boxes = [];

  function update() {
    boxes.forEach(function (b) { b.disabled = !b.checked && chosen.length >= MAX; });
    link.textContent = bar.getAttribute("data-button").replace("{n}", chosen.length);
    if (chosen.length >= 2) {
      link.href = base + "?r=" + chosen.join(",");
      link.removeAttribute("aria-disabled");
    } else {
      link.removeAttribute("href");
      link.setAttribute("aria-disabled", "true");
    }
  }

  Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
    var cell = row.querySelector("th a");
    var match = cell && /regions\/([^/]+)\/index\.html$/.exec(cell.getAttribute("href"));
    if (!match) return;
    var slug = match[1];
    var label = document.createElement("label");
    label.className = "compare-check";
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
  bar.hidden = false;
  update();
})();
