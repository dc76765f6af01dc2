"""One report per question: its tables, chart and (for text) its answers."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.utils.safestring import SafeString

from analytics import filters as raw
from analytics.tables import SurveyCounts
from results import charts
from results.report.cells import ChoiceTable, choice_table
from results.report.figures import chart_caption, choice_table_svg, matrix_table_svg, numeric_table_svg
from results.report.numeric import NumericReport, RowNumbersReport, numeric_report, row_numbers_report
from results.report.ranking import RankingReport, rank_tables, ranking_report
from results.report.scope import Scope
from surveys.definition import QuestionDef

TEXT_PAGE_SIZE = 25


@dataclass
class TextReport:
    page: Page
    search: str


@dataclass
class QuestionReport:
    question: QuestionDef
    # the type's result kind ("choice", "rows", "ranking", "numeric", "row_numbers", "text" or "date"), or "personal"
    kind: str
    base: int
    population: str
    tables: list[ChoiceTable] = field(default_factory=list)
    numeric: NumericReport | None = None
    row_numbers: RowNumbersReport | None = None  # a constant sum
    ranking: RankingReport | None = None
    text: TextReport | None = None  # a text question's answers, or a choice question's "please specify" texts
    chart: SafeString | str = ""
    table_svg: SafeString | str = ""  # the question's table as an SVG, for its downloads

    @property
    def code(self) -> str:
        return self.question.code

    @property
    def chart_id(self) -> str:
        return f"chart-{self.question.code}"

    @property
    def table_id(self) -> str:
        return f"table-{self.question.code}"

    @property
    def scale(self) -> list[str]:
        return [c.label for c in self.question.choices]

    @property
    def matrix_summary(self) -> list[tuple[ChoiceTable, list]]:
        """Per matrix row: its table and the first column's cells (choices, then NETs)."""
        return [(table, [line.cells[0] for line in table.lines]) for table in self.tables]

    @property
    def matrix_headers(self) -> list[tuple[str, bool]]:
        """(label, is a NET) of the summary's columns."""
        return [(line.label, line.net) for line in self.tables[0].lines] if self.tables else []


def _kind(question: QuestionDef) -> str:
    # Results pages and their table downloads never list personal data (e-mail answers,
    # answers to questions marked personal data): only the raw export, when asked for and
    # recorded, carries it.
    if question.holds_personal_data:
        return "personal"
    return question.question_type.result_kind


def question_report(scope: Scope, counts: SurveyCounts, question: QuestionDef, *, text_search: str | None = None,
                    text_page: str | int = 1) -> QuestionReport:
    """A question's report. Text answers are read (two queries) only when `text_search` is
    given, i.e. on the question's own page."""
    # A segment question is not broken down by itself (its columns would be 100% and 0%).
    columns = [c for c in scope.columns if not (question.segment and c.group == question.code)]
    kind = _kind(question)
    first = columns[0]
    report = QuestionReport(question, kind, counts.base(question.code, segment=first.key), scope.population)
    segment_labels = {q.code: q.label for q in scope.segment_questions}
    title = f"{question.label} ({scope.population}, base {report.base})"

    def caption(what: str = "") -> charts.Caption:
        return chart_caption(scope, f"{question.label}{what}", report.base)

    if kind == "choice":
        table = choice_table(counts, columns, question, segment_labels=segment_labels, nets=scope.nets)
        report.tables = [table]
        report.chart = charts.bar_chart(
            report.chart_id, title,
            [charts.Bar(line.label, line.cells[0].percent, line.cells[0].display) for line in table.lines],
            caption(),
        )
        report.table_svg = choice_table_svg(report.table_id, table, caption())
    elif kind == "rows":
        report.tables = [
            choice_table(counts, columns, question, row, segment_labels, nets=scope.nets) for row in question.rows
        ]
        report.table_svg = matrix_table_svg(report.table_id, report.tables, caption())
        if question.question_type.picks_many:
            # Several choices per row add up to more than 100%: bars, not 100% stacks.
            report.chart = charts.bar_chart(report.chart_id, f"{title}: share of each row's base", [
                charts.Bar(f"{t.row.label}: {line.label}", line.cells[0].percent, line.cells[0].display)
                for t in report.tables for line in t.choice_lines
            ], caption(": share of each row's base"))
        else:
            report.chart = charts.stacked_chart(
                report.chart_id,
                f"{question.label} ({scope.population}): share of each answer per row, 100% stacked",
                [
                    charts.Stack(
                        f"{t.row.label} (n={t.bases[0]})",
                        [charts.Bar(line.label, line.cells[0].percent, line.cells[0].display)
                         for line in t.choice_lines],
                    )
                    for t in report.tables
                ],
                report.scale,
                caption(": share of each answer per row, 100% stacked"),
            )
    elif kind == "ranking":
        report.ranking = ranking_report(counts, columns, question)
        first = rank_tables(question, report.ranking)[0][1]
        report.table_svg = choice_table_svg(report.table_id, first, caption(": ranked first"))
        report.chart = charts.bar_chart(report.chart_id, f"{title}: share who ranked each answer first", [
            charts.Bar(line.label, line.first[0].percent, line.first[0].display) for line in report.ranking.lines
        ], caption(": share who ranked each answer first"))
    elif kind == "numeric":
        report.numeric = numeric_report(counts, columns, question)
        report.table_svg = numeric_table_svg(report.table_id, report.numeric, caption())
        report.chart = charts.histogram_chart(
            report.chart_id, f"{title}: share of answers per value",
            [charts.Bar(b.label, b.cell.percent, b.cell.display) for b in report.numeric.bins],
            caption(": share of answers per value"),
        )
    elif kind == "row_numbers":
        sums = report.row_numbers = row_numbers_report(counts, columns, question)
        report.chart = charts.bar_chart(report.chart_id, f"{title}: mean share of the total ({sums.total:f})", [
            charts.Bar(row.label, row.share(row.summaries[0]), row.shares[0]) for row in sums.rows
        ], caption(f": mean share of the total ({sums.total:f})"))
    if text_search is not None and (kind == "text" or (kind == "choice" and question.specified_choices)):
        # A choice's "please specify" texts sit in its Answer rows' text: listed as a text
        # question's answers are.
        answers = raw.text_answers(scope.filters, scope.compiled, question.code, text_search)
        report.text = TextReport(Paginator(answers, TEXT_PAGE_SIZE).get_page(text_page), text_search)
    return report


def question_reports(scope: Scope) -> list[QuestionReport]:
    counts = scope.counts()
    return [question_report(scope, counts, q) for q in scope.questions.values()]


def comparison_tables(scope: Scope) -> list[ChoiceTable]:
    """Every choice question and matrix row with its tests, for the comparison page."""
    counts = scope.counts()
    segment_labels = {q.code: q.label for q in scope.segment_questions}
    tables = []
    for question in scope.questions.values():
        if question.segment:
            continue
        kind = question.question_type.result_kind
        if kind == "choice":
            tables.append(choice_table(counts, scope.columns, question, segment_labels=segment_labels, nets=scope.nets))
        elif kind == "rows":
            tables.extend(
                choice_table(counts, scope.columns, question, row, segment_labels, nets=scope.nets)
                for row in question.rows
            )
    return tables
