"""Responses for tests, through the app's own intake and counting:

- `submit_answers`: one complete response through `response_submit` (or the JSON API).
- `submit_and_count`: the same, counted at once by the counting engine.
- `bulk_responses`: large counted data sets fast: responses and answers bulk-inserted,
  then the count tables filled by the full recompute (`survey_reconcile`), which is what
  the counting engine's tables must always equal. For pages that need thousands.
- `response_mix`: one or two responses of every kind (counted, waiting to be counted,
  excluded, partial, test), for pages that show complete and partial totals.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from analytics.counting import response_count
from analytics.recompute import survey_reconcile
from responses.models import Answer, Response
from responses.services import answer_rows, response_submit
from responses.validation import validate_answers
from surveys.models import Survey
from surveys.selectors import compiled_version
from tests.kit.demo import leader_answers


def submit_answers(survey: Survey, answers: dict[str, Any], *, client=None) -> str:
    """Submit a complete response and return its id: through the JSON API with a test
    client, otherwise through `response_submit` (which the API calls)."""
    submission_id = uuid.uuid4()
    if client is not None:
        response = client.post(
            reverse("api:responses", args=[survey.slug]),
            {"submission_id": str(submission_id), "answers": answers},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        return str(response.json()["id"])
    result = response_submit(
        survey=survey, version=survey.open_version(), submission_id=submission_id, answers=answers
    )
    assert result.ok and result.created, result.errors
    return str(result.response.pk)


def submit_and_count(survey: Survey, data: dict) -> Response:
    result = response_submit(
        survey=survey, version=survey.open_version(), submission_id=uuid.uuid4(), answers=data
    )
    assert result.ok, result.errors
    assert response_count(result.response.pk)
    return result.response


def submit_beside_worker(survey: Survey, data: dict) -> Response:
    """`submit_and_count` for tests with a live server, where the session's real worker may
    claim the response first (its count task is sent at commit): counted here unless it did."""
    result = response_submit(
        survey=survey, version=survey.open_version(), submission_id=uuid.uuid4(), answers=data
    )
    assert result.ok, result.errors
    response_count(result.response.pk)
    return result.response


def build_it_population(survey: Survey, *, it: int, it_never: int, it_company_none: int, business: int = 0) -> None:
    """`it` IT leaders of whom `it_never` never use Twitter and `it_company_none` say their
    company does not use it (assigned from the other end, so the two overlap only as
    much as they must), plus `business` business leaders."""
    for i in range(it):
        submit_and_count(
            survey,
            leader_answers(
                role="it",
                twitter="never" if i < it_never else "daily",
                company_twitter="none" if i >= it - it_company_none else "some",
            ),
        )
    for i in range(business):
        submit_and_count(survey, leader_answers(role="business", twitter="never" if i % 2 else "weekly"))


def bulk_responses(survey, answer_sets: list[dict[str, Any]], *, completed_at: list[datetime] | None = None,
                   version=None, reconcile: bool = True) -> list[Response]:
    """Insert complete, counted responses (answers validated like an API submission)."""
    version = version or survey.open_version()
    compiled = compiled_version(version)
    now = timezone.now()
    responses, answers = [], []
    for i, data in enumerate(answer_sets):
        cleaned, errors = validate_answers(compiled, data)
        assert not errors, errors
        when = completed_at[i] if completed_at else now
        response = Response(
            id=uuid.uuid4(), survey=survey, version=version, submission_id=uuid.uuid4(),
            status=Response.Status.COMPLETE, started_at=when, completed_at=when,
        )
        responses.append(response)
        answers.extend(answer_rows(compiled, response.id, cleaned))
    Response.objects.bulk_create(responses, batch_size=500)
    # auto_now_add sets started_at on insert; completion dates are what the filters read.
    Answer.objects.bulk_create(answers, batch_size=2000)
    if reconcile:
        survey_reconcile(survey_id=survey.pk, record=False)
    return responses


def response_mix(survey: Survey, answers: dict[str, Any]) -> tuple[int, int]:
    """Responses of every kind on the survey's open version, each made through the services:
    two complete and counted, one complete waiting to be counted, one complete and excluded,
    two partial, and a test response (from a preview) complete and another partial. Returns
    what a page shows of them: (complete, partial) real ones, not excluded, i.e. (3, 2)."""
    from responses.moderation import response_exclude
    from responses.services import response_save_page

    version = survey.open_version()

    def start(is_test: bool = False) -> None:
        response_save_page(
            survey=survey, version=version, submission_id=uuid.uuid4(), page_index=0, cleaned_page={},
            page_codes=[], next_page=1, response=None, is_test=is_test,
        )

    for _ in range(2):
        submit_and_count(survey, answers)
        start()
    response_submit(survey=survey, version=version, submission_id=uuid.uuid4(), answers=answers)
    excluded = submit_and_count(survey, answers)
    response_exclude(response=excluded, reason="a straight-liner")
    start(is_test=True)
    result = response_submit(survey=survey, version=version, submission_id=uuid.uuid4(), answers=answers, is_test=True)
    assert result.ok
    return 3, 2
