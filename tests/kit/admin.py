"""The admin as a browser uses it: the fields a browser would submit from one of its forms,
new inline forms added to them as the "Add another" links do, and the address of an
object's change page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html.parser import HTMLParser

from django.urls import reverse


class _FormFields(HTMLParser):
    """What a browser would submit from the form with `form_id`: enabled named inputs
    (checked ones only for checkboxes and radios), selected options and textareas."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._select_options: list[tuple[str, bool]] = []
        self._multiple = False
        self._textarea: str | None = None
        self._text = ""

    def _add(self, name: str, value: str) -> None:
        # Empty templates for new inline forms are not part of the submitted formsets.
        if "__prefix__" not in name:
            self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id") == self.form_id
            return
        if not self.in_form or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._add(name, attrs.get("value") or ("on" if kind in ("checkbox", "radio") else ""))
        elif tag == "select" and name:
            self._select, self._select_options = name, []
            self._multiple = "multiple" in attrs
        elif tag == "option" and self._select:
            self._select_options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self._select:
            selected = [value for value, chosen in self._select_options if chosen]
            if not selected and self._select_options and not self._multiple:
                selected = [self._select_options[0][0]]
            for value in selected:
                self._add(self._select, value)
            self._select = None
        elif tag == "textarea" and self._textarea:
            # Browsers drop the newline that Django puts right after <textarea>.
            self._add(self._textarea, self._text.removeprefix("\r\n").removeprefix("\n"))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text += data


def form_data(response, form_id: str) -> dict[str, list[str]]:
    """What a browser would submit from the form `form_id` of the page, as the admin filled it."""
    parser = _FormFields(form_id)
    parser.feed(response.content.decode())
    assert parser.data, f"no form #{form_id} in the page"
    return parser.data


# The nested inlines of a survey version's change form: the formsets inside each form of a
# formset, by the formset's name (the last part of its prefix).
STRUCTURE_INLINES: dict[str, tuple[str, ...]] = {
    "pages": ("questions",), "questions": ("rows", "choices"), "rows": (), "choices": (),
}


def inline_form_add(
    data: dict[str, list[str]], formset: str, fields: Mapping[str, object], *, nested: Sequence[str] | None = None,
) -> str:
    """Adds a new form to the inline formset `formset` (its prefix: "pages",
    "pages-0-questions", ...) of a browser's form data, as the admin's "Add another" link
    does: the form's fields (True as a ticked checkbox, False as an unticked one, None as
    empty) and the empty management forms of the formsets nested in it (`nested`; by default
    those of a survey version's structure). Returns the new form's prefix, to add forms under it."""
    total = int(data[f"{formset}-TOTAL_FORMS"][0])
    prefix = f"{formset}-{total}"
    data[f"{formset}-TOTAL_FORMS"] = [str(total + 1)]
    for name, value in fields.items():
        if value is True:
            data[f"{prefix}-{name}"] = ["on"]
        elif value is not False:
            data[f"{prefix}-{name}"] = ["" if value is None else str(value)]
    for child in STRUCTURE_INLINES.get(formset.rsplit("-", 1)[-1], ()) if nested is None else nested:
        data.update({
            f"{prefix}-{child}-TOTAL_FORMS": ["0"], f"{prefix}-{child}-INITIAL_FORMS": ["0"],
            f"{prefix}-{child}-MIN_NUM_FORMS": ["0"], f"{prefix}-{child}-MAX_NUM_FORMS": ["1000"],
        })
    return prefix


def survey_admin_url(model: str, pk: int) -> str:
    """The change page of a `surveys` object (`survey`, `surveyversion`, ...)."""
    return reverse(f"admin:surveys_{model}_change", args=[pk])
