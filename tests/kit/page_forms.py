"""One form of a page, as a browser would post it: found by the end of its action (e.g.
"#access" for a section of the settings page), its data read by tests.kit.html_form."""

from __future__ import annotations

import re
from collections.abc import Mapping

from tests.kit.html_form import submitted_data


def form_html(html: str, action_end: str) -> str:
    """The first <form> whose action ends with `action_end`, with what it holds."""
    for match in re.finditer(r'<form\b[^>]*\baction="([^"]*)"[^>]*>.*?</form>', html, re.S):
        if match.group(1).endswith(action_end):
            return match.group(0)
    raise AssertionError(f"no form posting to …{action_end} in the page")


def form_data(response, action_end: str, changes: Mapping[str, str | list[str]] | None = None) -> dict[str, list[str]]:
    """What the form posting to …`action_end` of `response` sends, with `changes` (a
    list sets several values, e.g. ticked boxes; an empty one unticks them all), as
    lists: the test client posts a QueryDict's last value only."""
    data = dict(submitted_data(form_html(response.content.decode(), action_end)).lists())
    for name, value in (changes or {}).items():
        data[name] = value if isinstance(value, list) else [value]
    return data
