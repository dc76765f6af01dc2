// The respondent's pages (loaded in the head, before the page is shown). A page saved is
// answered with the page to show next, one request instead of a redirect and a GET
// (responses/views/run.py), when the posted form says that this script runs. That page
// came as the answer to a post, at the posted page's address: the address bar is set to
// the page's own URL (<meta name="page-url">) before anything is shown, so that reload,
// bookmarks, Back and Forward work as after a redirect (a replaced entry reloads with a
// GET, never the post). A browser without the history API keeps the redirects.
(function () {
  "use strict";

  if (!window.history || !window.history.replaceState) return;
  var meta = document.querySelector('meta[name="page-url"]');
  var url = meta && meta.getAttribute("content");
  if (url && window.location.pathname !== url) window.history.replaceState(window.history.state, "", url);
  // Any button, Enter in a box, or a script's requestSubmit: each sends the submit event.
  document.addEventListener("submit", function (event) {
    var flag = event.target.querySelector && event.target.querySelector("input[data-in-place]");
    if (flag) flag.value = "1";
  }, true);
})();
