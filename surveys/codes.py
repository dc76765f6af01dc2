"""Codes suggested from labels, so that nobody building a survey has to type one.

A code names a question, choice, row, finding, NET or view in links, exports, conditions and
the API, and stays the same for as long as the survey lives (README, "Codes"). The builder
offers `code_from_label(label, taken)` and the author may change it before publishing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

CODE_MAX = 32  # short enough to read in a condition and to stay a variable name in statistics packages


def code_from_label(label: str, taken: Collection[str] = (), *, fallback: str = "item") -> str:
    """A lowercase code made of the label's words, cut at a word boundary, made unique
    against `taken` with a numeric suffix: "How did you hear about us?" ->
    "how_did_you_hear_about_us"; "Newsletter" -> "newsletter" (or "newsletter_2")."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    code = ""
    for word in words:
        candidate = f"{code}_{word}" if code else word
        if len(candidate) > CODE_MAX:
            break
        code = candidate
    if not code:
        code = words[0][:CODE_MAX] if words else fallback
    return unique_code(code, taken)


def unique_code(code: str, taken: Collection[str]) -> str:
    """`code`, or `code_2`, `code_3`... whichever is not taken (kept within CODE_MAX)."""
    if code not in taken:
        return code
    n = 2
    while True:
        suffix = f"_{n}"
        candidate = code[: CODE_MAX - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        n += 1
