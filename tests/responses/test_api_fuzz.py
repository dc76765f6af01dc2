"""Whatever a client sends, the intake API answers with a 2xx or a 4xx, never a 5xx; a
refusal writes nothing; and what it stores validates again exactly as it was accepted.

Payloads range from arbitrary JSON and bytes to near-valid answer sets of the demo survey
with one part broken, so that the refusals and the acceptances are both exercised.
"""

import json
import uuid

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from responses.models import Answer, Response, UncountedResponse
from responses.services import answers_digest, raw_answers, stored_answers
from responses.validation import validate_answers
from surveys.selectors import compiled_version
from tests.kit.api import URL
from tests.kit.demo import CHANNELS, demo_answers

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

QUESTION_CODES = [
    "role", "seniority", "industry", "revenue", "company_usage", "personal_use", "twitter_uses", "barriers", "comments",
]
CHOICE_CODES = [
    "it", "business", "c_level", "vp", "director", "manager", "other", "financial", "technology", "lt_100m",
    "gt_10b", "none", "some", "widespread", "never", "weekly", "daily", "news", "peers", "roi", "security",
    "no_barriers", "time_waster",
]
codes = st.sampled_from(QUESTION_CODES + CHOICE_CODES + list(CHANNELS))

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(CHOICE_CODES)
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10) | codes, children, max_size=5)
    ),
    max_leaves=25,
)

answer_values = (
    json_values
    | st.sampled_from(CHOICE_CODES)
    | st.lists(st.sampled_from(CHOICE_CODES), max_size=4)
    | st.dictionaries(st.sampled_from(CHANNELS) | st.text(max_size=8), st.sampled_from(CHOICE_CODES) | json_values)
)
garbage_answers = st.dictionaries(codes | st.text(max_size=12), answer_values, max_size=10)


@st.composite
def near_valid_answers(draw) -> dict:
    """The demo answers with a few codes dropped or replaced by something else."""
    answers = demo_answers(
        role=draw(st.sampled_from(["it", "business"])),
        personal_use=dict.fromkeys(CHANNELS, draw(st.sampled_from(["never", "weekly"]))),
        comments=draw(st.text(max_size=60)),
    )
    if answers["personal_use"]["twitter"] == "never":
        del answers["twitter_uses"]
    for code in draw(st.lists(st.sampled_from(QUESTION_CODES), max_size=3, unique=True)):
        if draw(st.booleans()):
            answers.pop(code, None)
        else:
            answers[code] = draw(answer_values)
    return answers


submission_ids = st.uuids().map(str) | st.sampled_from(["", "not-a-uuid", str(uuid.UUID(int=0))]) | json_values
envelopes = st.fixed_dictionaries(
    {"submission_id": submission_ids, "answers": near_valid_answers() | garbage_answers | json_values},
    optional={"extra": json_values},
)
payloads = envelopes | json_values | st.fixed_dictionaries(
    {"submission_id": st.uuids().map(str), "answers": near_valid_answers()}
)


def _counts() -> tuple[int, int, int]:
    return Response.objects.count(), Answer.objects.count(), UncountedResponse.objects.count()


def _check(response, before: tuple[int, int, int]) -> None:
    event(f"status {response.status_code}")  # shown by --hypothesis-show-statistics
    assert response.status_code < 500, response.content
    assert response["Content-Type"] == "application/json"
    if response.status_code != 201:
        assert _counts() == before, response.content
        if response.status_code >= 400:
            assert set(response.json()) == {"errors"}
        return
    stored = Response.objects.get(pk=response.json()["id"])
    assert stored.is_complete and stored.completed_at is not None
    assert _counts()[0] == before[0] + 1 and _counts()[2] == before[2] + 1
    compiled = compiled_version(stored.version)
    cleaned, errors = validate_answers(compiled, raw_answers(stored_answers(compiled, stored)))
    assert errors == {}
    assert answers_digest(cleaned) == stored.answers_digest


@FUZZ
@given(payload=payloads)
def test_it_never_fails_on_arbitrary_json(demo_survey, client, payload):
    before = _counts()

    r = client.post(URL, data=json.dumps(payload), content_type="application/json")

    _check(r, before)


@FUZZ
@given(body=st.binary(max_size=300) | st.text(max_size=100).map(str.encode))
def test_it_never_fails_on_arbitrary_bytes(demo_survey, client, body):
    before = _counts()

    r = client.post(URL, data=body, content_type="application/json")

    _check(r, before)


@FUZZ
@given(answers=near_valid_answers())
def test_it_stores_only_answers_that_validate_again(demo_survey, client, answers):
    before = _counts()
    body = json.dumps({"submission_id": str(uuid.uuid4()), "answers": answers})

    r = client.post(URL, data=body, content_type="application/json")

    _check(r, before)
