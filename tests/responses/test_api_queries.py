"""A submission runs a fixed number of SQL statements, however many questions it answers:
one lookup of survey and open version, one for an earlier use of the submission id, and
the writes (response, all answers in one insert, the uncounted marker) in a savepoint.

Each test submits once first so that the compiled definition is cached, as it is in a
running process after the first respondent."""

import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.definition_files import definition_from_data
from surveys.services import survey_import
from tests.kit.demo import demo_answers

MAX_QUERIES = 8


def _generated_definition(size: int) -> dict:
    """`size` questions cycling through the types, five to a page."""
    choices = [{"code": f"c{i}", "label": f"Choice {i}"} for i in range(4)]
    questions = []
    for i in range(size):
        kind = ("single", "multiple", "matrix", "integer", "decimal", "short_text", "date", "rating", "email")[i % 9]
        question = {"code": f"q{i}", "type": kind, "label": f"Question {i}", "required": True}
        if kind in ("single", "multiple", "matrix"):
            question["choices"] = choices
        if kind == "matrix":
            question["rows"] = [{"code": f"r{j}", "label": f"Row {j}"} for j in range(3)]
        questions.append(question)
    pages = [{"title": f"Page {p}", "questions": questions[p : p + 5]} for p in range(0, size, 5)]
    return {"slug": "generated", "title": "Generated", "status": "open", "pages": pages}


def _generated_answers(size: int) -> dict:
    values = {
        "single": "c1",
        "multiple": ["c0", "c2"],
        "matrix": {"r0": "c0", "r1": "c1", "r2": "c3"},
        "integer": 12,
        "decimal": "3.25",
        "short_text": "text",
        "date": "2010-06-30",
        "rating": 8,
        "email": "someone@example.com",
    }
    kinds = list(values)
    return {f"q{i}": values[kinds[i % 9]] for i in range(size)}


@pytest.fixture
def generated_survey(db):
    version, _ = survey_import(definition=definition_from_data(_generated_definition(60)))
    return version.survey


def _submit(client, slug: str, answers: dict):
    body = json.dumps({"submission_id": str(uuid.uuid4()), "answers": answers})
    r = client.post(f"/api/v1/surveys/{slug}/responses/", data=body, content_type="application/json")
    assert r.status_code == 201, r.content
    return r


def _queries_of_one_submission(client, slug: str, answers: dict) -> int:
    _submit(client, slug, answers)  # warm-up: compiles and caches the definition
    with CaptureQueriesContext(connection) as queries:
        _submit(client, slug, answers)
    return len(queries)


def test_it_submits_the_demo_survey_in_a_bounded_number_of_queries(demo_survey, client, django_assert_max_num_queries):
    _submit(client, "ddiq-2010", demo_answers())

    with django_assert_max_num_queries(MAX_QUERIES):
        _submit(client, "ddiq-2010", demo_answers())


def test_it_submits_sixty_questions_in_a_bounded_number_of_queries(
    generated_survey, client, django_assert_max_num_queries
):
    _submit(client, "generated", _generated_answers(60))

    with django_assert_max_num_queries(MAX_QUERIES):
        _submit(client, "generated", _generated_answers(60))


def test_it_runs_as_many_queries_for_sixty_questions_as_for_nine(demo_survey, generated_survey, client):
    demo = _queries_of_one_submission(client, "ddiq-2010", demo_answers())
    generated = _queries_of_one_submission(client, "generated", _generated_answers(60))

    assert generated == demo


def test_it_adds_one_query_for_a_response_cap(demo_survey, client):
    without_cap = _queries_of_one_submission(client, "ddiq-2010", demo_answers())
    demo_survey.response_cap = 100
    demo_survey.save()

    assert _queries_of_one_submission(client, "ddiq-2010", demo_answers()) == without_cap + 1
