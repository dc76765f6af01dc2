"""The JSON intake API: submitting a response, its refusals, and the definition it reads.

Answers are addressed by the demo survey's public codes (see ddiq-2010.md); question
types the demo does not use are checked on a small generated survey with one question
of every type.
"""

import json
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from responses.models import Answer, Response, UncountedResponse
from responses.services import response_submit
from responses.validation import HIDDEN, REQUIRED
from surveys.models import Question
from surveys.services import version_close
from tests.kit.api import TYPES_URL, URL, stored_counts, submit
from tests.kit.demo import CHANNELS, demo_answers
from tests.kit.surveys import every_type_answers

DEFINITION_URL = "/api/v1/surveys/ddiq-2010/"


def post_raw(client, body, url=URL):
    return client.post(url, data=body, content_type="application/json")


# --- Submitting ------------------------------------------------------------------------


def test_it_creates_a_complete_response(demo_survey, client):
    submission_id = uuid.uuid4()

    r = submit(client, submission_id=submission_id)

    assert r.status_code == 201
    body = r.json()
    response = Response.objects.get()
    assert body == {
        "id": str(response.id),
        "submission_id": str(submission_id),
        "status": "complete",
        "version": 1,
        "completed_at": body["completed_at"],
        "outcome": "complete",
    }
    assert response.is_complete and response.completed_at is not None
    assert UncountedResponse.objects.filter(response=response).exists()


def test_it_stores_one_answer_row_per_choice_and_matrix_row(demo_survey, client):
    submit(client)

    answers = Answer.objects.all()
    assert answers.filter(question__code="company_usage").count() == 7
    assert sorted(answers.filter(question__code="barriers").values_list("choice__code", flat=True)) == [
        "roi", "security"
    ]
    assert answers.get(question__code="comments").text == "Useful survey."


def test_it_answers_the_same_submission_again_with_200(demo_survey, client):
    submission_id = uuid.uuid4()
    first = submit(client, submission_id=submission_id)

    again = submit(client, submission_id=submission_id)

    assert again.status_code == 200
    assert again.json() == first.json()
    assert Response.objects.count() == UncountedResponse.objects.count() == 1


def test_it_refuses_the_same_submission_id_with_different_answers(demo_survey, client):
    submission_id = uuid.uuid4()
    submit(client, submission_id=submission_id)

    r = submit(client, demo_answers(role="business"), submission_id=submission_id)

    assert r.status_code == 409
    assert list(r.json()["errors"]) == ["submission_id"]
    assert Response.objects.get().answers.get(question__code="role").choice.code == "it"


def test_it_refuses_an_invalid_invitation_token_even_on_a_public_survey(demo_survey, client):
    # A token that is sent must be valid (tests/invitations covers invitation-only surveys).
    r = submit(client, headers={"X-Invitation-Token": "not-a-token"})

    assert r.status_code == 403
    message = "A valid X-Invitation-Token header is needed to answer this survey."
    assert r.json() == {"errors": {"invitation": [message]}}
    assert stored_counts() == (0, 0, 0)


def test_it_needs_no_csrf_token(demo_survey):
    r = submit(Client(enforce_csrf_checks=True))

    assert r.status_code == 201


def test_it_does_not_store_the_ip_address_by_default(demo_survey, client, settings):
    settings.STORE_IP_ADDRESS = False

    submit(client, REMOTE_ADDR="203.0.113.7")

    assert Response.objects.get().ip_address is None


def test_it_stores_the_ip_address_when_enabled(demo_survey, client, settings):
    settings.STORE_IP_ADDRESS = True

    submit(client, REMOTE_ADDR="203.0.113.7")

    assert Response.objects.get().ip_address == "203.0.113.7"


@pytest.mark.parametrize("omitted", [None, []], ids=["left-out", "empty-list"])
def test_it_stores_no_answer_for_an_unanswered_optional_multiple_choice(demo_survey, client, omitted):
    answers = demo_answers(barriers=None) | ({} if omitted is None else {"barriers": omitted})

    r = submit(client, answers)

    assert r.status_code == 201
    assert not Answer.objects.filter(question__code="barriers").exists()


def test_it_stores_script_text_verbatim_and_answers_in_json(demo_survey, client):
    script = '<script>alert("x")</script>'

    r = submit(client, demo_answers(comments=script), HTTP_ACCEPT="text/html")

    assert r.status_code == 201
    assert r["Content-Type"] == "application/json"
    assert Answer.objects.get(question__code="comments").text == script


def test_it_echoes_an_unknown_code_only_inside_json(demo_survey, client):
    script = "<script>alert(1)</script>"

    r = submit(client, demo_answers() | {script: "x"}, HTTP_ACCEPT="text/html")

    assert r.status_code == 400
    assert r["Content-Type"] == "application/json"
    assert r.json()["errors"] == {script: ["Unknown question."]}


# --- Refused answers -------------------------------------------------------------------


def test_it_requires_a_required_question(demo_survey, client):
    r = submit(client, demo_answers(role=None))

    assert r.status_code == 400
    assert r.json() == {"errors": {"role": [REQUIRED]}}


def test_it_refuses_an_unknown_choice(demo_survey, client):
    r = submit(client, demo_answers(role="ceo"))

    assert r.status_code == 400
    assert r.json() == {"errors": {"role": ["Select a valid choice."]}}


def test_it_refuses_an_unknown_question(demo_survey, client):
    r = submit(client, demo_answers(shoe_size=42))

    assert r.status_code == 400
    assert r.json() == {"errors": {"shoe_size": ["Unknown question."]}}


def test_it_refuses_an_answer_to_a_question_its_condition_hides(demo_survey, client):
    personal_use = dict.fromkeys(CHANNELS, "weekly") | {"twitter": "never"}

    r = submit(client, demo_answers(personal_use=personal_use, twitter_uses=["news"]))

    assert r.status_code == 400
    assert r.json() == {"errors": {"twitter_uses": [HIDDEN]}}


def test_it_keys_a_matrix_row_error_by_question_and_row(demo_survey, client):
    company_usage = dict.fromkeys(CHANNELS, "some") | {"twitter": "everywhere"}

    r = submit(client, demo_answers(company_usage=company_usage))

    assert r.status_code == 400
    assert r.json() == {"errors": {"company_usage.twitter": ["Select a valid choice."]}}


def test_it_requires_every_row_of_a_required_matrix(demo_survey, client):
    company_usage = dict.fromkeys(CHANNELS, "some")
    del company_usage["wikis"]

    r = submit(client, demo_answers(company_usage=company_usage))

    assert r.json() == {"errors": {"company_usage.wikis": [REQUIRED]}}


def test_it_refuses_two_answers_in_a_single_choice_row(demo_survey, client):
    company_usage = dict.fromkeys(CHANNELS, "some") | {"twitter": ["none", "some"]}

    r = submit(client, demo_answers(company_usage=company_usage))

    assert r.status_code == 400
    assert r.json() == {"errors": {"company_usage.twitter": ["Choose only one answer in this row."]}}


def test_it_refuses_an_exclusive_choice_combined_with_others(demo_survey, client):
    r = submit(client, demo_answers(barriers=["no_barriers", "roi"]))

    assert r.status_code == 400
    assert r.json() == {"errors": {"barriers": ["“No significant barriers” cannot be combined with other answers."]}}


def test_it_refuses_text_longer_than_its_limit(demo_survey, client):
    r = submit(client, demo_answers(comments="x" * 2001))

    assert r.json() == {"errors": {"comments": ["Enter at most 2000 characters (you entered 2001)."]}}


def test_it_refuses_text_with_a_lone_surrogate(demo_survey, client):
    # Valid JSON ("\ud800"), but no database can store it as UTF-8 text.
    body = json.dumps({"submission_id": str(uuid.uuid4()), "answers": demo_answers(comments="\ud800")})

    r = post_raw(client, body)

    assert r.status_code == 400
    assert list(r.json()["errors"]) == ["comments"]


def test_it_reports_every_error_at_once(demo_survey, client):
    r = submit(client, demo_answers(role=None, seniority="intern", comments=5))

    assert set(r.json()["errors"]) == {"role", "seniority", "comments"}


def test_it_accepts_one_answer_of_every_type(every_type_survey, client):
    r = submit(client, every_type_answers(), url=TYPES_URL)

    assert r.status_code == 201
    answers = Answer.objects.filter(response_id=r.json()["id"])
    assert str(answers.get(question__code="height").number.normalize()) == "1.75"
    assert str(answers.get(question__code="born").date) == "1815-12-10"
    assert answers.get(question__code="age").number == 36
    assert answers.filter(question__code="tools").count() == 2


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("colour", ["red", "blue"], "Choose only one answer."),
        ("country", "uk", "Select a valid choice."),
        ("pets", ["cat", "no_pets"], "“None” cannot be combined with other answers."),
        ("pets", ["hamster"], "Select valid choices."),
        ("tools", ["often"], "Expected one answer per row."),
        ("nickname", 42, "Enter text."),
        ("story", "x" * 21, "Enter at most 20 characters (you entered 21)."),
        ("age", "old", "Enter a number."),
        ("age", 17, "Enter a number of at least 18."),
        ("age", 100, "Enter a number of at most 99."),
        ("age", 36.5, "Enter a whole number."),
        ("age", True, "Enter a number."),
        ("height", "tall", "Enter a number."),
        ("height", 0.4, "Enter a number of at least 0.5."),
        ("height", "2.6", "Enter a number of at most 2.5."),
        ("height", "1.0000001", "Enter a number with at most 6 decimal places."),
        ("born", "1815-13-10", "Enter a date as YYYY-MM-DD."),
        ("born", 18151210, "Enter a date as YYYY-MM-DD."),
        ("email", "ada-at-example.com", "Enter a valid e-mail address."),
        ("nps", 11, "Choose a rating from 0 to 10."),
        ("nps", 7.5, "Choose a rating from 0 to 10."),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 25 else None,
)
def test_it_refuses_an_invalid_value_of_each_type(every_type_survey, client, code, value, message):
    r = submit(client, every_type_answers(**{code: value}), url=TYPES_URL)

    assert r.status_code == 400
    assert r.json() == {"errors": {code: [message]}}


# --- Refused envelopes -----------------------------------------------------------------


def test_it_refuses_malformed_json(demo_survey, client):
    r = post_raw(client, b'{"submission_id": ')

    assert r.status_code == 400
    assert list(r.json()["errors"]) == ["body"]


@pytest.mark.parametrize("body", ["[]", '"answers"', "null", "42", "true"])
def test_it_refuses_a_body_that_is_not_an_object(demo_survey, client, body):
    r = post_raw(client, body)

    assert r.status_code == 400
    assert list(r.json()["errors"]) == ["body"]


def test_it_refuses_a_body_nested_too_deeply_for_the_parser(demo_survey, client):
    r = post_raw(client, "[" * 100_000 + "]" * 100_000)

    assert r.status_code == 400
    assert list(r.json()["errors"]) == ["body"]


def test_it_refuses_a_body_that_is_not_json(demo_survey, client):
    r = client.post(URL, data={"submission_id": str(uuid.uuid4())})

    assert r.status_code == 415
    assert "errors" in r.json()


def test_it_requires_a_submission_id(demo_survey, client):
    r = post_raw(client, json.dumps({"answers": demo_answers()}))

    assert r.status_code == 400
    assert list(r.json()["errors"]) == ["submission_id"]


@pytest.mark.parametrize("submission_id", ["not-a-uuid", None, [], {"id": 1}, -1])
def test_it_refuses_an_invalid_submission_id(demo_survey, client, submission_id):
    r = post_raw(client, json.dumps({"submission_id": submission_id, "answers": demo_answers()}))

    assert r.status_code == 400
    assert list(r.json()["errors"]) == ["submission_id"]


@pytest.mark.parametrize("answers", [["role", "it"], "role=it", None, 1])
def test_it_refuses_answers_that_are_not_an_object(demo_survey, client, answers):
    r = post_raw(client, json.dumps({"submission_id": str(uuid.uuid4()), "answers": answers}))

    assert r.status_code == 400
    assert list(r.json()["errors"]) == ["answers"]


def test_it_keeps_an_unencodable_code_readable_in_its_error(demo_survey, client):
    body = json.dumps({"submission_id": str(uuid.uuid4()), "answers": demo_answers() | {"\ud800": 1}})

    r = post_raw(client, body)

    assert r.status_code == 400
    assert r.json() == {"errors": {"\\ud800": ["Unknown question."]}}


# --- When the survey takes responses ---------------------------------------------------


def test_it_answers_404_for_an_unknown_survey(db, client):
    r = submit(client, url="/api/v1/surveys/no-such-survey/responses/")

    assert r.status_code == 404
    assert list(r.json()["errors"]) == ["survey"]


def test_it_answers_410_when_no_version_is_open(demo_survey, client):
    version_close(version=demo_survey.open_version())

    r = submit(client)

    assert r.status_code == 410
    assert r.json() == {"errors": {"survey": ["This survey is closed."]}}


def test_it_answers_403_before_the_survey_opens(demo_survey, client):
    demo_survey.opens_at = timezone.now() + timedelta(hours=1)
    demo_survey.save()

    r = submit(client)

    assert r.status_code == 403
    assert r.json() == {"errors": {"survey": ["This survey is not open yet."]}}


def test_it_takes_responses_once_the_opening_time_has_passed(demo_survey, client):
    demo_survey.opens_at = timezone.now() - timedelta(seconds=1)
    demo_survey.save()

    assert submit(client).status_code == 201


def test_it_answers_410_after_the_survey_closes(demo_survey, client):
    demo_survey.closes_at = timezone.now() - timedelta(seconds=1)
    demo_survey.save()

    r = submit(client)

    assert r.status_code == 410
    assert r.json() == {"errors": {"survey": ["This survey is closed."]}}


def test_it_answers_410_at_the_response_cap(demo_survey, client):
    demo_survey.response_cap = 1
    demo_survey.save()
    assert submit(client).status_code == 201

    r = submit(client)

    assert r.status_code == 410
    assert list(r.json()["errors"]) == ["survey"]


def test_it_leaves_test_responses_out_of_the_cap(demo_survey, client):
    demo_survey.response_cap = 1
    demo_survey.save()
    response_submit(
        survey=demo_survey, version=demo_survey.open_version(), submission_id=uuid.uuid4(),
        answers=demo_answers(), is_test=True,
    )

    assert submit(client).status_code == 201


def _closed(survey):
    version_close(version=survey.open_version())


def _not_open_yet(survey):
    survey.opens_at = timezone.now() + timedelta(days=1)
    survey.save()


def _past_close(survey):
    survey.closes_at = timezone.now() - timedelta(days=1)
    survey.save()


def _full(survey):
    survey.response_cap = 0
    survey.save()


@pytest.mark.parametrize("make_unavailable", [_closed, _not_open_yet, _past_close, _full])
def test_it_writes_nothing_for_an_unavailable_survey(demo_survey, client, make_unavailable):
    make_unavailable(demo_survey)

    r = submit(client)

    assert r.status_code in (403, 410)
    assert stored_counts() == (0, 0, 0)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(lambda sid: {"submission_id": sid, "answers": demo_answers(role=None)}, id="missing-required"),
        pytest.param(lambda sid: {"submission_id": sid, "answers": demo_answers(role="x")}, id="unknown-choice"),
        pytest.param(lambda sid: {"submission_id": sid, "answers": demo_answers(size=1)}, id="unknown-question"),
        pytest.param(
            lambda sid: {"submission_id": sid, "answers": demo_answers(
                personal_use=dict.fromkeys(CHANNELS, "never"), twitter_uses=["news"])},
            id="hidden-question",
        ),
        pytest.param(lambda sid: {"submission_id": sid, "answers": demo_answers(comments="y")}, id="conflict"),
        pytest.param(lambda sid: {"submission_id": "nope", "answers": demo_answers()}, id="bad-submission-id"),
        pytest.param(lambda sid: {"submission_id": sid, "answers": []}, id="answers-not-object"),
        pytest.param(lambda sid: [sid], id="body-not-object"),
    ],
)
def test_it_writes_nothing_for_refused_answers(demo_survey, client, body):
    submission_id = str(uuid.uuid4())
    submit(client, submission_id=submission_id)
    before = stored_counts()

    r = post_raw(client, json.dumps(body(submission_id)))

    assert 400 <= r.status_code < 500
    assert stored_counts() == before


# --- Rate limiting ---------------------------------------------------------------------


def test_it_answers_429_when_rate_limited(demo_survey, client, rate_limited):
    assert [submit(client).status_code for _ in range(2)] == [201, 201]

    r = submit(client)

    assert r.status_code == 429
    assert list(r.json()["errors"]) == ["request"]
    assert Response.objects.count() == 2


def test_it_lets_submissions_through_when_the_rate_limit_cache_is_down(demo_survey, client, rate_limited, monkeypatch):
    def cache_down(*args, **kwargs):
        raise ConnectionError("cache unavailable")

    monkeypatch.setattr("django.core.cache.cache.add", cache_down)

    assert [submit(client).status_code for _ in range(3)] == [201, 201, 201]


# --- The definition --------------------------------------------------------------------


def test_it_returns_the_open_definition_by_code(demo_survey, client):
    r = client.get(DEFINITION_URL)

    assert r.status_code == 200
    body = r.json()
    assert (body["slug"], body["version"], len(body["pages"])) == ("ddiq-2010", 1, 3)
    assert "findings" not in body
    role = body["pages"][0]["questions"][0]
    assert role == {
        "code": "role",
        "type": "single",
        "label": "Which best describes your role?",
        "help_text": "",
        "required": True,
        "segment": True,
        "condition": "",
        "rows": [],
        "choices": [
            {"code": "it", "label": "IT leader (CIO, CTO, IT director or manager)", "exclusive": False, "specify": ""},
            {"code": "business", "label": "Business leader (CEO, CFO, COO, business-unit head)", "exclusive": False,
             "specify": ""},
        ],
        "min": None,
        "max": None,
        "max_length": None,
        "scale": None,  # rating scales only, as their end labels and display
        "low_label": "",
        "high_label": "",
        "display": "",
        "step": None,
    }


def test_it_gives_matrix_rows_conditions_and_exclusive_choices_in_the_definition(demo_survey, client):
    pages = client.get(DEFINITION_URL).json()["pages"]

    questions = {q["code"]: q for page in pages for q in page["questions"]}
    assert [row["code"] for row in questions["company_usage"]["rows"]] == list(CHANNELS)
    assert questions["twitter_uses"]["condition"] == "personal_use.twitter != never"
    assert [c["code"] for c in questions["barriers"]["choices"] if c["exclusive"]] == ["no_barriers"]
    assert questions["comments"]["max_length"] == 2000


def test_it_gives_number_bounds_as_json_numbers(every_type_survey, client):
    pages = client.get("/api/v1/surveys/every-type/").json()["pages"]

    questions = {q["code"]: q for page in pages for q in page["questions"]}
    assert (questions["age"]["min"], questions["age"]["max"]) == (18, 99)
    assert (questions["height"]["min"], questions["height"]["max"]) == (0.5, 2.5)


def test_it_shows_a_label_corrected_after_publishing(demo_survey, client):
    client.get(DEFINITION_URL)  # compiles and caches the version
    question = Question.objects.get(code="role")
    question.label = "What is your role?"
    question.save()

    assert client.get(DEFINITION_URL).json()["pages"][0]["questions"][0]["label"] == "What is your role?"


def test_it_answers_404_for_the_definition_of_an_unknown_survey(db, client):
    r = client.get("/api/v1/surveys/no-such-survey/")

    assert r.status_code == 404
    assert list(r.json()["errors"]) == ["survey"]


def test_it_answers_410_for_the_definition_without_an_open_version(demo_survey, client):
    version_close(version=demo_survey.open_version())

    r = client.get(DEFINITION_URL)

    assert r.status_code == 410
    assert list(r.json()["errors"]) == ["survey"]


def test_it_keeps_the_definition_private_before_the_survey_opens(demo_survey, client):
    demo_survey.opens_at = timezone.now() + timedelta(hours=1)
    demo_survey.save()

    r = client.get(DEFINITION_URL)

    assert r.status_code == 403
    assert list(r.json()["errors"]) == ["survey"]


# --- The schema ------------------------------------------------------------------------


def test_it_describes_both_endpoints_in_the_openapi_schema(db, client):
    r = client.get("/api/schema/?format=json")

    assert r.status_code == 200
    paths = r.json()["paths"]
    definition = paths["/api/v1/surveys/{slug}/"]["get"]
    submission = paths["/api/v1/surveys/{slug}/responses/"]["post"]
    assert set(definition["responses"]) == {"200", "403", "404", "410", "429"}  # 429: too many bad invitation tokens
    assert set(submission["responses"]) == {"200", "201", "400", "403", "404", "409", "410", "413", "415", "429"}
    assert "application/json" in submission["requestBody"]["content"]
