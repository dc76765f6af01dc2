"""`response_submit`, the one path by which a response becomes complete: idempotent on
its submission id, refusing a reused id with other answers, and fingerprinting answers
by meaning rather than by their JSON spelling."""

import uuid

import pytest

from responses.models import Answer, Response, UncountedResponse
from responses.services import SubmissionConflict, response_submit
from surveys.definition_files import definition_from_data
from surveys.services import survey_import
from tests.kit.demo import demo_answers


def _submit(survey, answers, submission_id=None, **kwargs):
    return response_submit(
        survey=survey,
        version=survey.open_version(),
        submission_id=submission_id or uuid.uuid4(),
        answers=answers,
        **kwargs,
    )


@pytest.fixture
def numbers_survey(db):
    definition = definition_from_data(
        {
            "slug": "numbers",
            "title": "Numbers",
            "status": "open",
            "pages": [
                {
                    "questions": [
                        {"code": "staff", "type": "integer", "label": "How many staff?", "min": 0},
                        {"code": "share", "type": "decimal", "label": "Which share?"},
                    ]
                }
            ],
        }
    )
    version, _ = survey_import(definition=definition)
    return version.survey


def test_it_creates_a_complete_response_with_its_uncounted_marker(demo_survey):
    result = _submit(demo_survey, demo_answers())

    assert result.ok and result.created
    assert result.response.is_complete
    assert UncountedResponse.objects.filter(response=result.response).exists()


def test_it_replays_the_same_submission(demo_survey):
    submission_id = uuid.uuid4()
    first = _submit(demo_survey, demo_answers(), submission_id)

    again = _submit(demo_survey, demo_answers(), submission_id)

    assert (again.created, again.response.pk) == (False, first.response.pk)
    assert Response.objects.count() == UncountedResponse.objects.count() == 1


def test_it_raises_a_conflict_for_the_same_id_with_other_answers(demo_survey):
    submission_id = uuid.uuid4()
    _submit(demo_survey, demo_answers(), submission_id)

    with pytest.raises(SubmissionConflict):
        _submit(demo_survey, demo_answers(seniority="vp"), submission_id)


def test_it_returns_errors_and_writes_nothing_for_invalid_answers(demo_survey):
    result = _submit(demo_survey, demo_answers(role=None))

    assert not result.ok
    assert "role" in result.errors
    assert (Response.objects.count(), Answer.objects.count()) == (0, 0)


def test_it_ignores_the_order_of_multiple_choice_answers(demo_survey):
    submission_id = uuid.uuid4()
    _submit(demo_survey, demo_answers(barriers=["roi", "security", "policy"]), submission_id)

    again = _submit(demo_survey, demo_answers(barriers=["policy", "security", "roi"]), submission_id)

    assert again.ok and not again.created


def test_it_ignores_the_order_of_matrix_rows_and_questions(demo_survey):
    submission_id = uuid.uuid4()
    answers = demo_answers()
    _submit(demo_survey, answers, submission_id)
    reordered = {code: answers[code] for code in reversed(answers)}
    reordered["company_usage"] = dict(reversed(answers["company_usage"].items()))

    again = _submit(demo_survey, reordered, submission_id)

    assert again.ok and not again.created


@pytest.mark.parametrize("spelling", ["5", 5.0, " 5 ", "5.000"])
def test_it_ignores_how_an_integer_is_spelled(numbers_survey, spelling):
    submission_id = uuid.uuid4()
    _submit(numbers_survey, {"staff": 5}, submission_id)

    again = _submit(numbers_survey, {"staff": spelling}, submission_id)

    assert again.ok and not again.created


@pytest.mark.parametrize("spelling", [1.5, "1.50", "1.5000"])
def test_it_ignores_how_a_decimal_is_spelled(numbers_survey, spelling):
    submission_id = uuid.uuid4()
    _submit(numbers_survey, {"share": "1.5"}, submission_id)

    again = _submit(numbers_survey, {"share": spelling}, submission_id)

    assert again.ok and not again.created


def test_it_tells_different_numbers_apart(numbers_survey):
    submission_id = uuid.uuid4()
    _submit(numbers_survey, {"staff": 5}, submission_id)

    with pytest.raises(SubmissionConflict):
        _submit(numbers_survey, {"staff": 50}, submission_id)


def test_it_writes_no_uncounted_marker_for_a_test_response(demo_survey):
    result = _submit(demo_survey, demo_answers(), is_test=True)

    assert result.created and result.response.is_test
    assert not UncountedResponse.objects.exists()
