// The page's progress ("Page 2 of 4", the bar) and its Next/Submit label, recounted as the
// answers on this page change. The server sends, in #progress-data, how many shown pages
// come before this one and the display condition of each later page that may still be
// shown, with the parts this page's answers decide left as comparisons (the JSON form.js
// reads; conditions.js evaluates both) and the rest settled: true, false, or null where an
// answer on a later page is still to come. A later page counts while its condition is true
// or unknown; a question of this page with no answer yet is unknown too. The server
// decides again when the page is posted.
(function () {
  "use strict";

  var data = document.getElementById("progress-data");
  var form = document.getElementById("survey-form");
  var label = document.getElementById("progress-label");
  if (!data || !form || !label) return;
  var progress = JSON.parse(data.textContent);
  var bar = document.querySelector("#progress [role='progressbar']");
  var buttons = form.querySelectorAll("[data-next-label]");

  // A later page counts while its condition is true or not known yet.
  function state(condition) {
    return window.SurveyConditions.evaluate(condition, form, null);
  }

  function update() {
    var later = progress.later.filter(function (condition) { return state(condition) !== false; }).length;
    var number = progress.before + 1;
    var total = number + later;
    var text = "Page " + number + " of " + total;
    label.textContent = text;
    if (bar) {
      bar.setAttribute("aria-valuemax", String(total));
      bar.setAttribute("aria-valuetext", text);
      var fill = bar.querySelector(".progress-bar");
      if (fill) fill.className = "progress-bar progress-step-" + Math.round((20 * number) / total);
    }
    Array.prototype.forEach.call(buttons, function (button) {
      button.textContent = later ? "Next" : "Submit";
    });
  }

  // After form.js, whose own listeners show and hide this page's questions first.
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
