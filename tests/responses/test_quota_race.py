"""A quota with a condition under concurrency, on a real server and PostgreSQL: sixteen
submissions racing for its last three places get exactly those places; the others end as
`quota_full`, kept with their answers and taking no place. SQLite serialises writers, so
only PostgreSQL shows the race."""

import uuid

import pytest

from responses.models import QuotaCounter, Response, UncountedResponse
from responses.services import response_submit
from surveys.definition_files import definition_from_data
from surveys.services import survey_import
from tests.kit.api import URL
from tests.kit.demo import demo_answers, fieldwork_data
from tests.kit.races import post_answers, together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 16
LIMIT = 10


def _post(url: str) -> tuple[int, dict]:
    return post_answers(url, demo_answers(role="it"))


def test_it_gives_the_last_three_places_of_a_quota_to_three_of_sixteen_racing_submissions(
    demo_survey, live_server, counting_requests
):
    version, _ = survey_import(definition=definition_from_data(fieldwork_data(it_leaders=LIMIT) | {"status": "open"}))
    survey = version.survey
    for _ in range(LIMIT - 3):
        response_submit(survey=survey, version=version, submission_id=uuid.uuid4(), answers=demo_answers(role="it"))

    results = together([lambda: _post(live_server.url + URL)] * THREADS)

    assert not [r for r in results if isinstance(r, BaseException)], results
    assert [status for status, _ in results] == [201] * THREADS, results
    outcomes = sorted(body["outcome"] for _, body in results)
    assert outcomes == ["complete"] * 3 + ["quota_full"] * (THREADS - 3), results
    assert Response.objects.filter(status=Response.Status.COMPLETE).count() == LIMIT
    assert Response.objects.filter(status=Response.Status.QUOTA_FULL).count() == THREADS - 3
    assert QuotaCounter.objects.get(survey=survey, code="it_leaders").completes == LIMIT
    assert UncountedResponse.objects.count() == LIMIT
