"""The responses API: pages of ended responses by cursor (each response once, in the order
they were committed), their answers in the intake's shape, outcomes and exclusions by
parameter, personal data left out unless asked, clear 400s, and who may read it."""

import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from responses.models import Response
from responses.moderation import response_exclude
from responses.services import response_submit
from surveys.definition_files import definition_from_data
from surveys.services import survey_import
from tests.kit.api import submit
from tests.kit.data import submit_answers
from tests.kit.demo import demo_answers, fieldwork_data
from tests.kit.form import PAGE1, post_page
from tests.kit.surveys import every_type_answers

pytestmark = pytest.mark.django_db
URL = "/api/v1/surveys/ddiq-2010/responses/"
TYPES_URL = "/api/v1/surveys/every-type/responses/"


def _page(client, url=URL, **params) -> dict:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "private, no-store"
    return response.json()


def test_it_pages_through_responses_by_cursor_each_once_in_order(results, demo_survey):
    ids = [submit_answers(demo_survey, demo_answers()) for _ in range(5)]

    seen, since, pages = [], 0, []
    while True:
        body = _page(results, since=since, limit=2)
        pages.append(len(body["responses"]))
        seen += body["responses"]
        since = body["next"]
        if not body["more"]:
            break

    assert pages == [2, 2, 1]
    assert [r["id"] for r in seen] == ids
    assert [r["cursor"] for r in seen] == [1, 2, 3, 4, 5]
    assert _page(results, since=since) == {"responses": [], "next": 5, "more": False}


def test_a_response_completed_later_comes_after_the_cursor(results, demo_survey):
    submit_answers(demo_survey, demo_answers())
    last = _page(results)["next"]
    later = submit_answers(demo_survey, demo_answers(role="business"))

    assert [r["id"] for r in _page(results, since=last)["responses"]] == [later]


def test_it_gives_the_answers_in_the_intake_shape_without_personal_data(client, viewer, every_type_survey):
    every_type_survey.viewers.add(viewer)
    client.force_login(viewer)
    submission = uuid.uuid4()
    result = response_submit(survey=every_type_survey, version=every_type_survey.open_version(),
                             submission_id=submission, answers=every_type_answers())
    assert result.ok

    (response,) = _page(client, TYPES_URL)["responses"]

    expected = every_type_answers()
    del expected["email"]  # an e-mail question holds personal data
    assert response["answers"] == expected
    assert (response["outcome"], response["submission_id"], response["version"]) == ("complete", str(submission), 1)
    assert response["completed_at"] and response["hidden"] == {} and response["excluded"] is False
    assert response["flags"] == []


def test_it_gives_personal_data_when_asked(client, viewer, every_type_survey):
    every_type_survey.viewers.add(viewer)
    client.force_login(viewer)
    submit_answers(every_type_survey, every_type_answers())

    (response,) = _page(client, TYPES_URL, personal_data="true")["responses"]

    assert response["answers"] == every_type_answers()


def test_it_lists_other_outcomes_and_exclusions_only_when_asked(results, demo_survey):
    version, _ = survey_import(definition=definition_from_data(fieldwork_data() | {"status": "open"}))
    complete = submit_answers(demo_survey, demo_answers())
    excluded = submit_answers(demo_survey, demo_answers())
    response_exclude(response=Response.objects.get(pk=excluded), reason="speeder")
    post_page(Client(), {**PAGE1, "seniority": "other"})  # a respondent screened out on page 1
    screened = str(Response.objects.get(status="screened_out").pk)
    response_submit(survey=demo_survey, version=version, submission_id=uuid.uuid4(), answers=demo_answers(),
                    is_test=True)  # a preview's: never listed

    def ids(**params):
        return [r["id"] for r in _page(results, **params)["responses"]]

    assert ids() == [complete]
    assert ids(outcome="screened_out") == [screened]
    assert ids(outcome="complete,screened_out", include_excluded="1") == [complete, excluded, screened]
    screened_one = _page(results, outcome="screened_out")["responses"][0]
    assert (screened_one["outcome"], screened_one["ended_by"]) == ("screened_out", "not_leader")


@pytest.mark.parametrize(("params", "key"), [
    ({"since": "-1"}, "since"),
    ({"since": "abc"}, "since"),
    ({"since": str(2**63)}, "since"),
    ({"limit": "0"}, "limit"),
    ({"limit": "100000"}, "limit"),
    ({"outcome": "partial"}, "outcome"),
    ({"outcome": ","}, "outcome"),
    ({"personal_data": "maybe"}, "personal_data"),
])
def test_it_refuses_a_bad_parameter_with_a_400_naming_it(results, params, key):
    response = results.get(URL, params)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [key]


def test_it_reads_with_an_api_token(client, viewer, demo_survey):
    demo_survey.viewers.add(viewer)
    submit_answers(demo_survey, demo_answers())
    token = Token.objects.create(user=viewer).key

    response = client.get(URL, HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 200 and len(response.json()["responses"]) == 1


def test_it_refuses_anonymous_readers_with_401(client, demo_survey):
    response = client.get(URL)
    assert response.status_code == 401 and "WWW-Authenticate" in response


def test_it_refuses_users_without_the_results_permission(client, outsider, demo_survey):
    demo_survey.viewers.add(outsider)
    client.force_login(outsider)
    assert client.get(URL).status_code == 403


def test_a_survey_not_shared_reads_as_unknown(client, viewer, demo_survey):
    client.force_login(viewer)
    not_shared = client.get(URL)
    unknown = client.get("/api/v1/surveys/no-such-survey/responses/")
    assert not_shared.status_code == unknown.status_code == 404
    assert not_shared.json() == unknown.json()


def test_the_intake_still_takes_anonymous_posts_at_the_same_address(client, demo_survey):
    assert submit(client).status_code == 201
    assert Response.objects.get().completed_seq == 1


def test_a_partial_response_has_no_number_until_it_ends(client, demo_survey):
    post_page(client, PAGE1)
    assert Response.objects.get().completed_seq is None


def test_it_documents_its_parameters_and_refusals_in_the_schema(client):
    operation = client.get("/api/schema/?format=json").json()["paths"]["/api/v1/surveys/{slug}/responses/"]["get"]

    assert set(operation["responses"]) == {"200", "400", "401", "403", "404"}
    assert {p["name"] for p in operation["parameters"]} == {
        "slug", "since", "limit", "outcome", "include_excluded", "personal_data",
    }


def test_a_page_costs_the_same_statements_whatever_its_size(results, demo_survey):
    def statements(count: int) -> int:
        for _ in range(count):
            submit_answers(demo_survey, demo_answers())
        last = Response.objects.exclude(completed_seq=None).order_by("-completed_seq").first().completed_seq
        with CaptureQueriesContext(connection) as queries:
            assert len(_page(results, since=last - count)["responses"]) == count
        return len(queries)

    assert statements(2) == statements(10)


def test_it_gives_each_response_s_data_quality_flags(results, demo_survey):
    flagged = submit_answers(demo_survey, demo_answers())
    Response.objects.filter(pk=flagged).update(flags=["straight_liner", "bot"])

    (response,) = _page(results)["responses"]

    assert response["flags"] == ["straight_liner", "bot"]
