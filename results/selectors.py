"""Reads of counts: cost independent of the number of responses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from analytics.models import SurveyCounter
from results.stats import percent, percent_display, wilson_interval
from surveys.models import Finding, Survey


@dataclass(frozen=True)
class FindingValue:
    code: str
    statement: str
    count: int
    base: int

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
