"""The overview's outcomes: screened-out and quota-full responses counted in the status
count table as they end (through the API at once, or through the form after a partial
page), equal to the reconciliation's recompute, shown with the completion rate and the
incidence; test responses left out."""

import uuid

import pytest
from django.test import Client

from analytics.models import StatusCount
from responses.services import response_submit
from surveys.definition_files import definition_from_data
from surveys.services import survey_import
from tests.kit.counts import assert_counts_exact
from tests.kit.demo import demo_answers, fieldwork_data
from tests.kit.form import PAGE1, post_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def fieldwork(demo_survey):
    """The demo survey with the fieldwork copy's screen-out and quotas: one IT leader."""
    version, _ = survey_import(definition=definition_from_data(fieldwork_data(it_leaders=1) | {"status": "open"}))
    return version.survey


def _submit(survey, *, is_test: bool = False, **changes):
    answers = {**demo_answers(role="it"), **changes}
    result = response_submit(survey=survey, version=survey.open_version(), submission_id=uuid.uuid4(),
                             answers=answers, is_test=is_test)
    assert result.ok, result.errors
    return result.response


def _status_counts(survey) -> dict[str, int]:
    rows = StatusCount.objects.filter(version_id__in=survey.versions.values("pk"))
    totals: dict[str, int] = {}
    for row in rows:
        totals[row.status] = totals.get(row.status, 0) + row.n
    return {status: n for status, n in totals.items() if n}


def test_outcomes_are_counted_as_responses_end_and_equal_the_recompute(client, fieldwork):
    assert _submit(fieldwork).status == "complete"  # takes the one IT leaders' place
    assert _submit(fieldwork).status == "quota_full"
    assert _submit(fieldwork, seniority="other").status == "screened_out"  # through the API, at once
    assert _submit(fieldwork, seniority="other", is_test=True).status == "screened_out"  # a test: not counted
    post_page(client, PAGE1 | {"seniority": "vp", "role": "business"})  # a partial response, on page 2 now
    assert _status_counts(fieldwork) == {"partial": 1, "quota_full": 1, "screened_out": 1}
    # Through the form: started (partial) by its first page, and screened out at its end.
    assert post_page(Client(), PAGE1 | {"seniority": "other"}).status_code == 302
    assert _status_counts(fieldwork) == {"partial": 1, "quota_full": 1, "screened_out": 2}
    assert_counts_exact(fieldwork)


def test_the_overview_shows_each_outcome_the_completion_rate_and_the_incidence(results, fieldwork):
    _submit(fieldwork)
    _submit(fieldwork)  # quota full
    for _ in range(2):
        _submit(fieldwork, seniority="other")
    html = results.get("/results/ddiq-2010/").content.decode()
    assert '<dd id="screened-out">2</dd>' in html and '<dd id="quota-full">1</dd>' in html
    # Completion: 1 finished of 2 qualified starters (1 stopped by the quota); incidence: 1 of 3.
    assert "Completion rate 50%: 1 of 2 qualified respondents who started finished (1 stopped by a full quota)." in html
    assert "Incidence 33%: 1 of 3 respondents who reached a screening question qualified." in html


def test_a_survey_without_outcomes_shows_no_outcome_tiles(results, demo_survey):
    _submit(demo_survey)
    html = results.get("/results/ddiq-2010/").content.decode()
    assert 'id="screened-out"' not in html and "Incidence" not in html
    assert "Completion rate 100%: 1 of 1 qualified respondents who started finished." in html
