"""Large counted data sets fast: responses and answers bulk-inserted, then the count tables
filled by the full recompute (`survey_reconcile`), which is what the counting engine's
tables must always equal. For page tests that need hundreds or thousands of responses."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.utils import timezone

from analytics.recompute import survey_reconcile
from responses.models import Answer, Response
from responses.services import answer_rows
from responses.validation import validate_answers
from surveys.selectors import compiled_version


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
