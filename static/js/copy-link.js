// "Copy link" buttons (the surveys home): each sits in a [data-copy-group] beside the link
// it copies and an aria-live status that says "Copied". Without JavaScript the buttons stay
// hidden and the link itself is there to select and copy.
(function () {
  "use strict";

  function say(status, text) {
    if (!status) return;
    // Emptied first, so that a second copy is announced again.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function selectLink(link) {
    const range = document.createRange();
    range.selectNodeContents(link);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  document.querySelectorAll("[data-copy-link]").forEach(function (button) {
    const group = button.closest("[data-copy-group]");
    const status = group && group.querySelector("[data-copy-status]");
    const link = group && group.querySelector("[data-public-link]");
    button.hidden = false;
    button.addEventListener("click", function () {
      const text = button.getAttribute("data-copy-link");
      const fallback = function () {
        if (link) selectLink(link);
        say(status, "Press Ctrl+C (or ⌘C) to copy the selected link");
      };
      if (!navigator.clipboard || !window.isSecureContext) {
        fallback();
        return;
      }
      navigator.clipboard.writeText(text).then(function () { say(status, "Copied"); }, fallback);
    });
  });
})();
