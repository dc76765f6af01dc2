"""The overview: responses by status, by day, by segment and by the page where partial
ones stopped; the findings as cards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Sum

from analytics import filters as raw
from analytics.models import DurationCount, SurveyCounter, duration_bin_end
from responses.models import Response
from responses.quality import FLAGS, flagged_q
from results import charts
from results.report.cells import Cell
from results.report.crosstab import VariableError, variable
from results.report.dropoff import VersionDropOff, drop_off
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


@dataclass(frozen=True)
class MedianDuration:
    """The median duration of timed completes, exact to its histogram bin [low, high)."""

    low: int  # seconds
    high: int | None  # None: the open bin (2 hours or more)
    timed: int  # how many timed completes it is the median of

    @property
    def display(self) -> str:
        def minutes(seconds: int) -> str:
            return f"{seconds // 60}:{seconds % 60:02d}"

        if self.high is None:
            return f"{minutes(self.low)} or more"
        return f"{minutes(self.low)}–{minutes(self.high)}"


def median_duration(version_ids: list[int]) -> MedianDuration | None:
    """The median of the duration histogram (analytics DurationCount) of `version_ids`: the
    bin holding the lower middle completion. None without timed completes. O(bins)."""
    bins = list(DurationCount.objects.filter(version_id__in=version_ids, n__gt=0).values("bin")
                .annotate(total=Sum("n")).order_by("bin").values_list("bin", "total"))
    timed = sum(n for _, n in bins)
    if not timed:
        return None
    middle, seen = (timed - 1) // 2, 0
    for start, n in bins:
        seen += n
        if seen > middle:
            return MedianDuration(low=start, high=duration_bin_end(start), timed=timed)
    return None  # not reached: the bins add up to `timed`


def flag_counts(survey_id: int) -> tuple[int, list[tuple[str, str, int]]]:
    """Real completes carrying data-quality flags (excluded ones too): how many, and how
    many carry each flag, as (code, label, n). One aggregate over the flagged responses."""
    flagged = Response.objects.filter(survey_id=survey_id, status=Response.Status.COMPLETE, is_test=False).exclude(
        flags=[]
    )
    counts = flagged.aggregate(total=Count("pk"), **{code: Count("pk", filter=flagged_q(code)) for code in FLAGS})
    return counts["total"], [(code, label, counts[code]) for code, label in FLAGS.items() if counts[code]]


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
    median: MedianDuration | None = None
    flagged: int = 0
    flags: list[tuple[str, str, int]] | None = None
    drop_off: list[VersionDropOff] | None = None

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
    # The segment questions' answers; the hidden fields' values, not answers, are counted apart.
    segment_questions = [q for q in scope.segment_questions if q not in scope.hidden_segments]
    segment_codes = [q.code for q in segment_questions]
    counts = scope.counts(segment_codes) if segment_codes else None
    segments = [
        SegmentRow(q.label, c.label, Cell(counts.cell(q.code, c.code, segment=key), counts.base(q.code, segment=key)))
        for q in segment_questions
        for c in q.choices
    ]
    daily = raw.daily_completions(filters, compiled)
    segments += hidden_segment_rows(scope, sum(n for _, n in daily))
    flagged, flags = flag_counts(survey.pk)
    return Overview(
        totals=raw.response_totals(survey, filters, compiled, sum(n for _, n in daily)),
        counted=counted,
        last_counted_at=last_counted,
        last_reconciled_at=last_reconciled,
        daily=daily,
        segments=segments,
        findings=findings,
        caption=chart_caption(scope, "Completed responses per day", sum(n for _, n in daily)),
        median=median_duration([v.pk for v in scope.versions]),
        flagged=flagged,
        flags=flags,
        drop_off=drop_off(scope.versions),
    )


def hidden_segment_rows(scope: Scope, completes: int) -> list[SegmentRow]:
    """The hidden fields with `values`: how many of the `completes` in view came with each
    value (a response without one is in the total only)."""
    counts = raw.hidden_segment_completions(scope.survey.pk, scope.filters, scope.compiled)
    return [
        SegmentRow(field.label, value.label, Cell(counts[(field.code, value.code)], completes))
        for field in scope.hidden_segments
        for value in field.choices
    ]


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
