// "Other, please specify": a choice's text box (data-specify-name / data-specify-value
// name its question and choice) shows while its choice is picked; a hidden box is also
// disabled, so that text left in it is not sent for a choice not picked (it comes back
// if the choice is picked again). A box that holds text or an error stays shown, and
// typing into it picks its choice. Without script every box shows; the server refuses
// text for a choice not picked rather than drop it.
(function () {
  "use strict";

  var form = document.getElementById("survey-form");
  if (!form) return;
  var boxes = Array.prototype.slice.call(form.querySelectorAll("[data-specify-name]"));
  if (!boxes.length) return;

  function controls(box) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name === box.getAttribute("data-specify-name");
    });
  }

  function picked(box) {
    var value = box.getAttribute("data-specify-value");
    return controls(box).some(function (el) {
      if (el.type === "radio" || el.type === "checkbox") return el.checked && el.value === value;
      return el.value === value;
    });
  }

  function pick(box) {
    var value = box.getAttribute("data-specify-value");
    controls(box).forEach(function (el) {
      if ((el.type === "radio" || el.type === "checkbox") && el.value === value && !el.checked) {
        el.checked = true;
        el.dispatchEvent(new Event("change", { bubbles: true }));
      } else if (el.tagName === "SELECT" && el.value !== value) {
        el.value = value;
        el.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  // On load a box with text or an error stays shown (the server's answer to it is on
  // the page); afterwards a box follows its choice.
  function update(first) {
    boxes.forEach(function (box) {
      var shown = picked(box) || first && (box.value.trim() !== "" || box.classList.contains("is-invalid"));
      box.closest(".specify").hidden = !shown;
      box.disabled = !shown;
    });
  }

  form.addEventListener("input", function (event) {
    if (event.target.hasAttribute("data-specify-name") && event.target.value.trim() !== "") pick(event.target);
  });
  form.addEventListener("change", function (event) {
    if (!event.target.hasAttribute("data-specify-name")) update(false);
  });
  update(true);
})();
