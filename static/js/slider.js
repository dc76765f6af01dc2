// Sliders (surveys.types.numeric.SliderType): a range input always holds a value, so the
// answer is the number input beside it, which this hides and fills only once the slider
// is moved (by pointer or keys). Without this script the number input stays visible.
(function () {
  "use strict";
  document.querySelectorAll("[data-slider-for]").forEach(function (box) {
    var answer = document.getElementById(box.getAttribute("data-slider-for"));
    var range = box.querySelector("input[type=range]");
    var output = box.querySelector("output");
    if (!answer || !range) return;
    ["min", "max", "step"].forEach(function (name) { range.setAttribute(name, answer.getAttribute(name)); });
    // Untouched, the faint thumb waits mid-scale (snapped to a step), not at an end.
    range.value = String((Number(answer.min) + Number(answer.max)) / 2);
    var label = document.querySelector("label[for='" + answer.id + "']");
    if (label) label.htmlFor = range.id;
    var described = answer.getAttribute("aria-describedby");
    if (described) range.setAttribute("aria-describedby", described);
    if (answer.classList.contains("is-invalid")) range.setAttribute("aria-invalid", "true");

    function show(value) {
      range.classList.remove("slider-untouched");
      range.setAttribute("aria-valuetext", value);
      output.textContent = value;
    }
    function moved() {
      answer.value = range.value;
      show(range.value);
      // Display conditions and the progress listen to the form's changes.
      answer.dispatchEvent(new Event("change", { bubbles: true }));
    }
    if (answer.value !== "") {
      range.value = answer.value;
      show(answer.value);
    }
    range.addEventListener("input", moved);
    range.addEventListener("change", moved);
    answer.type = "hidden";
    box.hidden = false;
  });
})();
