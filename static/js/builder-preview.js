// The preview frames (templates/builder/_preview_frames.html): the desktop frame, 1280 px
// wide, is scaled to the width of its column (builder-preview.css reads --preview-scale),
// and "Reload" reloads the frames in place instead of the whole page.
(function () {
  "use strict";

  const DESKTOP_WIDTH = 1280;
  const BORDERS = 2;

  function fit(slot) {
    const width = slot.clientWidth - BORDERS;
    if (width > 0) slot.style.setProperty("--preview-scale", String(Math.min(1, width / DESKTOP_WIDTH)));
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
        preview.querySelectorAll("iframe").forEach(function (frame) {
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
      });
    }
  });
})();
