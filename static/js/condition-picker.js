// The condition picker (templates/builder/conditions/_picker.html). Its rows post to the
// preview, which answers with the picker re-rendered (the text, the errors, a row added
// or removed); htmx swaps it in. Requests start here, by event delegation on the
// document, rather than from hx-* attributes: htmx wires those up only as a swap
// settles, and a change made in between (a fast author, a test) would be lost.
//
// Every request carries the whole picker, so the newest one is the truth: a request still
// under way when the picker sends another is aborted (hx-sync="this:replace" on it: htmx
// would otherwise queue the second and later drop it, its picker having been replaced),
// an answer to an older request is dropped, and the newest is swapped into the picker
// that is on the page now (the one it was sent from may have been replaced meanwhile).
//
// Also here: Enter in a field updates instead of pressing the form's first button, the
// focus moves to what a button added, and one live region that survives the swaps reads
// out the new condition text.
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

  var sent = {};  // the number of the newest request, by picker prefix

  function update(picker, values, options) {
    var prefix = picker.dataset.prefix;
    var all = { picker: prefix };
    Object.keys(values || {}).forEach(function (name) { all[name] = values[name]; });
    sent[prefix] = (sent[prefix] || 0) + 1;
    var context = {
      source: picker, target: picker, swap: "outerHTML", values: all,
      headers: { "X-Picker": prefix + " " + sent[prefix] },
    };
    Object.keys(options || {}).forEach(function (name) { context[name] = options[name]; });
    return htmx.ajax("POST", picker.dataset.previewUrl, context);
  }

  document.addEventListener("change", function (event) {
    var picker = pickerOf(event.target);
    // The textarea of text mode is checked as it is typed in (below).
    if (picker && !event.target.hasAttribute("data-picker-text")) {
      update(picker);
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-picker-action]") : null;
    var picker = pickerOf(button);
    if (picker) {
      event.preventDefault();
      var values = {};
      values[button.name] = button.value;
      update(picker, values);
    }
  });

  document.addEventListener("keydown", function (event) {
    var picker = pickerOf(event.target);
    if (picker && event.key === "Enter" && event.target.tagName === "INPUT" &&
        event.target.type !== "checkbox") {
      event.preventDefault();
      update(picker);
    }
  });

  // Text mode: the parser's message under the textarea, 400 ms after the last keystroke.
  // Only the message is swapped, so nothing typed meanwhile is lost.
  var typing = null;
  document.addEventListener("input", function (event) {
    var picker = pickerOf(event.target);
    if (!picker || !event.target.hasAttribute("data-picker-text")) {
      return;
    }
    clearTimeout(typing);
    typing = setTimeout(function () {
      var feedback = "#" + picker.dataset.prefix + "-feedback";
      update(picker, {}, { target: feedback, select: feedback });
    }, 400);
  });

  // A field being typed in when an answer arrives keeps what was typed, and is sent again.
  var typed = null;

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var stamp = ((event.detail.requestConfig || {}).headers || {})["X-Picker"];
    if (!stamp) {
      return;
    }
    var parts = stamp.split(" ");
    if (Number(parts[1]) < sent[parts[0]]) {
      event.detail.shouldSwap = false;
      return;
    }
    var target = event.detail.target;
    if (target && !document.body.contains(target) && target.id) {
      event.detail.target = document.getElementById(target.id) || target;
    }
    var active = document.activeElement;
    typed = null;
    if (active && active.tagName === "INPUT" && active.id && pickerOf(active) &&
        active.type !== "checkbox" && active.value !== active.defaultValue) {
      typed = { id: active.id, value: active.value };
    }
  });

  // What a failed save left (the field's message above the picker, the form's "Nothing
  // was added" banner) is stale once the picker changes: the picker now says itself what
  // is missing or wrong (templates/builder/conditions/_field.html).
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var element = event.target;
    var picker = element && element.closest ? element.closest("[data-condition-picker]") : null;
    if (!picker) return;
    var field = picker.parentElement; // the condition's fieldset
    var stale = field ? field.querySelector(":scope > [data-stale-after-pick]") : null;
    if (stale) {
      field.setAttribute("aria-describedby", field.getAttribute("aria-describedby").replace(" " + stale.id, ""));
      stale.remove();
    }
    var form = element.closest("form");
    if (!form) return;
    form.querySelectorAll("[data-unsaved-banner]").forEach(function (banner) {
      banner.remove();
    });
  });

  document.body.addEventListener("htmx:afterSwap", function () {
    if (!typed) {
      return;
    }
    var input = document.getElementById(typed.id);
    var again = typed;
    typed = null;
    if (input && input.value !== again.value) {
      input.value = again.value;
      update(pickerOf(input));
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
      var textarea = picker.querySelector("[data-picker-text]");
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
