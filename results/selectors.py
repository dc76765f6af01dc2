"""Reads of counts: cost independent of the number of responses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from analytics.models import StatusCount, SurveyCounter
from responses.models import UncountedResponse, counted_kind_q
from results.stats import percent, percent_display, wilson_interval
from surveys.models import Finding, Survey, SurveyVersion


@dataclass(frozen=True)
class FindingValue:
    code: str
    statement: str
    count: int
    base: int

    @property
    def suppressed(self) -> bool:
        """Under the minimum base the count, percentage and interval are not given out
        (the pages show "—"): the base stays."""
        return 0 < self.base < settings.MIN_BASE_FOR_PERCENT

    @property
    def percent(self) -> float | None:
        return percent(self.count, self.base)

    @property
    def percent_display(self) -> str:
        return percent_display(self.count, self.base)

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.count, self.base)


@dataclass(frozen=True)
class SurveyFindings:
    responses_counted: int
    last_counted_at: datetime | None
    last_reconciled_at: datetime | None
    findings: list[FindingValue]


def survey_findings(survey: Survey) -> SurveyFindings:
    """The survey's findings from their counters: two queries whatever the data size."""
    counter = SurveyCounter.objects.filter(survey=survey).first()
    findings = []
    for finding in Finding.objects.filter(survey=survey).select_related("count").order_by("position", "pk"):
        row = getattr(finding, "count", None)
        findings.append(
            FindingValue(
                code=finding.code,
                statement=finding.statement,
                count=row.target if row else 0,
                base=row.base if row else 0,
            )
        )
    return SurveyFindings(
        responses_counted=counter.responses_counted if counter else 0,
        last_counted_at=counter.last_counted_at if counter else None,
        last_reconciled_at=counter.last_reconciled_at if counter else None,
        findings=findings,
    )


def _scalar(queryset: QuerySet) -> Coalesce:
    return Coalesce(Subquery(queryset, output_field=IntegerField()), Value(0))


def with_response_totals(surveys: QuerySet[Survey]) -> QuerySet[Survey]:
    """The surveys with `complete_count` (completed real responses, not excluded: counted,
    or waiting to be counted) and `partial_count` (real responses in progress), taken as
    the overview takes them (`analytics.filters.response_totals`): from the survey's
    counter, the status counts and the backlog of "uncounted" markers. Subqueries of the
    one query that lists the surveys, each an index lookup: for any number of surveys one
    query, whose cost does not grow with the responses."""
    counted = SurveyCounter.objects.filter(survey=OuterRef("pk")).values("responses_counted")[:1]
    pending = (
        UncountedResponse.objects.filter(counted_kind_q("response"), response__survey=OuterRef("pk"))
        .order_by()
        .values("response__survey")
        .annotate(n=Count("pk"))
        .values("n")
    )
    versions = SurveyVersion.objects.filter(survey=OuterRef(OuterRef("pk"))).values("pk")
    partial = (
        StatusCount.objects.filter(status=StatusCount.PARTIAL, version_id__in=versions)
        .order_by()
        .values("status")
        .annotate(n=Sum("n"))
        .values("n")
    )
    return surveys.annotate(complete_count=_scalar(counted) + _scalar(pending), partial_count=_scalar(partial))
