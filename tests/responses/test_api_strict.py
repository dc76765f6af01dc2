"""The intake API takes one spelling of each value: dates as YYYY-MM-DD, numbers without
`_` separators or non-ASCII digits, and `submission_id` as a canonical UUID string.

Each refused spelling here was accepted before: Python's `date.fromisoformat`, `int()`,
`Decimal()` and DRF's UUIDField are more lenient than the API's contract."""

import json
import uuid

import pytest

from responses.models import Response
from tests.kit.api import TYPES_URL, URL, submit
from tests.kit.demo import demo_answers
from tests.kit.surveys import every_type_answers

pytestmark = pytest.mark.django_db
ID_MESSAGE = "Expected a UUID string in the form 123e4567-e89b-12d3-a456-426614174000."


def _post(client, submission_id, answers=None):
    payload = {"submission_id": submission_id, "answers": demo_answers() if answers is None else answers}
    return client.post(URL, data=json.dumps(payload), content_type="application/json")


@pytest.mark.parametrize(
    "submission_id",
    [
        5,  # DRF took it as 00000000-0000-0000-0000-000000000005: a guessable id
        0,
        2**128 - 1,
        "0123456789abcdef0123456789abcdef",  # 32 hex digits without dashes
        "{12345678-1234-5678-1234-567812345678}",
        "urn:uuid:12345678-1234-5678-1234-567812345678",
        " 12345678-1234-5678-1234-567812345678",
        ["12345678-1234-5678-1234-567812345678"],
        None,
    ],
)
def test_it_refuses_a_submission_id_that_is_not_a_canonical_uuid_string(demo_survey, client, submission_id):
    r = _post(client, submission_id)

    assert r.status_code == 400
    assert r.json() == {"errors": {"submission_id": [ID_MESSAGE if submission_id is not None else
                                                     "This field may not be null."]}}
    assert not Response.objects.exists()


def test_it_takes_a_canonical_uuid_in_either_case(demo_survey, client):
    submission_id = uuid.uuid4()

    r = _post(client, str(submission_id).upper())

    assert r.status_code == 201
    assert r.json()["submission_id"] == str(submission_id)


@pytest.mark.parametrize("born", ["20100101", "2010-W01-1", "2010-W01", "2010-001", "18151210"])
def test_it_refuses_a_date_not_written_yyyy_mm_dd(every_type_survey, client, born):
    r = submit(client, every_type_answers(born=born), url=TYPES_URL)

    assert r.status_code == 400
    assert r.json() == {"errors": {"born": ["Enter a date as YYYY-MM-DD."]}}


@pytest.mark.parametrize(
    ("code", "value"),
    # Each in range once read: 40, 18, 1.5, 10, 36, 1.5.
    [("age", "4_0"), ("age", "1_8"), ("height", "0_1.5"), ("nps", "1_0"), ("age", "٣٦"), ("height", "١.٥")],
)
def test_it_refuses_numbers_with_separators_or_foreign_digits(every_type_survey, client, code, value):
    r = submit(client, every_type_answers(**{code: value}), url=TYPES_URL)

    assert r.status_code == 400
    assert list(r.json()["errors"]) == [code]


@pytest.mark.parametrize(("age", "height"), [(36, 1.75), ("36", "1.75"), (" 36 ", "+1.75"), ("3.6e1", "0.175e1")])
def test_it_still_takes_plain_numbers_as_json_numbers_or_text(every_type_survey, client, age, height):
    r = submit(client, every_type_answers(age=age, height=height), url=TYPES_URL)

    assert r.status_code == 201, r.content
