// The results pages' small helper. The live poll (analytics/_live.html) asks every 3 s
// whether new responses were counted; a tab nobody looks at need not ask. This was an
// hx-trigger filter, which htmx evaluates as code: the Content-Security-Policy allows no
// eval, so the condition lives here instead.
(function () {
  "use strict";

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt.id === "live-poll" && document.visibilityState !== "visible") {
      event.preventDefault();
    }
  });
})();
