"""Drop-off by page: partial real responses counted by the page they are on (the partial
status counts' `page`), moved as respondents go forward and back, out when they complete or
are deleted, never for test responses, from the page a response is really on when another
tab moved it, and equal to the reconciliation's recompute (which repairs a broken count)."""

import uuid
from collections import Counter

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.models import StatusCount
from analytics.recompute import expected_statuses, survey_reconcile
from responses.models import Response
from responses.moderation import response_delete, response_exclude, response_restore
from responses.services import ResponseLocked, SubmissionConflict, response_save_page, response_submit
from tests.kit.counts import assert_counts_exact
from tests.kit.demo import demo_answers
from tests.kit.form import PAGE1, PAGE2, complete, post_page

pytestmark = pytest.mark.django_db


def on_pages(survey) -> dict[int, int]:
    """Partial real responses by the page they are on (1-based), as stored."""
    rows = StatusCount.objects.filter(version_id__in=survey.versions.values("pk"), status=StatusCount.PARTIAL)
    pages: dict[int, int] = {}
    for row in rows:
        pages[row.page + 1] = pages.get(row.page + 1, 0) + row.n
    return {page: n for page, n in sorted(pages.items()) if n}


def _save(survey, response, next_page: int, *, is_test: bool = False) -> Response:
    """One page saved through the service (no answers: the page's position is what counts)."""
    submission_id = response.submission_id if response else uuid.uuid4()
    saved, _ = response_save_page(
        survey=survey, version=survey.open_version(), submission_id=submission_id, page_index=0, cleaned_page={},
        page_codes=[], next_page=next_page, response=response, is_test=is_test,
    )
    return saved


def test_a_partial_response_is_counted_on_the_page_it_is_on(client, demo_survey):
    post_page(client, PAGE1)
    assert on_pages(demo_survey) == {2: 1}
    post_page(client, PAGE2)
    assert on_pages(demo_survey) == {3: 1}
    post_page(client, {}, action="back")
    assert on_pages(demo_survey) == {2: 1}
    post_page(client, PAGE2, action="save")  # saved for later: it stays where it is
    assert on_pages(demo_survey) == {2: 1}
    post_page(Client(), PAGE1)
    assert on_pages(demo_survey) == {2: 2}
    assert_counts_exact(demo_survey)


def test_a_completed_response_leaves_the_pages(client, demo_survey):
    complete(client)
    post_page(Client(), PAGE1)
    assert on_pages(demo_survey) == {2: 1}
    assert Response.objects.filter(status="complete").count() == 1
    assert_counts_exact(demo_survey)


def test_test_responses_are_not_counted_on_any_page(demo_survey):
    response = _save(demo_survey, None, 1, is_test=True)
    _save(demo_survey, response, 2, is_test=True)
    assert on_pages(demo_survey) == {}
    assert_counts_exact(demo_survey)


def test_a_deleted_partial_response_leaves_its_page(demo_survey):
    staying, leaving = _save(demo_survey, None, 1), _save(demo_survey, None, 1)
    _save(demo_survey, leaving, 2)
    assert on_pages(demo_survey) == {2: 1, 3: 1}
    response_delete(response=leaving)
    assert on_pages(demo_survey) == {2: 1}
    response_delete(response=staying)
    assert on_pages(demo_survey) == {}
    assert_counts_exact(demo_survey)


def test_excluding_and_restoring_completes_leaves_the_pages_as_they_are(demo_survey):
    _save(demo_survey, None, 2)
    done = response_submit(survey=demo_survey, version=demo_survey.open_version(), submission_id=uuid.uuid4(),
                           answers=demo_answers()).response
    response_exclude(response=done, reason="speeder")
    assert on_pages(demo_survey) == {3: 1}
    response_restore(response=done)
    assert on_pages(demo_survey) == {3: 1}
    assert_counts_exact(demo_survey)


def test_a_stale_tab_moves_the_response_from_the_page_it_is_really_on(demo_survey):
    first_tab = _save(demo_survey, None, 1)
    second_tab = Response.objects.get(pk=first_tab.pk)
    _save(demo_survey, first_tab, 2)  # the first tab goes on to page 3
    _save(demo_survey, second_tab, 0)  # the second still shows page 2 and goes back to page 1
    assert on_pages(demo_survey) == {1: 1}
    assert_counts_exact(demo_survey)
    # ... and completes from there while the first tab thinks it is on page 3.
    result = response_submit(survey=demo_survey, version=demo_survey.open_version(),
                             submission_id=first_tab.submission_id, answers=demo_answers(), response=first_tab)
    assert result.ok and on_pages(demo_survey) == {}
    assert_counts_exact(demo_survey)


def test_the_reconciliation_finds_the_pages_exact_and_repairs_a_broken_one(demo_survey):
    _save(demo_survey, _save(demo_survey, None, 1), 2)
    _save(demo_survey, None, 1)
    run = survey_reconcile(survey_id=demo_survey.pk)
    assert run.cells_repaired == 0
    StatusCount.objects.filter(status=StatusCount.PARTIAL, page=1).update(n=7)  # page 2: 7 instead of 1
    StatusCount.objects.filter(status=StatusCount.PARTIAL, page=2).delete()  # page 3: lost
    run = survey_reconcile(survey_id=demo_survey.pk)
    repairs = sorted((r.key.rsplit(" ", 3)[-3:], r.found, r.expected) for r in run.repairs.all())
    assert repairs == [(["on", "page", "2"], 7, 1), (["on", "page", "3"], 0, 1)]
    assert on_pages(demo_survey) == {2: 1, 3: 1}
    assert_counts_exact(demo_survey)


# --- any interleaving of page moves, tabs, completions and deletions equals the recompute ---

_STEPS = st.lists(st.one_of(
    st.tuples(st.just("start"), st.booleans()),  # a new respondent (or a test one) on page 2
    st.tuples(st.just("move"), st.integers(0, 20), st.integers(0, 2)),  # a tab moves to a page
    st.tuples(st.just("tab"), st.integers(0, 20)),  # a second tab opens (its page read now)
    st.tuples(st.just("complete"), st.integers(0, 20)),
    st.tuples(st.just("delete"), st.integers(0, 20)),
), max_size=25)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=_STEPS)
def test_the_pages_stay_equal_to_the_recompute_under_any_interleaving(demo_survey, steps):
    Response.objects.filter(survey=demo_survey).delete()
    StatusCount.objects.all().delete()
    tabs: list[Response] = []
    for step in steps:
        kind = step[0]
        tab = tabs[step[1] % len(tabs)] if tabs and kind != "start" else None
        try:
            if kind == "start":
                tabs.append(_save(demo_survey, None, 1, is_test=step[1]))
            elif tab is None:
                continue
            elif kind == "move":
                _save(demo_survey, tab, step[2], is_test=tab.is_test)
            elif kind == "tab" and Response.objects.filter(pk=tab.pk).exists():
                tabs.append(Response.objects.get(pk=tab.pk))
            elif kind == "complete" and Response.objects.filter(pk=tab.pk).exists():
                response_submit(survey=demo_survey, version=demo_survey.open_version(),
                                submission_id=tab.submission_id, answers=demo_answers(), response=tab,
                                is_test=tab.is_test)
            elif kind == "delete" and Response.objects.filter(pk=tab.pk).exists():
                response_delete(response=tab)
                tabs = [t for t in tabs if t.pk != tab.pk]
        except (ResponseLocked, SubmissionConflict, Response.DoesNotExist):
            pass  # a tab of a response that has ended (or was deleted) is refused, as in the form
    stored: Counter = Counter()
    for version_id, status, day, page, n in StatusCount.objects.values_list("version_id", "status", "day", "page", "n"):
        stored[(version_id, status, day, page)] += n
    assert +stored == +expected_statuses(demo_survey.pk)
