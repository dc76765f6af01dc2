"""What a browser would submit from a piece of HTML: the successful controls of a form
in document order, as a QueryDict, without a real browser (for server-rendered widgets
whose form data must round-trip, such as the condition picker)."""

from __future__ import annotations

from html.parser import HTMLParser

from django.http import QueryDict

_NOT_SUBMITTED = {"submit", "button", "image", "reset", "file"}


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pairs: list[tuple[str, str]] = []
        self.select: dict | None = None
        self.option: dict | None = None
        self.textarea: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: (value if value is not None else "") for name, value in attrs}
        disabled = "disabled" in attr
        if tag == "input":
            kind = attr.get("type", "text").lower()
            name = attr.get("name")
            if not name or disabled or kind in _NOT_SUBMITTED:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attr:
                    self.pairs.append((name, attr.get("value", "on")))
                return
            # A browser drops line breaks from a one-line input's value.
            self.pairs.append((name, attr.get("value", "").replace("\r", "").replace("\n", "")))
        elif tag == "select":
            self.select = {"name": attr.get("name"), "disabled": disabled, "multiple": "multiple" in attr,
                           "options": []}
        elif tag == "option" and self.select is not None:
            self.option = {"value": attr.get("value"), "text": "", "selected": "selected" in attr,
                           "disabled": disabled}
            self.select["options"].append(self.option)
        elif tag == "textarea":
            self.textarea = {"name": attr.get("name"), "disabled": disabled, "text": ""}

    def handle_data(self, data: str) -> None:
        if self.option is not None:
            self.option["text"] += data
        if self.textarea is not None:
            self.textarea["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option":
            self.option = None
        elif tag == "select" and self.select is not None:
            select, self.select, self.option = self.select, None, None
            if not select["name"] or select["disabled"]:
                return
            options = select["options"]
            chosen = [o for o in options if o["selected"]]
            if not chosen and not select["multiple"]:
                chosen = [o for o in options if not o["disabled"]][:1]
            for option in chosen:
                value = option["value"] if option["value"] is not None else " ".join(option["text"].split())
                self.pairs.append((select["name"], value))
        elif tag == "textarea" and self.textarea is not None:
            textarea, self.textarea = self.textarea, None
            if textarea["name"] and not textarea["disabled"]:
                # The newline right after <textarea> is not part of its value.
                text = textarea["text"][1:] if textarea["text"].startswith("\n") else textarea["text"]
                self.pairs.append((textarea["name"], text))


def submitted_data(html: str, *, button: tuple[str, str] | None = None) -> QueryDict:
    """The form data a browser would post from `html`; `button` (name, value) is the
    submit button pressed, if any."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    data = QueryDict(mutable=True)
    for name, value in reader.pairs:
        data.appendlist(name, value)
    if button is not None:
        data.appendlist(*button)
    return data
