// The results pages' small helper.
//
// The live poll (results/_live.html) asks every 3 s whether new responses were counted; a
// tab nobody looks at need not ask. This was an hx-trigger filter, which htmx evaluates as
// code: the Content-Security-Policy allows no eval, so the condition lives here instead.
//
// When new counts arrive, the numbers (#numbers) are swapped for fresh ones: what the
// reader opened (data tables in <details>), the element they were on and the scroll
// position are put back as they were, so that a refresh changes numbers and nothing else.
(function () {
  "use strict";

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt.id === "live-poll" && document.visibilityState !== "visible") {
      event.preventDefault();
    }
  });

  var kept = null;

  function focusables(root) {
    return Array.prototype.slice.call(root.querySelectorAll("a[href], summary, button, input, select, [tabindex]"));
  }

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var numbers = event.detail.target;
    if (!numbers || numbers.id !== "numbers") return;
    kept = {
      open: Array.prototype.map.call(numbers.querySelectorAll("details"), function (d) { return d.open; }),
      focus: focusables(numbers).indexOf(document.activeElement),
      x: window.scrollX,
      y: window.scrollY
    };
  });

  // After an outerHTML swap htmx may announce it on the element swapped out (no longer in
  // the page, so its event does not reach the body); htmx:load comes from the new one.
  function restore() {
    var numbers = document.getElementById("numbers");
    if (!kept || !numbers) return;
    var details = numbers.querySelectorAll("details");
    kept.open.forEach(function (open, i) {
      if (details[i]) details[i].open = open;
    });
    if (kept.focus >= 0) {
      var target = focusables(numbers)[kept.focus];
      if (target) target.focus({ preventScroll: true });
    }
    window.scrollTo(kept.x, kept.y);
    kept = null;
  }

  document.body.addEventListener("htmx:afterSwap", restore);
  document.body.addEventListener("htmx:load", restore);
})();
