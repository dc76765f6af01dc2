"""The overview: responses by status, by day and by segment, and the findings as cards."""

import random
import uuid
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone
from statsmodels.stats.proportion import proportion_confint

from analytics.counting import response_count
from analytics.models import SurveyCounter
from analytics.recompute import survey_reconcile
from responses.models import Response
from responses.moderation import response_delete, response_exclude, response_restore
from responses.services import response_save_page, response_submit
from tests.kit.counts import assert_counts_exact
from tests.kit.data import bulk_responses, submit_and_count
from tests.kit.demo import leader_answers, random_demo_answers

pytestmark = pytest.mark.django_db
URL = "/results/ddiq-2010/"


def _it_population(survey, *, it: int, it_never: int, it_company_none: int, business: int = 0) -> None:
    """As tests.kit.data.build_it_population, bulk-inserted."""
    rng = random.Random(0)
    sets = [
        random_demo_answers(rng, role="it", twitter="never" if i < it_never else "daily",
                     company_twitter="none" if i >= it - it_company_none else "some")
        for i in range(it)
    ]
    sets += [random_demo_answers(rng, role="business", twitter="never" if i % 2 else "weekly") for i in range(business)]
    bulk_responses(survey, sets)


def test_it_shows_the_published_findings_as_headline_cards(results, demo_survey):
    _it_population(demo_survey, it=288, it_never=181, it_company_none=124, business=304)
    response = results.get(URL)
    html = response.content.decode()
    cards = {card.code: card for card in response.context["view"].findings}
    never = cards["it_never_twitter"]
    low, high = proportion_confint(181, 288, alpha=0.05, method="wilson")
    assert never.cell.interval == pytest.approx((low, high), abs=1e-9)
    assert never.sentence == (
        "63% of IT leaders never use Twitter professionally — 181 of 288, 95% CI 57–68%"
    )
    assert '<p class="finding-figure">63%</p>' in html
    assert "of IT leaders never use Twitter professionally" in html
    assert "181 of 288, 95% CI 57–68%" in html
    company = cards["it_company_no_twitter"]
    assert (company.cell.count, company.cell.base, company.cell.display) == (124, 288, "43%")
    assert "IT leaders whose company does not use Twitter at all" in html
    assert (cards["it_twitter_paradox"].cell.count, cards["business_never_twitter"].cell.count) == (164, 152)


def test_it_counts_completed_partial_and_excluded_responses(results, demo_survey):
    responses = bulk_responses(demo_survey, [leader_answers(role="it") for _ in range(5)])
    Response.objects.create(survey=demo_survey, version=demo_survey.open_version(), submission_id=uuid.uuid4())
    Response.objects.filter(pk=responses[0].pk).update(excluded_at=timezone.now())
    response_submit(survey=demo_survey, version=demo_survey.open_version(), submission_id=uuid.uuid4(),
                    answers=leader_answers(role="it"), is_test=True)
    survey_reconcile(survey_id=demo_survey.pk, record=False)
    view = results.get(URL).context["view"]
    assert (view.totals.complete, view.totals.partial, view.totals.excluded, view.counted) == (4, 1, 1, 4)


def test_it_shows_responses_by_segment_from_the_counts(results, demo_survey):
    bulk_responses(demo_survey, [leader_answers(role="it")] * 7 + [leader_answers(role="business")] * 3)
    view = results.get(URL).context["view"]
    assert [(row.value[:9], row.cell.count, row.cell.base, row.cell.display) for row in view.segments] == [
        ("IT leader", 7, 10, "70%"), ("Business ", 3, 10, "30%"),
    ]


def test_it_charts_completed_responses_per_day(results, demo_survey):
    now = timezone.now().replace(hour=12)
    days = [now - timedelta(days=d) for d in (0, 0, 0, 2, 2, 5)]
    bulk_responses(demo_survey, [leader_answers(role="it")] * 6, completed_at=days)
    response = results.get(URL)
    daily = response.context["view"].daily
    assert [n for _, n in daily] == [1, 2, 3]
    assert daily[0][0] == (now - timedelta(days=5)).date()
    html = response.content.decode()
    assert '<svg class="chart" id="chart-daily" role="img" aria-labelledby="chart-daily-title"' in html
    assert f'<th scope="row">{daily[0][0]:%Y-%m-%d}</th><td>1</td>' in html
    assert html.count('fill="#2171b5"/>') >= 3  # one bar per day with completions


def test_it_shows_last_counted_and_last_reconciled(results, demo_survey):
    submit_and_count(demo_survey, leader_answers(role="it"))
    counter = SurveyCounter.objects.get(survey=demo_survey)
    html = results.get(URL).content.decode()
    assert f"Last counted: {timezone.localtime(counter.last_counted_at):%Y-%m-%d %H:%M:%S}" in html
    assert "last reconciled with the raw answers: never" in html
    survey_reconcile(survey_id=demo_survey.pk)
    counter.refresh_from_db()
    assert f"{timezone.localtime(counter.last_reconciled_at):%Y-%m-%d %H:%M:%S}" in results.get(URL).content.decode()


def test_it_links_the_paradox_crosstab(results, demo_survey):
    html = results.get(URL).content.decode()
    link = "/results/ddiq-2010/crosstab/?row=personal_use.twitter&amp;col=company_usage.twitter&amp;segment=role:it"
    assert link in html


def test_it_shows_a_dash_for_a_finding_with_an_empty_base(results, demo_survey):
    bulk_responses(demo_survey, [leader_answers(role="business")])
    cards = {card.code: card for card in results.get(URL).context["view"].findings}
    assert cards["it_never_twitter"].cell.display == "—"
    assert cards["it_never_twitter"].sentence.endswith("— base 0")


def test_it_hides_a_finding_under_the_minimum_base(results, demo_survey):
    bulk_responses(demo_survey, [leader_answers(role="it", twitter="never")] * 4)
    html = results.get(URL).content.decode()
    assert '<p class="finding-figure">n&lt;5</p>' in html


@pytest.mark.parametrize("time_zone", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_it_puts_a_response_on_its_local_completion_day_when_counting_and_recomputing(
    results, demo_survey, settings, time_zone
):
    settings.TIME_ZONE = time_zone
    local = timezone.get_current_timezone()
    late_evening = datetime(2026, 3, 9, 23, 30, tzinfo=local)
    early_morning = datetime(2026, 3, 10, 0, 15, tzinfo=local)
    for when in (late_evening, early_morning, early_morning):
        result = response_submit(survey=demo_survey, version=demo_survey.open_version(),
                                 submission_id=uuid.uuid4(), answers=leader_answers(role="it"))
        Response.objects.filter(pk=result.response.pk).update(completed_at=when)
        assert response_count(result.response.pk)
    assert results.get(URL).context["view"].daily == [(date(2026, 3, 9), 1), (date(2026, 3, 10), 2)]
    assert_counts_exact(demo_survey)  # the recompute's days (in SQL) are the same local days
    filtered = results.get(URL + "?from=2026-03-10&to=2026-03-10").context["view"]
    assert (filtered.daily, filtered.totals.complete) == ([(date(2026, 3, 10), 2)], 2)


def test_it_reads_daily_counts_by_segment_and_moves_them_on_exclusion(results, demo_survey):
    now = timezone.now()
    responses = [submit_and_count(demo_survey, leader_answers(role=role)) for role in ("it", "it", "business")]
    it_view = results.get(URL + "?segment=role:it").context["view"]
    assert (it_view.daily, it_view.totals.complete) == ([(timezone.localdate(now), 2)], 2)
    response_exclude(response=responses[0], reason="speeder")
    view = results.get(URL).context["view"]
    assert (view.daily, view.totals.complete, view.totals.excluded) == ([(timezone.localdate(now), 2)], 2, 1)
    assert results.get(URL + "?segment=role:it").context["view"].daily == [(timezone.localdate(now), 1)]
    assert_counts_exact(demo_survey)


def test_it_says_how_many_completed_responses_wait_to_be_counted(results, demo_survey):
    submit_and_count(demo_survey, leader_answers(role="it"))
    for _ in range(2):  # submitted, their count task not yet run
        response_submit(survey=demo_survey, version=demo_survey.open_version(), submission_id=uuid.uuid4(),
                        answers=leader_answers(role="business"))
    response = results.get(URL)
    totals = response.context["view"].totals
    assert (totals.complete, totals.pending, response.context["view"].counted) == (3, 2, 1)
    assert "2 completed responses waiting to be counted." in response.content.decode()
    assert results.get(URL + "?segment=role:business").context["view"].totals.pending == 2


def _totals(results, query: str = "") -> tuple[int, int, int]:
    totals = results.get(URL + query).context["view"].totals
    return totals.complete, totals.partial, totals.excluded


def test_it_keeps_partial_and_excluded_totals_in_the_counts_through_every_change(results, demo_survey):
    version = demo_survey.open_version()

    def start(is_test: bool = False):
        partial, _ = response_save_page(
            survey=demo_survey, version=version, submission_id=uuid.uuid4(), page_index=0, cleaned_page={},
            page_codes=[], next_page=1, response=None, is_test=is_test,
        )
        return partial

    first, second, _ = start(), start(), start(is_test=True)
    assert _totals(results) == (0, 2, 0)
    assert_counts_exact(demo_survey)
    result = response_submit(survey=demo_survey, version=version, submission_id=first.submission_id,
                             answers=leader_answers(role="it"), response=first)
    assert response_count(result.response.pk)
    assert _totals(results) == (1, 1, 0)
    response_exclude(response=result.response, reason="straight-liner")
    assert _totals(results) == (0, 1, 1)
    assert _totals(results, f"?from={timezone.localdate():%Y-%m-%d}") == (0, 1, 1)
    assert _totals(results, "?from=2000-01-01&to=2000-01-02") == (0, 0, 0)
    assert _totals(results, "?segment=role:it") == (0, 0, 1)  # the partial one has no role yet
    assert_counts_exact(demo_survey)
    response_restore(response=result.response)
    assert response_count(result.response.pk)
    assert _totals(results) == (1, 1, 0)
    response_exclude(response=result.response, reason="duplicate")
    response_delete(response=result.response)
    response_delete(response=second)
    assert _totals(results) == (0, 0, 0)
    assert_counts_exact(demo_survey)


def test_the_reconciliation_repairs_a_status_count(results, demo_survey):
    Response.objects.create(survey=demo_survey, version=demo_survey.open_version(), submission_id=uuid.uuid4())
    assert _totals(results) == (0, 0, 0)  # created behind the services' back: not counted yet
    run = survey_reconcile(survey_id=demo_survey.pk)
    assert [(r.table, r.found, r.expected) for r in run.repairs.all()] == [("statuses", 0, 1)]
    assert run.repairs.get().key == f"v1 partial {timezone.localdate():%Y-%m-%d} on page 1"
    assert _totals(results) == (0, 1, 0)
