"""The response cap under concurrency, on a real server and PostgreSQL: submissions racing
for the last places get exactly those places, through the API and through the HTML
form's last page, and the refused ones leave nothing behind. SQLite serialises writers,
so only PostgreSQL shows the race (tests/responses/test_cap.py covers the rest, on
either database)."""

import uuid

import pytest
from django.test import Client

from responses.models import Answer, QuotaCounter, Response, UncountedResponse
from responses.quotas import CAP
from responses.selectors import FULL
from responses.services import response_submit
from tests.kit.api import URL
from tests.kit.demo import demo_answers
from tests.kit.form import PAGE1, PAGE2, PAGE3, form_state, post_page
from tests.kit.races import post_answers, together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 16
CAP_SIZE = 10


def _complete_responses(survey, n: int) -> None:
    for _ in range(n):
        result = response_submit(
            survey=survey, version=survey.open_version(), submission_id=uuid.uuid4(), answers=demo_answers()
        )
        assert result.created


def _post(url: str) -> tuple[int, dict]:
    return post_answers(url, demo_answers())


def _places_taken(survey) -> int:
    return QuotaCounter.objects.get(survey=survey, code=CAP).completes


def test_it_gives_the_last_three_places_to_three_of_sixteen_racing_submissions(
    demo_survey, live_server, counting_requests
):
    demo_survey.response_cap = CAP_SIZE
    demo_survey.save()
    _complete_responses(demo_survey, CAP_SIZE - 3)

    results = together([lambda: _post(live_server.url + URL)] * THREADS)

    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sorted(status for status, _ in results) == [201] * 3 + [410] * (THREADS - 3), results
    assert all(body == {"errors": {"survey": [FULL]}} for status, body in results if status == 410)
    assert Response.objects.filter(status=Response.Status.COMPLETE).count() == CAP_SIZE
    assert not Response.objects.filter(status=Response.Status.PARTIAL).exists()
    assert not Answer.objects.exclude(response__status=Response.Status.COMPLETE).exists()
    assert Answer.objects.values("response").distinct().count() == CAP_SIZE
    assert UncountedResponse.objects.count() == CAP_SIZE
    assert len(counting_requests) == CAP_SIZE
    assert _places_taken(demo_survey) == CAP_SIZE


def test_it_completes_only_as_many_racing_last_pages_as_places_are_left(demo_survey, counting_requests):
    demo_survey.response_cap = 5
    demo_survey.save()
    _complete_responses(demo_survey, 3)
    clients = [Client() for _ in range(6)]
    states = []
    for client in clients:  # each respondent has answered pages 1 and 2 and sees the last one
        for page in (PAGE1, PAGE2):
            assert post_page(client, page).status_code == 302
        states.append(form_state(client))

    results = together([
        lambda client=client, state=state: post_page(client, PAGE3, state=state)
        for client, state in zip(clients, states, strict=True)
    ])

    assert not [r for r in results if isinstance(r, BaseException)], results
    statuses = sorted(r.status_code for r in results)
    assert statuses == [302, 302, 410, 410, 410, 410], results
    assert all(r["Location"] == "/s/ddiq-2010/thanks/" for r in results if r.status_code == 302)
    assert all("This survey has all the responses it needs" in r.content.decode()
               for r in results if r.status_code == 410)
    assert Response.objects.filter(status=Response.Status.COMPLETE).count() == 5
    assert _places_taken(demo_survey) == 5
    # The refused stay as they were before their last page: partial, without its answers.
    refused = Response.objects.filter(status=Response.Status.PARTIAL)
    assert refused.count() == 4
    assert not Answer.objects.filter(response__in=refused, text="Nothing to add.").exists()
    assert UncountedResponse.objects.count() == 5
