"""Reads that decide whether a survey takes responses, shared by the JSON API and the
HTML form so that both open and close at the same moment."""

from __future__ import annotations

from django.utils import timezone

from responses.models import Response
from surveys.models import Survey, SurveyVersion

NOT_OPEN_YET = "This survey is not open yet."
CLOSED = "This survey is closed."
FULL = "This survey has received all the responses it needs and is closed."


def survey_with_open_version(slug: str) -> tuple[Survey | None, SurveyVersion | None]:
    """The survey and its open version in one query; a second one only for a survey that
    has no open version (to tell "closed" from "unknown")."""
    version = (
        SurveyVersion.objects.select_related("survey")
        .filter(survey__slug=slug, status=SurveyVersion.Status.OPEN)
        .first()
    )
    if version is not None:
        return version.survey, version
    return Survey.objects.filter(slug=slug).first(), None


def survey_availability(survey: Survey, version: SurveyVersion | None, now=None) -> tuple[int, str] | None:
    """None when `survey` takes responses through `version`, else (HTTP status, message):
    403 before `opens_at`, 410 without an open version, after `closes_at` or at the cap.

    The cap counts completed, non-test responses, and only when a cap is set (one query).
    Two submissions racing for the last place may both get in: a cap is a target for
    fieldwork, not a guarantee worth serialising every submission for.
    """
    now = now or timezone.now()
    if version is None or version.status != SurveyVersion.Status.OPEN:
        return 410, CLOSED
    if survey.opens_at and now < survey.opens_at:
        return 403, NOT_OPEN_YET
    if survey.closes_at and now >= survey.closes_at:
        return 410, CLOSED
    if survey.response_cap is not None:
        completed = Response.objects.filter(survey=survey, status=Response.Status.COMPLETE, is_test=False).count()
        if completed >= survey.response_cap:
            return 410, FULL
    return None
