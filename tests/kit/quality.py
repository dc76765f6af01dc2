"""The demo form answered as a timed respondent: each page posted with its signed "shown
at" stamp set some seconds in the past (no clock is waited for), and timed completes made
in bulk for the median."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from responses.models import Response, UncountedResponse
from responses.quality import STAMP_FIELD, page_stamp
from surveys.models import Survey
from tests.kit.form import FORM, PAGE1, PAGE2, PAGE3, post_page


def page_state(client: Client, url: str = FORM) -> tuple[str, str, str]:
    """(submission_id, page index, stamp) of the page the client is shown now."""
    html = client.get(url, follow=True).content.decode()
    found = {name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1)
             for name in ("submission_id", "page", STAMP_FIELD)}
    return found["submission_id"], found["page"], found[STAMP_FIELD]


def post_timed(client: Client, data: dict, *, seconds: float, url: str = FORM, **extra):
    """Post the current page as if it had been on screen for `seconds`."""
    submission_id, page, _ = page_state(client, url)
    stamp = page_stamp(submission_id, int(page), shown=timezone.now().timestamp() - seconds)
    return post_page(client, {**data, STAMP_FIELD: stamp, **extra}, url=url, state=(submission_id, page))


def complete_timed(client: Client, *, seconds: float, pages=(PAGE1, PAGE2, PAGE3), url: str = FORM, **extra):
    """Answer every page, each `seconds` on screen; returns the last page's answer."""
    answer = None
    for data in pages:
        answer = post_timed(client, data, seconds=seconds, url=url, **extra)
        assert answer.status_code == 302, answer.content.decode()[:2000]
    return answer


def timed_completes(survey: Survey, durations: list[float], *, uncounted: bool = False) -> list[Response]:
    """Timed, complete responses (no answers) lasting `durations` seconds, in one insert;
    `uncounted`: marked for the counting engine as a completion marks them."""
    now = timezone.now()
    version = survey.versions.order_by("-number").first()
    responses = Response.objects.bulk_create(
        Response(survey=survey, version=version, submission_id=uuid.uuid4(), status=Response.Status.COMPLETE,
                 timed=True, started_at=now - timedelta(seconds=seconds), completed_at=now)
        for seconds in durations
    )
    if uncounted:
        UncountedResponse.objects.bulk_create(UncountedResponse(response_id=r.pk) for r in responses)
    return responses
