"""Filters: by segment, completion date range and version, with consistent bases."""

import random
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from analytics.filters import Filters, raw_counts
from analytics.tables import survey_counts
from surveys.selectors import compiled_version
from surveys.services import version_duplicate, version_publish
from tests.kit.data import bulk_responses
from tests.kit.demo import random_demo_answers

pytestmark = pytest.mark.django_db


def _nonzero(counter: Counter) -> dict:
    return {k: v for k, v in counter.items() if v}


def _dated_population(survey, n: int = 60) -> tuple[list[dict], list]:
    rng = random.Random(8)
    now = timezone.now().replace(hour=12, minute=0)
    sets = [random_demo_answers(rng) for _ in range(n)]
    days = [now - timedelta(days=i % 10) for i in range(n)]
    bulk_responses(survey, sets, completed_at=days)
    return sets, days


def test_it_computes_the_same_counts_from_raw_answers_as_the_count_tables(demo_survey):
    _dated_population(demo_survey)
    versions = [demo_survey.open_version()]
    tables = survey_counts(demo_survey, versions=versions)
    everything = Filters(date_from=timezone.now().date() - timedelta(days=400))
    raw = raw_counts(demo_survey.pk, everything, [compiled_version(v) for v in versions])
    assert _nonzero(raw.cells) == _nonzero(tables.cells)
    assert _nonzero(raw.bases) == _nonzero(tables.bases)
    assert raw.numbers == tables.numbers


def test_it_filters_by_completion_date_range_with_consistent_bases(results, demo_survey):
    sets, days = _dated_population(demo_survey)
    first, last = (timezone.now() - timedelta(days=6)).date(), (timezone.now() - timedelta(days=3)).date()
    inside = [s for s, d in zip(sets, days, strict=True) if first <= timezone.localtime(d).date() <= last]
    response = results.get(f"/results/ddiq-2010/questions/barriers/?from={first}&to={last}")
    table = response.context["report"].tables[0]
    assert table.bases[0] == sum(1 for s in inside if "barriers" in s)
    roi = next(line for line in table.lines if line.code == "roi")
    assert roi.cells[0].count == sum(1 for s in inside if "roi" in s.get("barriers", []))
    it = [s for s in inside if s["role"] == "it"]
    assert table.bases[1] == sum(1 for s in it if "barriers" in s)
    overview = results.get(f"/results/ddiq-2010/?from={first}&to={last}").context["view"]
    assert overview.totals.complete == len(inside)
    assert sum(n for _, n in overview.daily) == len(inside)


def test_it_filters_findings_by_date_from_the_raw_answers(results, demo_survey):
    sets, days = _dated_population(demo_survey)
    today = timezone.now().date()
    cards = {c.code: c for c in results.get(f"/results/ddiq-2010/?from={today}").context["view"].findings}
    inside = [s for s, d in zip(sets, days, strict=True) if timezone.localtime(d).date() == today]
    it = [s for s in inside if s["role"] == "it"]
    assert cards["it_never_twitter"].cell.base == len(it)
    assert cards["it_never_twitter"].cell.count == sum(1 for s in it if s["personal_use"]["twitter"] == "never")


def test_it_filters_by_segment(results, demo_survey):
    sets, _ = _dated_population(demo_survey)
    report = results.get("/results/ddiq-2010/questions/seniority/?segment=role:business").context["report"]
    table = report.tables[0]
    business = [s for s in sets if s["role"] == "business"]
    assert [c.label[:8] for c in table.columns] == ["Business"]
    assert table.bases == [len(business)]
    assert table.tests == []
    vp = next(line for line in table.lines if line.code == "vp")
    assert vp.cells[0].count == sum(1 for s in business if s["seniority"] == "vp")


def test_it_filters_findings_by_segment(results, demo_survey):
    sets, _ = _dated_population(demo_survey)
    cards = {c.code: c for c in results.get("/results/ddiq-2010/?segment=role:business").context["view"].findings}
    assert cards["it_never_twitter"].cell.base == 0
    assert cards["business_never_twitter"].cell.base == sum(1 for s in sets if s["role"] == "business")


def test_it_filters_by_version(results, demo_survey):
    v1 = demo_survey.open_version()
    rng = random.Random(3)
    bulk_responses(demo_survey, [random_demo_answers(rng, role="it") for _ in range(6)], reconcile=False)
    v2 = version_publish(version=version_duplicate(version=v1))
    bulk_responses(demo_survey, [random_demo_answers(rng, role="business") for _ in range(4)], version=v2)
    page = "/results/ddiq-2010/questions/role/"
    assert results.get(page).context["report"].tables[0].bases == [10]
    assert results.get(page + "?version=1").context["report"].tables[0].bases == [6]
    assert results.get(page + "?version=2").context["report"].tables[0].bases == [4]
    dated = results.get(page + f"?version=2&from={timezone.now().date()}").context["report"].tables[0]
    assert dated.bases == [4]
    assert results.get("/results/ddiq-2010/?version=1").context["view"].totals.complete == 6


def test_it_ignores_an_unknown_filter_value_with_a_message(results, demo_survey):
    response = results.get("/results/ddiq-2010/?segment=role:nope&from=yesterday&version=9")
    assert response.status_code == 200
    assert not response.context["filters"].active
    html = response.content.decode()
    assert "Unknown segment" in html and "is not a date" in html and "Unknown version" in html


def test_it_keeps_the_filters_in_the_navigation(results, demo_survey):
    html = results.get("/results/ddiq-2010/?segment=role:it&from=2010-01-01").content.decode()
    assert 'href="/results/ddiq-2010/questions/?segment=role%3Ait&amp;from=2010-01-01"' in html
