// The condition picker (templates/builder/conditions/_picker.html). htmx posts the
// picker's rows to its preview and swaps the result in; this file says when: on any
// change of a control, and on Enter in a field (which would otherwise press the form's
// first button). It also moves the focus to what a button added, and reads the new
// condition text aloud through one live region that survives the swaps.
(function () {
  "use strict";

  document.documentElement.classList.add("js-picker");

  var announcer = document.createElement("div");
  announcer.className = "visually-hidden";
  announcer.setAttribute("aria-live", "polite");
  document.body.appendChild(announcer);

  function pickerOf(element) {
    return element && element.closest ? element.closest("[data-condition-picker]") : null;
  }

  document.addEventListener("change", function (event) {
    var picker = pickerOf(event.target);
    // The textarea of text mode has its own debounced request (hx-trigger on it).
    if (picker && event.target.tagName !== "TEXTAREA") {
      htmx.trigger(picker, "picker-update");
    }
  });

  document.addEventListener("keydown", function (event) {
    var picker = pickerOf(event.target);
    if (picker && event.key === "Enter" && event.target.tagName === "INPUT" &&
        event.target.type !== "checkbox") {
      event.preventDefault();
      htmx.trigger(picker, "picker-update");
    }
  });

  // Outputs already read out (or there at page load): only a new one is announced.
  var seen = new WeakSet();
  document.querySelectorAll("[data-picker-output]").forEach(function (output) { seen.add(output); });

  document.body.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("[data-condition-picker]").forEach(function (picker) {
      var focus = picker.querySelector("[data-focus]");
      if (focus) {
        focus.removeAttribute("data-focus");
        focus.focus();
      }
      // Text mode swaps only the message under the textarea: mark the textarea with it.
      var feedback = picker.querySelector(".picker-feedback");
      var textarea = picker.querySelector("textarea");
      if (feedback && textarea) {
        var invalid = feedback.hasAttribute("data-invalid");
        textarea.classList.toggle("is-invalid", invalid);
        if (invalid) {
          textarea.setAttribute("aria-invalid", "true");
        } else {
          textarea.removeAttribute("aria-invalid");
        }
      }
      picker.querySelectorAll("[data-picker-output]").forEach(function (output) {
        if (!seen.has(output)) {
          seen.add(output);
          announcer.textContent = output.textContent.replace(/\s+/g, " ").trim();
        }
      });
    });
  });
})();
