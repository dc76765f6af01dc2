"""The results workbook (XLSX): a Contents sheet and one formatted banner table per question,
for the filters of the results pages, built by a worker into MEDIA_ROOT/exports.

Built from the report objects the questions page shows (results.report.questions), so
every number, NET, significance letter, low-base flag and suppressed cell is the page's.
Choice tables become banner tables (answers down, Total and segments across); the other
kinds of question (numeric, ranking, constant sum) are laid out as their table downloads
are (results.report.export). Percentages and intervals are fractions with a percent
format; every text cell goes through `safe_cell`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from results.exports.records import export_progress, file_export_build
from results.exports.xlsx import xlsx_value
from results.models import ExportRecord
from results.report import export as tables
from results.report.cells import ChoiceTable, GroupTest, min_base, p_display
from results.report.notes import as_of_display, filter_description
from results.report.questions import QuestionReport, question_reports
from results.report.ranking import rank_tables
from results.report.scope import Scope, scope_for
from results.spreadsheet import safe_cell
from surveys.types import TYPES

logger = logging.getLogger(__name__)

PERCENT = "0%"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
NOTE = Font(italic=True, color="555555", size=9)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
NET_FILL = PatternFill("solid", fgColor="F2F2F2")
# Per banner column: the percentage, the count, the 95% interval and the letters.
BANNER_FIELDS = ("%", "n", "95% low", "95% high", "Higher than")
LABEL_WIDTH_MAX = 60
LEGEND = (
    "Percentages of each column's base; 95% Wilson intervals. A letter: significantly higher than the column of "
    "that letter (p < 0.05). “low base”: base under 100, read with caution. n<{min}: base under {min}, "
    "not shown."
)
_SHEET_CHARS = re.compile(r"[\[\]:*?/\\']")
Progress = Callable[[int, int], None]


def _put(sheet: Worksheet, row: int, column: int, value, *, font: Font | None = None, number_format: str = "",
         fill: PatternFill | None = None):
    cell = sheet.cell(row=row, column=column, value=xlsx_value(safe_cell(value)))
    if font is not None:
        cell.font = font
    if number_format:
        cell.number_format = number_format
    if fill is not None:
        cell.fill = fill
    return cell


def _fraction(percent: float | None) -> float | None:
    return None if percent is None else percent / 100


def sheet_names(codes: list[str]) -> list[str]:
    """A sheet name per question code: at most 31 characters, none that Excel refuses, no
    two alike (Excel compares names without case)."""
    names, taken = [], {"contents"}
    for code in codes:
        stem = _SHEET_CHARS.sub("_", code)[:31] or "question"
        name, n = stem, 1
        while name.lower() in taken:
            n += 1
            name = f"{stem[:31 - len(str(n)) - 1]}~{n}"
        taken.add(name.lower())
        names.append(name)
    return names


def test_text(test: GroupTest) -> str:
    """A segment test as the page words it (results/_test.html)."""
    if test.result is None:
        return f"Segments {test.letters} ({test.label}): {test.note}"
    r = test.result
    verdict = "significant at 5%" if r.significant else "not significant at 5%"
    return f"Segments {test.letters} ({test.label}): {r.label}, {p_display(r.p_value)}, n = {r.n}: {verdict}."


def _header(sheet: Worksheet, report: QuestionReport, filters: str, as_of: str) -> int:
    """The question, its code and base, the filters and the time: the next free row."""
    question = report.question
    _put(sheet, 1, 1, question.label, font=TITLE)
    kind = TYPES[question.type].label if question.type in TYPES else question.type
    _put(sheet, 2, 1, f"Code {report.code} · {kind} · base {report.base} ({report.population})", font=NOTE)
    _put(sheet, 3, 1, f"Filters: {filters}")
    _put(sheet, 4, 1, f"Data as of {as_of}")
    return 6


def _banner(sheet: Worksheet, table: ChoiceTable, top: int, heading: str = "") -> tuple[int, int]:
    """One choice table from row `top`, under `heading` (or its matrix row's label): (the
    next free row, the first row of answers)."""
    row = top
    heading = heading or (table.row.label if table.row is not None else "")
    if heading:
        _put(sheet, row, 1, heading, font=BOLD)
        row += 1
    _put(sheet, row, 1, "Answer", font=BOLD, fill=HEADER_FILL)
    _put(sheet, row, 2, "Code", font=BOLD, fill=HEADER_FILL)
    width = len(BANNER_FIELDS)
    for i, column in enumerate(table.columns):
        first = 3 + i * width
        label = f"{column.label} ({column.letter})" if column.letter else column.label
        _put(sheet, row, first, label, font=BOLD, fill=HEADER_FILL)
        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=first + width - 1)
        for j, name in enumerate(BANNER_FIELDS):
            _put(sheet, row + 1, first + j, name, font=BOLD, fill=HEADER_FILL)
    _put(sheet, row + 1, 1, "", fill=HEADER_FILL)
    _put(sheet, row + 1, 2, "", fill=HEADER_FILL)
    row += 2
    _put(sheet, row, 1, "Base", font=BOLD)
    for i, (base, low) in enumerate(table.base_flags):
        first = 3 + i * width
        _put(sheet, row, first + 1, base, font=BOLD)
        flag = f"n<{min_base()}" if 0 < base < min_base() else ("low base" if low else "")
        _put(sheet, row, first + 4, flag, font=NOTE)
    row += 1
    answers = row
    for line in table.lines:
        fill = NET_FILL if line.net else None
        _put(sheet, row, 1, f"NET: {line.label}" if line.net else line.label, font=BOLD if line.net else None,
             fill=fill)
        _put(sheet, row, 2, line.code, font=NOTE, fill=fill)
        for i, cell in enumerate(line.cells):
            first = 3 + i * width
            low, high = cell.interval or (None, None)
            values = (_fraction(cell.percent), cell.count if cell.shown else None, low, high)
            for j, value in enumerate(values):
                _put(sheet, row, first + j, value, number_format="0" if j == 1 else PERCENT, fill=fill)
            _put(sheet, row, first + 4, cell.display if cell.suppressed else cell.letters, fill=fill)
        row += 1
    for test in table.tests:
        _put(sheet, row, 1, test_text(test), font=NOTE)
        row += 1
    for line in table.choice_lines:
        for test in line.tests.values():
            _put(sheet, row, 1, f"{line.label}: {test_text(test)}", font=NOTE)
            row += 1
    return row + 1, answers


@dataclass(frozen=True)
class Pivot:
    """How a long table of the table downloads becomes a banner: a line per `keys`, a
    column per banner column (its label), the `value` in the cell, or the `shown` text
    (n<5, —) where there is no value."""

    heading: str
    keys: tuple[str, ...]
    value: str
    shown: str
    percent: Callable[[tuple], bool]  # whether a line's values are percentages (0-100)


# The statistics' names in the table downloads, as the pages word them.
STATISTICS = {
    "mean": "Mean", "median": "Median", "q1": "Lower quartile", "q3": "Upper quartile", "minimum": "Minimum",
    "maximum": "Maximum", "mean_ci_low": "Mean, 95% low", "mean_ci_high": "Mean, 95% high", "nps": "NPS",
    "mean_share_percent": "Mean share of the total", "mean_rank": "Mean rank", "mean_rank_ci_low": "Mean rank, 95% low",
    "mean_rank_ci_high": "Mean rank, 95% high", "promoters": "Promoters (9–10)", "passives": "Passives (7–8)",
    "detractors": "Detractors (0–6)",
}

PIVOTS = {
    "numeric summary": Pivot("Summary", ("question", "statistic"), "value", "value_display",
                             lambda key: key[-1].endswith("percent")),
    "counts": Pivot("Share of answers", ("question", "row", "item"), "percent", "percent_display", lambda key: True),
}


def _labels(report: QuestionReport) -> dict[str, str]:
    """The labels of the codes the table downloads use for a question's lines."""
    question = report.question
    labels = {choice.code: choice.label for choice in question.choices}
    labels |= {f"{question.code}.{row.code}": row.label for row in question.rows}
    return labels | {row.code: row.label for row in question.rows}


def _words(part: str, labels: dict[str, str]) -> str:
    """A code of the table downloads in words: "price.mean_rank" is "Price: Mean rank"."""
    if part in labels or part in STATISTICS:
        return labels.get(part) or STATISTICS[part]
    head, dot, tail = part.rpartition(".")
    return f"{_words(head, labels)}: {_words(tail, labels)}" if dot else part


def _pivot(sheet: Worksheet, table: tables.ExportTable, pivot: Pivot, report: QuestionReport, top: int) -> int:
    """`table` (as results.report.export lays it out) as a banner from row `top`, its lines
    named by their labels (the sheet's question left out). The next free row."""
    labels = _labels(report)
    at = {name: i for i, name in enumerate(table.header)}
    columns: dict[str, int] = {}
    lines: dict[tuple, dict[str, object]] = {}
    for values in table.rows:
        key = tuple(values[at[k]] for k in pivot.keys)
        label = values[at["column_label"]]
        columns.setdefault(label, len(columns))
        value = values[at[pivot.value]]
        lines.setdefault(key, {})[label] = values[at[pivot.shown]] if value is None else value
    _put(sheet, top, 1, pivot.heading, font=BOLD)
    _put(sheet, top + 1, 1, "", fill=HEADER_FILL)
    for label, j in columns.items():
        _put(sheet, top + 1, 2 + j, label, font=BOLD, fill=HEADER_FILL)
    row = top + 2
    for key, cells in lines.items():
        _put(sheet, row, 1, " · ".join(_words(str(part), labels) for part in key if part not in ("", report.code)))
        percent = pivot.percent(key)
        for label, value in cells.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                _put(sheet, row, 2 + columns[label], value / 100 if percent else value,
                     number_format=PERCENT if percent else "0.0")
            else:
                _put(sheet, row, 2 + columns[label], value)
        row += 1
    return row + 1


def _pivots(sheet: Worksheet, report: QuestionReport, row: int, only: str = "") -> int:
    """The report's numeric tables (summaries, mean ranks, constant sums, shares per value),
    from the table downloads, as banners."""
    for table in tables.question_tables([report]):
        if table.name in PIVOTS and only in ("", table.name):
            row = _pivot(sheet, table, PIVOTS[table.name], report, row)
    return row


def _widths(sheet: Worksheet) -> None:
    """The first column as wide as its labels (up to a limit), the others as their headers."""
    # Notes (in italics: tests, the legend) run on to the right rather than widen the column.
    label = max((len(str(c.value)) for c in sheet["A"][5:] if c.value is not None and not c.font.i), default=10)
    sheet.column_dimensions["A"].width = min(LABEL_WIDTH_MAX, max(12, label + 2))
    for column in range(2, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 11


def question_sheet(sheet: Worksheet, report: QuestionReport, *, filters: str, as_of: str) -> None:
    row = _header(sheet, report, filters, as_of)
    freeze = None
    if report.kind == "personal":
        _put(sheet, row, 1, "Personal data: left out of the results (see the raw export).", font=NOTE)
    elif report.tables or report.ranking:
        banners = [("", t) for t in report.tables] or [
            (f"Ranked #{rank}" + (" (first)" if rank == 1 else ""), table)
            for rank, table in rank_tables(report.question, report.ranking)
        ]
        for heading, table in banners:
            row, answers = _banner(sheet, table, row, heading)
            freeze = freeze or f"C{answers}"
        if report.ranking:  # and the mean ranks, as the table downloads have them
            row = _pivots(sheet, report, row, only="numeric summary")
        _put(sheet, row, 1, LEGEND.format(min=min_base()), font=NOTE)
    else:
        end = _pivots(sheet, report, row)
        if end > row:
            freeze = "B8"
        else:
            _put(sheet, row, 1, "No table for this question: its answers are listed on its results page.", font=NOTE)
    sheet.freeze_panes = freeze or "A6"
    _widths(sheet)


def contents_sheet(sheet: Worksheet, scope: Scope, reports: list[QuestionReport], names: list[str], *,
                   filters: str, as_of: str) -> None:
    _put(sheet, 1, 1, scope.survey.title, font=TITLE)
    _put(sheet, 2, 1, "Results workbook", font=NOTE)
    _put(sheet, 3, 1, f"Filters: {filters}")
    _put(sheet, 4, 1, f"Data as of {as_of}")
    for j, name in enumerate(("Question", "Code", "Base", "Sheet"), start=1):
        _put(sheet, 6, j, name, font=BOLD, fill=HEADER_FILL)
    for i, (report, name) in enumerate(zip(reports, names, strict=True), start=7):
        link = _put(sheet, i, 1, report.question.label)
        # A link within the workbook (a location, not a target: no file or web address).
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{name}'!A1", display=str(link.value))
        link.font = Font(color="0563C1", underline="single")
        _put(sheet, i, 2, report.code, font=NOTE)
        _put(sheet, i, 3, report.base)
        _put(sheet, i, 4, name)
    sheet.freeze_panes = "A7"
    sheet.column_dimensions["A"].width = LABEL_WIDTH_MAX
    for column in "BCD":
        sheet.column_dimensions[column].width = 16


def workbook_write(scope: Scope, destination: Path, *, as_of: datetime, progress: Progress | None = None) -> int:
    """Write the workbook of `scope` to `destination`; returns the number of question sheets."""
    reports = question_reports(scope)
    filters, moment = filter_description(scope), as_of_display(as_of)
    names = sheet_names([r.code for r in reports])
    book = Workbook()
    contents = book.active
    contents.title = "Contents"
    contents_sheet(contents, scope, reports, names, filters=filters, as_of=moment)
    for done, (report, name) in enumerate(zip(reports, names, strict=True), start=1):
        question_sheet(book.create_sheet(name), report, filters=filters, as_of=moment)
        if progress is not None:
            progress(done, len(reports))
    book.save(destination)
    return len(reports)


def workbook_parameters(scope: Scope) -> dict:
    """What the record keeps: the page's filters, as its query string has them."""
    return {"filters": scope.filters.params()}


def _progress_saver(record: ExportRecord) -> Progress:
    """Sheets done so far, in the record's `rows` while it is pending (the status page
    shows them), at most every tenth of the way."""
    def save(done: int, total: int) -> None:
        if done == total or done % max(1, total // 10) == 0:
            export_progress(record, done)
    return save


def workbook_export_build(*, export_id: int) -> ExportRecord | None:
    """Build a pending workbook (see results.exports.records.file_export_build)."""

    def write(record: ExportRecord, path: Path) -> int:
        scope = scope_for(record.survey, record.parameters.get("filters", {}))
        return workbook_write(scope, path, as_of=timezone.now(), progress=_progress_saver(record))

    return file_export_build(
        export_id=export_id, kind=ExportRecord.Kind.WORKBOOK_XLSX, extension="xlsx", write=write, name="results"
    )
