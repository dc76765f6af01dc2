"""Every table of a results page as CSV or XLSX: the unrounded values beside the displayed
ones, suppressed cells left empty, and every text cell neutralised against formula
injection (`results.spreadsheet.safe_cell`)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.utils import timezone

from results.report.cells import ChoiceTable, min_base, p_display
from results.report.crosstab import Crosstab
from results.report.overview import Overview
from results.report.questions import QuestionReport
from results.spreadsheet import safe_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class ExportTable:
    name: str
    header: list[str]
    rows: list[list] = field(default_factory=list)


COUNT_HEADER = [
    "question", "row", "item", "net", "column", "column_label", "letter", "count", "base", "percent", "percent_display",
    "ci_low", "ci_high", "ci_display", "significantly_above", "low_base", "suppressed",
]
TEST_HEADER = [
    "question", "row", "choice", "segment", "columns", "method", "statistic", "df", "p_value", "p_display",
    "cramers_v", "n", "note",
]


def _column_code(column) -> str:
    """"total", or the segment by code ("role:it")."""
    return f"{column.key[0]}:{column.key[1]}" if column.key[0] else "total"


def _column_names(column) -> list[str]:
    return [_column_code(column), column.label]


def _cell_values(cell) -> list:
    return [
        cell.count if cell.shown else None,
        cell.base,
        cell.percent,
        cell.display,
        cell.interval[0] if cell.interval else None,
        cell.interval[1] if cell.interval else None,
        cell.interval_display,
    ]


def _test_row(table: ChoiceTable, choice: str, test) -> list:
    r = test.result
    return [
        table.question.code, table.row.code if table.row else "", choice, test.group, test.letters,
        r.method if r else "", r.statistic if r else None, r.df if r else None, r.p_value if r else None,
        p_display(r.p_value) if r else "", r.cramers_v if r else None, r.n if r else None, test.note,
    ]


def choice_rows(table: ChoiceTable) -> tuple[list[list], list[list]]:
    counts, tests = [], []
    for line in table.lines:
        for column, cell in zip(table.columns, line.cells, strict=True):
            values = _cell_values(cell)
            counts.append([
                table.question.code, table.row.code if table.row else "", line.code, line.net, _column_code(column),
                column.label, column.letter, *values, cell.letters, 0 < cell.base < 100, cell.suppressed,
            ])
        for test in line.tests.values():
            tests.append(_test_row(table, line.code, test))
    tests.extend(_test_row(table, "", test) for test in table.tests)
    return counts, tests


def question_tables(reports: list[QuestionReport]) -> list[ExportTable]:
    counts = ExportTable("counts", COUNT_HEADER)
    tests = ExportTable("tests", TEST_HEADER)
    summary = ExportTable("numeric summary", ["question", "column", "column_label", "statistic", "value",
                                              "value_display", "n"])
    answers = ExportTable("text answers", ["question", "completed_at", "answer"])
    for report in reports:
        for table in report.tables:
            c, t = choice_rows(table)
            counts.rows.extend(c)
            tests.rows.extend(t)
        if report.numeric:
            numeric = report.numeric
            for column, s in zip(numeric.columns, numeric.summaries, strict=True):
                for name in ("mean", "median", "q1", "q3", "minimum", "maximum"):
                    value = getattr(s, name) if s.shown else None
                    summary.rows.append(
                        [report.code, *_column_names(column), name, value, s.show(getattr(s, name)), s.n]
                    )
                if numeric.mean_intervals:
                    for i, name in enumerate(("mean_ci_low", "mean_ci_high")):
                        value = s.interval[i] if s.shown and s.interval else None
                        shown = s.show(value) if value is not None else s.interval_display
                        summary.rows.append([report.code, *_column_names(column), name, value, shown, s.n])
            for b in numeric.bins:
                counts.rows.append([report.code, "", b.label, False, *_column_names(numeric.columns[0]), "",
                                    *_cell_values(b.cell), "", False, b.cell.suppressed])
            for column, score in zip(numeric.columns, numeric.nps or [], strict=False):
                for name in ("promoters", "passives", "detractors"):
                    cell = getattr(score, name)
                    counts.rows.append([report.code, "", name, True, *_column_names(column), "",
                                        *_cell_values(cell), "", 0 < cell.base < 100, cell.suppressed])
                summary.rows.append([report.code, *_column_names(column), "nps", score.score, score.display, score.n])
        if report.row_numbers:  # a constant sum: each row as `question.row`
            sums = report.row_numbers
            for row in sums.rows:
                for column, s in zip(sums.columns, row.summaries, strict=True):
                    interval = s.interval if s.shown and s.interval else (None, None)
                    share = row.share(s)
                    for name, value in (("mean", s.mean if s.shown else None), ("mean_ci_low", interval[0]),
                                        ("mean_ci_high", interval[1]), ("mean_share_percent", share)):
                        shown = s.show(value) if value is not None or s.suppressed else "—"
                        summary.rows.append([f"{report.code}.{row.code}", *_column_names(column), name, value,
                                             shown, s.n])
        if report.ranking:
            _ranking_rows(report, counts, summary)
        if report.text:
            # The whole filtered, searched list, not only the page shown.
            for text, completed_at in report.text.page.paginator.object_list.iterator():
                answers.rows.append([report.code, completed_at, text])
    return [t for t in (counts, tests, summary, answers) if t.rows]


def crosstab_tables(tab: Crosstab) -> list[ExportTable]:
    table = ExportTable("crosstab", [
        "row_variable", "row_choice", "column_variable", "column_choice", "count",
        "row_percent", "row_percent_display", "column_percent", "column_percent_display",
        "total_percent", "total_percent_display", "n",
    ])
    for choice, cells, _ in tab.grid:
        for column_choice, cell in zip(tab.column.choices, cells, strict=True):
            # A cell of a small row or column is hidden as on the page; no pairs at all: "—".
            hidden = f"n<{min_base()}" if tab.n else cell.total.display
            values = (
                [cell.count, cell.row.percent, cell.row.display, cell.column.percent, cell.column.display,
                 cell.total.percent, cell.total.display]
                if cell.shown
                else [None, None, hidden, None, hidden, None, hidden]
            )
            table.rows.append([tab.row.code, choice.code, tab.column.code, column_choice.code, *values, tab.n])
    tables = [table]
    paired = tab.paired
    if paired is not None:
        test, cell = paired.test, paired.cell
        low, high = paired.bounds
        tables.append(ExportTable("paired", ["measure", "value", "value_display"], [
            ["discordant_count", cell.count if cell.shown else None, cell.count_display],
            ["discordant_percent", cell.percent, cell.display],
            ["discordant_ci_low", cell.interval[0] if cell.interval else None, cell.interval_display],
            ["discordant_ci_high", cell.interval[1] if cell.interval else None, cell.interval_display],
            ["bound_low", low, str(low)],
            ["bound_high", high, str(high)],
            ["mcnemar_exact", test.exact, test.label],
            ["mcnemar_statistic", test.statistic, f"{test.statistic:.2f}"],
            ["mcnemar_p_value", test.p_value, p_display(test.p_value)],
            ["pairs", paired.n, str(paired.n)],
        ]))
    return tables


def compare_tables(tables: list[ChoiceTable]) -> list[ExportTable]:
    tests = ExportTable("tests", TEST_HEADER)
    for table in tables:
        tests.rows.extend(choice_rows(table)[1])
    return [tests]


def overview_tables(view: Overview) -> list[ExportTable]:
    findings = ExportTable("findings", [
        "code", "statement", "count", "base", "percent", "percent_display", "ci_low", "ci_high", "ci_display",
        "headline",
    ])
    for card in view.findings:
        findings.rows.append([card.code, card.statement, *_cell_values(card.cell), card.sentence])
    segments = ExportTable("segments", ["segment", "value", "count", "base", "percent", "percent_display",
                                        "ci_low", "ci_high", "ci_display"])
    for row in view.segments:
        segments.rows.append([row.question, row.value, *_cell_values(row.cell)])
    by_day = ExportTable("completions by day", ["date", "completed"], [[day, n] for day, n in view.daily])
    totals = ExportTable("responses", ["measure", "value"], [
        ["complete", view.totals.complete], ["partial", view.totals.partial], ["excluded", view.totals.excluded],
        ["counted", view.counted],
    ])
    drop_off = ExportTable("drop-off by page", ["version", "page", "title", "stopped", "started", "percent",
                                                "percent_display"])
    for version in view.drop_off or []:
        drop_off.rows.extend([version.version, page.number, page.title, page.stopped, page.started, page.percent,
                              page.display] for page in version.pages)
    return [totals, findings, segments, by_day, drop_off]


def _plain(value):
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def export_response(tables: list[ExportTable], fmt: str, name: str) -> HttpResponse:
    """`fmt` "csv": the tables one after another, each under its name, a blank line
    between; "xlsx": one sheet per table."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "results"
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        for table in tables:
            sheet = book.create_sheet(title=re.sub(r"[\[\]:*?/\\]", " ", table.name)[:31])
            sheet.append([safe_cell(h) for h in table.header])
            for row in table.rows:
                sheet.append([safe_cell(_plain(v)) for v in row])
        if not tables:
            book.create_sheet(title="empty")
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for i, table in enumerate(tables):
            if len(tables) > 1:
                if i:
                    writer.writerow([])
                writer.writerow([safe_cell(f"# {table.name}")])
            writer.writerow([safe_cell(h) for h in table.header])
            writer.writerows([safe_cell(_plain(v)) for v in row] for row in table.rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        fmt = "csv"
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


def _ranking_rows(report: QuestionReport, counts: ExportTable, summary: ExportTable) -> None:
    """A ranking's cells per (rank, choice) in the counts, the rank as the row (`#1`: ranked
    first), and each choice's mean rank with its interval in the summary."""
    ranking = report.ranking
    for line in ranking.lines:
        for i, column in enumerate(ranking.columns):
            for rank, cell in zip(ranking.ranks, line.ranks[i], strict=True):
                counts.rows.append([report.code, f"#{rank}", line.code, False, *_column_names(column), column.letter,
                                    *_cell_values(cell), "", 0 < cell.base < 100, cell.suppressed])
            s = line.means[i]
            low, high = s.interval if s.shown and s.interval else (None, None)
            for name, value in (("mean_rank", s.mean), ("mean_rank_ci_low", low), ("mean_rank_ci_high", high)):
                value = value if s.shown else None
                summary.rows.append([report.code, *_column_names(column), f"{line.code}.{name}", value,
                                     s.show(value), s.n])
