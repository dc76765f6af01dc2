// The findings page (templates/builder/findings/). Everything works without it: forms
// post and the page reloads ("Check and preview", "Show the choices"). With it:
// - a code follows its statement or label as it is typed (the rules of surveys/codes.py),
//   until the author changes it, and is checked as it is typed (format, not taken);
// - today's numbers follow the base and target pickers as they change;
// - the buttons only a browser without JavaScript needs are hidden.
(function () {
  "use strict";

  var CODE_MAX = 32; // surveys.codes.CODE_MAX
  var CODE_RE = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/; // surveys.definition_files.CODE_RE
  var CODE_FORMAT = "Use letters, digits, '_' and '-' (at most 64, not starting with '-').";

  function uniqueCode(code, taken) {
    if (!taken.has(code)) return code;
    for (var n = 2; ; n++) {
      var suffix = "_" + n;
      var candidate = code.slice(0, CODE_MAX - suffix.length) + suffix;
      if (!taken.has(candidate)) return candidate;
    }
  }

  function codeFromLabel(label, taken) {
    var ascii = label.normalize("NFKD").replace(/[^\x00-\x7f]/g, "");
    var words = ascii.toLowerCase().match(/[a-z0-9]+/g) || [];
    var code = "";
    for (var i = 0; i < words.length; i++) {
      var candidate = code ? code + "_" + words[i] : words[i];
      if (candidate.length > CODE_MAX) break;
      code = candidate;
    }
    if (!code) code = words.length ? words[0].slice(0, CODE_MAX) : "";
    // Nothing to make a code of: the server makes one when the form is saved.
    return code ? uniqueCode(code, taken) : "";
  }

  function taken(input) {
    return new Set(JSON.parse(input.dataset.taken || "[]"));
  }

  function suggestion(input) {
    var source = document.getElementById(input.dataset.codeFrom);
    if (!source || !source.value.trim()) return "";
    var prefix = input.dataset.codePrefix ? input.dataset.codePrefix + " " : "";
    return codeFromLabel(prefix + source.value, taken(input));
  }

  function showCodeProblem(input, message) {
    var box = document.getElementById(input.id + "-check");
    input.classList.toggle("is-invalid", Boolean(message));
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    if (!box) return;
    box.textContent = "";
    if (message) {
      var line = document.createElement("div");
      line.className = "invalid-feedback d-block";
      line.textContent = message;
      box.appendChild(line);
    }
  }

  function checkCode(input) {
    var code = input.value.trim();
    if (!code) showCodeProblem(input, "");
    else if (!CODE_RE.test(code)) showCodeProblem(input, "\u201c" + code + "\u201d is not a valid code. " + CODE_FORMAT);
    else if (taken(input).has(code)) {
      showCodeProblem(input, "Another " + (input.dataset.what || "item") + " already has the code \u201c" + code + "\u201d.");
    } else showCodeProblem(input, "");
  }

  document.querySelectorAll(".code-input").forEach(function (input) {
    // A code the server showed is the author's unless it is what the statement gives.
    input.dataset.follows = !input.value || input.value === suggestion(input) ? "true" : "false";
    // A statement typed before this script ran (a slow page) still gives its code.
    if (!input.value) input.value = suggestion(input);
    if (input.value) checkCode(input);
  });

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (!target.classList) return;
    if (target.classList.contains("code-input")) {
      target.dataset.follows = target.value.trim() ? "false" : "true";
      checkCode(target);
      return;
    }
    document.querySelectorAll('.code-input[data-code-from="' + target.id + '"]').forEach(function (input) {
      if (input.dataset.follows !== "true") return;
      input.value = suggestion(input);
      checkCode(input);
    });
  });

  // A finding's base or target picker was re-rendered (static/js/condition-picker.js swaps
  // the new one in, or the message under its text, and drops the failed save's message):
  // today's numbers follow, asked for with both pickers as they are now on the page. After
  // the swap, not on the picker's answer, so that a removed condition is gone from what is sent.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var element = event.target;
    if (!element.closest || !element.closest("[data-condition-picker]")) return;
    var form = element.closest("form");
    var preview = form ? form.querySelector("[data-finding-preview]") : null;
    if (preview) htmx.trigger(preview, "findingConditionChecked");
  });

  document.querySelectorAll("[data-without-js]").forEach(function (element) {
    element.hidden = true;
  });
})();
