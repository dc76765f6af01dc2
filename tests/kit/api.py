"""The JSON intake API of the demo survey (and of the every-type survey), as a test
client posts to it."""

from __future__ import annotations

import json
import uuid

from responses.models import Answer, Response, UncountedResponse
from tests.kit.demo import demo_answers

URL = "/api/v1/surveys/ddiq-2010/responses/"
TYPES_URL = "/api/v1/surveys/every-type/responses/"


def submit(client, answers=None, *, submission_id=None, url=URL, hidden=None, **extra):
    """POST a submission (the demo's `demo_answers()` unless told otherwise), with hidden
    values when given."""
    answers = demo_answers() if answers is None else answers
    payload = {"submission_id": str(submission_id or uuid.uuid4()), "answers": answers}
    if hidden is not None:
        payload["hidden"] = hidden
    return client.post(url, data=json.dumps(payload), content_type="application/json", **extra)


def stored_counts() -> tuple[int, int, int]:
    """(responses, answers, responses waiting to be counted) in the database."""
    return Response.objects.count(), Answer.objects.count(), UncountedResponse.objects.count()
