"""The overview's drop-off by page: per version in view, how many respondents who started
stopped on each page (partial responses, by the page they are on), as a share of all who
started that version. Read from the count tables in one query, never from the responses."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import IntegerField, Sum, Value

from analytics.models import TOTAL, DailyCount, StatusCount
from results.stats import percent, percent_display
from surveys.models import SurveyVersion
from surveys.selectors import compiled_version

COUNTED = "counted"  # the kind of the union's rows that count a version's counted completes


@dataclass(frozen=True)
class PageDropOff:
    number: int  # 1-based, in the definition's order
    title: str
    stopped: int  # partial responses on this page
    started: int  # real responses of the version, whatever their outcome

    @property
    def percent(self) -> float | None:
        return percent(self.stopped, self.started)

    @property
    def display(self) -> str:
        return percent_display(self.stopped, self.started)


@dataclass(frozen=True)
class VersionDropOff:
    version: int  # its number
    started: int
    pages: list[PageDropOff]

    @property
    def stopped(self) -> int:
        return sum(page.stopped for page in self.pages)


def drop_off(versions: list[SurveyVersion]) -> list[VersionDropOff]:
    """The drop-off of each version (in the order given) that someone started. Started: the
    counted completes (the daily counts' totals) and every status count (partial, excluded,
    screened out, quota full); completes still waiting to be counted join on their count."""
    if not versions:
        return []
    ids = [v.pk for v in versions]
    statuses = (
        StatusCount.objects.filter(version_id__in=ids).values_list("version_id", "status", "page")
        .annotate(total=Sum("n")).order_by()
    )
    counted = (
        DailyCount.objects.filter(version_id__in=ids, segment_choice_id=TOTAL)
        .annotate(kind=Value(COUNTED), no_page=Value(0, output_field=IntegerField()))
        .values_list("version_id", "kind", "no_page").annotate(total=Sum("n")).order_by()
    )
    started: Counter = Counter()
    on_page: Counter = Counter()
    for version_id, kind, page, n in statuses.union(counted, all=True):
        started[version_id] += n
        if kind == StatusCount.PARTIAL:
            on_page[(version_id, page)] += n
    result = []
    for version in versions:
        if started[version.pk] <= 0:
            continue
        pages = compiled_version(version).definition.pages
        result.append(VersionDropOff(version=version.number, started=started[version.pk], pages=[
            PageDropOff(number=i + 1, title=page.title or f"Page {i + 1}", stopped=on_page[(version.pk, i)],
                        started=started[version.pk])
            for i, page in enumerate(pages)
        ]))
    return result
