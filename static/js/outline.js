// The outline editor's helper (templates/builder/outline/). Everything it does also works
// without it: forms post and the page reloads. With it:
// - the focus goes where the last action left off (#outline's data-focus, a list of ids);
// - codes are made from labels as they are typed, while the author has not changed them
//   (the same rules as surveys/codes.py), and checked as they are typed (format, unique);
// - questions are reordered, and moved between pages, by dragging (SortableJS).
(function () {
  "use strict";

  // htmx copies an old element's style attribute onto its new version while it settles:
  // after a drag, SortableJS has left one there, and the Content-Security-Policy refuses
  // style attributes (style-src-attr).
  htmx.config.attributesToSettle = ["class", "width", "height"];
  // htmx puts the focus back on the element that had it (same id) at once, but makes the new
  // forms submit through it only when the content settles (20 ms later by default): a key
  // pressed in between would send the form the old way, reloading the page. No transitions
  // here need the delay.
  htmx.config.defaultSettleDelay = 0;

  var CODE_MAX = 32; // surveys.codes.CODE_MAX
  var CODE_RE = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/; // surveys.definition_files.CODE_RE
  var CODE_FORMAT = "Use letters, digits, '_' and '-' (at most 64, not starting with '-').";

  // --- Codes (surveys/codes.py) ----------------------------------------------------------

  function uniqueCode(code, taken) {
    if (!taken.has(code)) return code;
    for (var n = 2; ; n++) {
      var suffix = "_" + n;
      var candidate = code.slice(0, CODE_MAX - suffix.length) + suffix;
      if (!taken.has(candidate)) return candidate;
    }
  }

  function codeFromLabel(label, taken, fallback) {
    var ascii = label.normalize("NFKD").replace(/[^\x00-\x7f]/g, "");
    var words = ascii.toLowerCase().match(/[a-z0-9]+/g) || [];
    var code = "";
    for (var i = 0; i < words.length; i++) {
      var candidate = code ? code + "_" + words[i] : words[i];
      if (candidate.length > CODE_MAX) break;
      code = candidate;
    }
    if (!code) code = words.length ? words[0].slice(0, CODE_MAX) : fallback;
    return uniqueCode(code, taken);
  }

  // The codes a code input must not repeat: the version's other questions (data-taken), or
  // the other entries of its list of choices or rows.
  function takenCodes(input) {
    if (input.dataset.taken) return new Set(JSON.parse(input.dataset.taken));
    var taken = new Set();
    var list = input.closest("[data-code-group]");
    if (list) {
      list.querySelectorAll(".code-input").forEach(function (other) {
        if (other !== input && other.value) taken.add(other.value);
      });
    }
    return taken;
  }

  function checkElement(input) {
    return document.getElementById(input.id + "-check") ||
      document.getElementById(input.id.replace(/-code$/, "-check"));
  }

  function showCodeProblem(input, message) {
    var box = checkElement(input);
    input.classList.toggle("is-invalid", Boolean(message));
    input.setAttribute("aria-invalid", message ? "true" : "false");
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
    if (!code) {
      showCodeProblem(input, "");
      return;
    }
    if (!CODE_RE.test(code)) {
      showCodeProblem(input, "\u201c" + code + "\u201d is not a valid code. " + CODE_FORMAT);
    } else if (takenCodes(input).has(code)) {
      showCodeProblem(input, "Another " + (input.dataset.what || "item") + " already has the code \u201c" + code + "\u201d.");
    } else {
      showCodeProblem(input, "");
    }
  }

  function followLabel(input) {
    var label = document.getElementById(input.dataset.codeFrom);
    if (!label || input.dataset.auto !== "true") return;
    input.value = codeFromLabel(label.value, takenCodes(input), input.dataset.fallback || "item");
    checkCode(input);
  }

  function initCodes(root) {
    root.querySelectorAll(".code-input").forEach(function (input) {
      if (input.dataset.auto) return; // set by the server (a question's code)
      var label = document.getElementById(input.dataset.codeFrom);
      var suggested = label ? codeFromLabel(label.value, takenCodes(input), input.dataset.fallback || "item") : "";
      input.dataset.auto = !input.value || input.value === suggested ? "true" : "false";
    });
  }

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (target.classList && target.classList.contains("code-input")) {
      // The author chose this code: it no longer follows the label (unless emptied).
      target.dataset.auto = target.value.trim() ? "false" : "true";
      checkCode(target);
      return;
    }
    if (target.id) {
      var input = document.querySelector('.code-input[data-code-from="' + CSS.escape(target.id) + '"]');
      if (input) followLabel(input);
    }
  });

  // --- Focus after an action ---------------------------------------------------------------

  function restoreFocus(root) {
    var outline = root.id === "outline" ? root : root.querySelector("#outline");
    if (!outline || !outline.dataset.focus) return;
    var ids = outline.dataset.focus.split(" ");
    for (var i = 0; i < ids.length; i++) {
      var element = document.getElementById(ids[i]);
      if (element && !element.disabled) {
        element.focus();
        return;
      }
    }
  }

  // --- Dragging questions ------------------------------------------------------------------

  function newToken() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  function csrfToken() {
    var input = document.querySelector("#outline input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function initSortable(root) {
    if (typeof Sortable === "undefined") return;
    root.querySelectorAll("[data-sortable]").forEach(function (list) {
      if (Sortable.get(list)) return;
      Sortable.create(list, {
        group: "questions",
        handle: ".drag-handle",
        draggable: ".outline-question",
        animation: 150,
        // Mouse and touch events rather than the browser's drag and drop: the same in every
        // browser, and the ghost stays in the list it will be dropped into.
        forceFallback: true,
        onEnd: function (event) {
          if (event.from === event.to && event.oldDraggableIndex === event.newDraggableIndex) return;
          htmx.ajax("POST", event.item.dataset.moveUrl, {
            target: "#outline",
            swap: "outerHTML",
            values: {
              page: event.to.dataset.page,
              position: event.newDraggableIndex,
              once: newToken(),
              csrfmiddlewaretoken: csrfToken(),
            },
          });
        },
      });
    });
  }

  htmx.onLoad(function (root) {
    initCodes(root);
    initSortable(root);
    restoreFocus(root);
  });
})();
