// The respondent form's small helpers: focus the error summary, untick the other boxes
// when an exclusive choice is ticked (and it when another is), and show or hide the
// questions whose display condition depends on answers on the same page (conditions.js
// evaluates the JSON in data-condition); the server stays
// the authority: it refuses an exclusive choice with others, and drops answers to
// questions that turn out hidden.
(function () {
  "use strict";

  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!target) return;
      event.preventDefault();
      var box = target.closest("fieldset") || target.closest(".question") || target;
      box.scrollIntoView();
      target.focus({ preventScroll: true });
    });
  }

  var form = document.getElementById("survey-form");
  if (!form) return;

  // Unticking is said aloud too: a screen reader user would not otherwise know.
  var said = document.createElement("div");
  said.className = "visually-hidden";
  said.setAttribute("role", "status");
  form.appendChild(said);

  // Before the conditions' listener (registered below), so that they see the boxes as left.
  form.addEventListener("change", function (event) {
    var box = event.target;
    if (box.type !== "checkbox" || !box.checked) return;
    var exclusive = box.hasAttribute("data-exclusive");
    var unticked = [];
    Array.prototype.forEach.call(form.elements, function (other) {
      if (other === box || other.type !== "checkbox" || other.name !== box.name || !other.checked) return;
      if (exclusive || other.hasAttribute("data-exclusive")) {
        other.checked = false;
        unticked.push(other.labels.length ? other.labels[0].textContent.trim() : other.value);
      }
    });
    said.textContent = unticked.length ? "Unticked: " + unticked.join(", ") + "." : "";
  });

  var blocks = Array.prototype.slice.call(form.querySelectorAll("[data-condition]"));
  if (!blocks.length) return;
  var rules = blocks.map(function (block) {
    return JSON.parse(block.getAttribute("data-condition"));
  });

  function holds(rule) {
    return window.SurveyConditions.evaluate(rule, form, false) === true;
  }

  function update() {
    // In page order, so that a question depending on a hidden one is hidden too.
    blocks.forEach(function (block, i) {
      block.hidden = !holds(rules[i]);
    });
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
