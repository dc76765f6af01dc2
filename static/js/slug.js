// The create page: the slug follows the title as it is typed (the rule of
// builder.forms.create.slug_from_title) until the user edits the slug; once emptied it
// follows the title again. Choosing a survey to copy, or a file, also picks that way to start.
(function () {
  "use strict";

  const SLUG_MAX = 50;

  function slugify(text) {
    const ascii = text.normalize("NFKD").replace(/[^\x00-\x7f]/g, "");
    const words = ascii.toLowerCase().replace(/[^\w\s-]/g, "").replace(/[-\s]+/g, "-").replace(/^[-_]+|[-_]+$/g, "");
    let slug = "";
    for (const word of words.split("-")) {
      const candidate = slug ? slug + "-" + word : word;
      if (candidate.length > SLUG_MAX) break;
      slug = candidate;
    }
    return slug || words.slice(0, SLUG_MAX).replace(/^[-_]+|[-_]+$/g, "");
  }

  document.querySelectorAll("[data-slug-from]").forEach(function (slug) {
    const title = document.getElementById(slug.getAttribute("data-slug-from"));
    if (!title) return;
    // A slug already there (the page re-shown after an error) is the user's unless the title gives it.
    let edited = slug.value !== "" && slug.value !== slugify(title.value);
    title.addEventListener("input", function () {
      if (!edited) slug.value = slugify(title.value);
    });
    slug.addEventListener("input", function () {
      edited = slug.value.trim() !== "";
    });
  });

  // Choosing a survey to copy, or a file to upload, also picks that way to start.
  [["[data-copy-source]", "[data-start-copy]"], ["[data-upload-source]", "[data-start-upload]"]].forEach(function (pair) {
    document.querySelectorAll(pair[0]).forEach(function (source) {
      source.addEventListener("change", function () {
        const radio = source.form && source.form.querySelector(pair[1]);
        if (radio && source.value) radio.checked = true;
      });
    });
  });
})();
