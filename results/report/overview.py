"""The overview: responses by status, by day and by segment; the findings as cards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from analytics import filters as raw
from analytics.models import SurveyCounter
from results import charts
from results.report.cells import Cell
from results.report.crosstab import VariableError, variable
from results.report.figures import chart_caption
from results.report.scope import Scope
from results.selectors import survey_findings


@dataclass
class FindingCard:
    code: str
    statement: str
    cell: Cell

    @property
    def lead(self) -> str:
        """The statement after the figure: "63%" + " of IT leaders never use Twitter
        professionally" when it reads "<group> who <rest>"; else the statement itself."""
        group, who, rest = self.statement.partition(" who ")
        return f"of {group} {rest}" if who else self.statement

    @property
    def sentence(self) -> str:
        """The headline as one line, as on the cards and in exports."""
        text = f"{self.cell.display} {self.lead}" if self.lead.startswith("of ") else (
            f"{self.cell.display}: {self.statement}"
        )
        if self.cell.interval_display:
            return f"{text} — {self.cell.count} of {self.cell.base}, 95% CI {self.cell.interval_display}"
        return f"{text} — base {self.cell.base}"


@dataclass
class SegmentRow:
    question: str
    value: str
    cell: Cell


@dataclass
class Overview:
    totals: raw.ResponseTotals
    counted: int
    last_counted_at: datetime | None
    last_reconciled_at: datetime | None
    daily: list[tuple[date, int]]
    segments: list[SegmentRow]
    findings: list[FindingCard]
    caption: charts.Caption | None = None  # drawn inside the daily chart, for its downloads

    @property
    def daily_chart(self):
        return charts.daily_chart("chart-daily", "Completed responses per day", self.daily, self.caption)


def overview(scope: Scope) -> Overview:
    survey, filters, compiled = scope.survey, scope.filters, scope.compiled
    if filters.active:
        counter = SurveyCounter.objects.filter(survey=survey).first() or SurveyCounter(survey=survey)
        counted, last_counted, last_reconciled = (
            counter.responses_counted, counter.last_counted_at, counter.last_reconciled_at
        )
        findings = [
            FindingCard(f.code, f.statement, Cell(target, base))
            for f, base, target in raw.filtered_findings(survey, filters, compiled)
        ]
    else:
        data = survey_findings(survey)
        counted, last_counted, last_reconciled = data.responses_counted, data.last_counted_at, data.last_reconciled_at
        findings = [FindingCard(f.code, f.statement, Cell(f.count, f.base)) for f in data.findings]
    key = scope.columns[0].key
    segment_codes = [q.code for q in scope.segment_questions]
    counts = scope.counts(segment_codes) if segment_codes else None
    segments = [
        SegmentRow(q.label, c.label, Cell(counts.cell(q.code, c.code, segment=key), counts.base(q.code, segment=key)))
        for q in scope.segment_questions
        for c in q.choices
    ]
    daily = raw.daily_completions(filters, compiled)
    return Overview(
        totals=raw.response_totals(survey, filters, compiled, sum(n for _, n in daily)),
        counted=counted,
        last_counted_at=last_counted,
        last_reconciled_at=last_reconciled,
        daily=daily,
        segments=segments,
        findings=findings,
        caption=chart_caption(scope, "Completed responses per day", sum(n for _, n in daily)),
    )


@dataclass(frozen=True)
class ViewLink:
    label: str
    description: str
    query: str  # "?row=...&col=..." (and "&segment=question:choice")


def saved_view_links(scope: Scope) -> list[ViewLink]:
    """The survey's saved crosstab views that the versions in view can show, in their order."""
    links = []
    for view in scope.views:
        try:
            variable(scope, view.row)
            variable(scope, view.column)
        except VariableError:
            continue  # rows or columns that only another version has
        query = f"?row={view.row}&col={view.column}"
        if view.segment:
            question, _, choice = view.segment.partition(":")
            if (question, choice) not in scope.segment_options:
                continue
            query += f"&segment={view.segment}"
        links.append(ViewLink(view.label, view.description, query))
    return links
