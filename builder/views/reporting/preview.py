"""Today's numbers of a finding not saved yet: its base and target counted on the survey's
data by the engine's own findings query (`analytics.recompute.expected_finding`, over
the counted responses of every published version), shown as the results pages show a
finding (no count or percentage under the minimum base)."""

from __future__ import annotations

from dataclasses import dataclass

from analytics.models import SurveyCounter
from analytics.recompute import expected_finding
from results.report.cells import Cell, min_base
from surveys.models import Finding, Survey


@dataclass(frozen=True)
class Preview:
    responses: int  # the survey's counted responses
    base: int
    target: int

    @property
    def cell(self) -> Cell:
        return Cell(self.target, self.base)

    @property
    def sentence(self) -> str:
        """"Today: 182 of 288 = 63%", or why there is no percentage."""
        cell = self.cell
        if self.responses == 0 and self.base == 0:
            return "Today: no responses yet."
        if cell.empty:
            return f"Today: none of the {self.responses} counted responses is in the base."
        if cell.suppressed:
            return (f"Today: a base of {self.base}, under {min_base()}: the count and percentage are hidden, "
                    "as on the results pages.")
        return f"Today: {self.target} of {self.base} = {cell.display}"

    @property
    def interval(self) -> str:
        return self.cell.interval_display


def finding_preview(survey: Survey, base: str, target: str) -> Preview:
    """Counts the conditions (which must parse) as a finding of `survey` would be counted."""
    finding = Finding(survey=survey, base_condition=base, target_condition=target)
    base_n, target_n = expected_finding(finding)
    responses = SurveyCounter.objects.filter(survey=survey).values_list("responses_counted", flat=True).first()
    return Preview(responses=responses or 0, base=base_n, target=target_n)
