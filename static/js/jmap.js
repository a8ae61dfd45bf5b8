// Map of the cases: recolours the marks by the measure chosen (a figure, or one model) and swaps the legend.
// Without this script the map shows the 65+ rate, its legend, and the same content as a list.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll('[data-module="jmap"]'), function (section) {
    var svg = section.querySelector("svg.jmap"); // the phone parts (svg.jmap-part) carry the same marks
    var select = section.querySelector("select");
    var controls = section.querySelector("[data-controls]");
    if (!svg || !select || !controls) return;
    var ramp = svg.getAttribute("data-ramp").split(" ");
    var dark = svg.getAttribute("data-dark").split(" ");
    var modelFill = svg.getAttribute("data-model-fill").split(" ");
    var marks = Array.prototype.slice.call(section.querySelectorAll(".jmap__mark"));
    var legends = Array.prototype.slice.call(section.querySelectorAll("[data-legend]"));

    function paint(mark, fill, onDark) {
      mark.querySelector("circle").setAttribute("fill", fill);
      mark.querySelector("text").classList.toggle("jmap__num--on-dark", onDark);
    }

    function apply() {
      var value = select.value;
      var model = value.indexOf("model:") === 0 ? value.slice(6) : null;
      marks.forEach(function (mark) {
        if (model) {
          var has = mark.getAttribute("data-models").split(" ").indexOf(model) >= 0;
          paint(mark, modelFill[has ? 1 : 0], has);
        } else {
          var bin = Number(mark.getAttribute("data-bin-" + value));
          paint(mark, ramp[bin], dark[bin] === "1");
        }
      });
      legends.forEach(function (legend) {
        legend.hidden = legend.getAttribute("data-legend") !== (model ? "model" : value);
        if (model && !legend.hidden) {
          legend.querySelector("[data-model-title]").textContent = select.options[select.selectedIndex].text;
          Array.prototype.forEach.call(legend.querySelectorAll("[data-template]"), function (span) {
            span.textContent = span.getAttribute("data-template").replace("{code}", model);
          });
        }
      });
    }

    select.addEventListener("change", apply);
    controls.hidden = false;
    apply();
  });
})();
