// The preview frames (templates/builder/_preview_frames.html): the desktop frame, 1280 px
// wide, is scaled to the width of its column (builder-preview.css reads --preview-scale),
// and "Reload" reloads the frames in place instead of the whole page.
//
// Beside the outline (templates/builder/outline/_preview_panel.html) also: "Show preview"
// shows and hides the panel without a page load and this browser remembers the choice
// (localStorage); its frames load only once it is shown; they reload after each saved
// change (the outline's answers trigger "outline-saved"); "Every question" / "The form"
// switch them; and "Show page N" shows the page being edited (every question, at that page).
(function () {
  "use strict";

  const DESKTOP_WIDTH = 1280;
  const BORDERS = 2;
  const REMEMBERED = "builder-outline-preview";

  function fit(slot) {
    const width = slot.clientWidth - BORDERS;
    if (width > 0) slot.style.setProperty("--preview-scale", String(Math.min(1, width / DESKTOP_WIDTH)));
  }

  function reloadFrames(preview) {
    preview.querySelectorAll("iframe[src]").forEach(function (frame) {
      // The frame's own address: it may have moved on to the next page or the thank-you page.
      try {
        // A page of the form reloads through the form's own link, which goes to the page
        // the test response is on now (another frame may have moved it on).
        const here = frame.contentWindow.location;
        const page = here.pathname.match(/^(.*\/)p\/\d+\/$/);
        if (page) here.replace(page[1]);
        else here.reload();
      } catch (error) {
        frame.src = frame.src;
      }
    });
  }

  document.querySelectorAll("[data-preview]").forEach(function (preview) {
    const slot = preview.querySelector("[data-preview-desktop]");
    if (slot) {
      fit(slot);
      new ResizeObserver(function () { fit(slot); }).observe(slot);
    }
    const reload = preview.querySelector("[data-preview-reload]");
    if (reload) {
      reload.addEventListener("submit", function (event) {
        event.preventDefault();
        reloadFrames(preview);
      });
    }
  });

  // --- The panel beside the outline ---------------------------------------------------------

  const panel = document.querySelector("[data-outline-preview]");
  if (!panel) return;
  const layout = document.querySelector("[data-outline-layout]");
  const toggle = document.querySelector("[data-preview-toggle]");
  const toggleButton = toggle && toggle.querySelector("button");
  const jump = panel.querySelector("[data-preview-jump]");
  const frames = function () { return panel.querySelectorAll("iframe"); };

  function remember(shown) {
    try {
      localStorage.setItem(REMEMBERED, shown ? "shown" : "hidden");
    } catch (error) {
      // Storage refused (private mode, a policy): the panel is shown as asked, not remembered.
    }
  }

  function remembered() {
    try {
      return localStorage.getItem(REMEMBERED) === "shown";
    } catch (error) {
      return false;
    }
  }

  function loadFrames() {
    frames().forEach(function (frame) {
      if (!frame.getAttribute("src") && frame.dataset.src) frame.src = frame.dataset.src;
    });
  }

  function show(shown, focus) {
    panel.hidden = !shown;
    layout.classList.toggle("outline-with-preview", shown);
    if (toggleButton) {
      toggleButton.textContent = shown ? "Hide the preview" : "Show the preview";
      toggleButton.setAttribute("aria-expanded", String(shown));
      toggleButton.value = shown ? "0" : "1";
    }
    if (shown) {
      loadFrames();
      const slot = panel.querySelector("[data-preview-desktop]");
      if (slot) fit(slot);
      if (focus) panel.querySelector("#outline-preview-heading").focus();
    }
  }

  // The address asks (?preview=1 or 0: the links without script), else what this browser remembers.
  const asked = new URLSearchParams(window.location.search).get("preview");
  if (asked === "1" || asked === "0") {
    remember(asked === "1");
  } else if (remembered()) {
    show(true, false);
  }

  if (toggle) {
    toggle.addEventListener("submit", function (event) {
      event.preventDefault();
      const shown = panel.hidden;
      remember(shown);
      show(shown, shown);
    });
  }

  // Scroll a frame (and only it: an #anchor in its address, or scrollIntoView, would scroll
  // this page too) to the element its data-anchor names, once loaded and after each reload.
  function scrollFrame(frame) {
    try {
      const doc = frame.contentDocument;
      const target = frame.dataset.anchor && doc ? doc.getElementById(frame.dataset.anchor) : null;
      // The scroller's own offset, set at once: a (smooth) scrollTo carries on into this page.
      if (target) doc.scrollingElement.scrollTop += target.getBoundingClientRect().top;
    } catch (error) {
      // Not readable (never the case for the app's own pages): left where it is.
    }
  }

  frames().forEach(function (frame) {
    frame.addEventListener("load", function () { scrollFrame(frame); });
  });

  // "The form (test mode)" or "Every question", at `anchor` (the id of a page of the questions).
  function showWhat(what, anchor) {
    const url = what === "questions" ? panel.dataset.questionsUrl : panel.dataset.formUrl;
    panel.querySelectorAll("[data-preview-show]").forEach(function (link) {
      if (link.dataset.previewShow === what) {
        link.setAttribute("aria-current", "true");
      } else {
        link.removeAttribute("aria-current");
      }
    });
    frames().forEach(function (frame) {
      const before = frame.getAttribute("src");
      frame.dataset.src = url;
      frame.dataset.anchor = anchor;
      frame.title = what === "questions" ? frame.title.replace(" in test mode,", ", all questions,")
        : frame.title.replace(", all questions,", " in test mode,");
      if (panel.hidden) return;
      if (before === url) {
        scrollFrame(frame);
      } else {
        frame.src = url;  // scrolled once loaded
      }
    });
  }

  panel.querySelectorAll("[data-preview-show]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      showWhat(link.dataset.previewShow, "");
    });
  });

  // The page being edited: the one with an open form (a question's, a page's, a condition's),
  // else the one last worked in.
  let lastPage = null;

  function pageNumber(element) {
    const section = element && element.closest ? element.closest(".outline-page[data-page-number]") : null;
    return section ? section.dataset.pageNumber : null;
  }

  function editedPage() {
    const open = document.querySelector("#outline .question-form, #outline .outline-page-form, " +
                                        "#outline .outline-condition-editor");
    return pageNumber(open) || lastPage || "1";
  }

  function updateJump() {
    if (!jump) return;
    jump.hidden = false;
    jump.textContent = "Show page " + editedPage();
  }

  document.addEventListener("focusin", function (event) {
    const number = pageNumber(event.target);
    if (number && event.target.closest("#outline")) {
      lastPage = number;
      updateJump();
    }
  });

  if (jump) {
    jump.addEventListener("click", function () {
      showWhat("questions", "page-" + editedPage());
    });
  }
  updateJump();

  document.body.addEventListener("outline-saved", function () {
    if (!panel.hidden) reloadFrames(panel);
  });
  document.body.addEventListener("htmx:afterSettle", updateJump);
})();
