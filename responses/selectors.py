"""Whether a survey takes responses: one check (`survey_availability`) for the JSON API
and the HTML form, so that both open and close at the same moment and refuse for the
same reasons."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from responses.models import QuotaCounter
from responses.quotas import CAP, response_cap_quota
from surveys.models import Survey, SurveyVersion

NOT_OPEN_YET = "This survey is not open yet."
CLOSED = "This survey is closed."
FULL = "This survey has received all the responses it needs and is closed."


@dataclass(frozen=True)
class Unavailable:
    """Why a survey takes no responses now: `reason` picks the form's page
    (templates/responses/unavailable.html), `status` and `message` are the API's answer."""

    reason: str
    status: int
    message: str


NO_OPEN_VERSION = Unavailable("closed", 410, CLOSED)
NEVER_PUBLISHED = Unavailable("not_yet_open", 403, NOT_OPEN_YET)
BEFORE_OPENING = Unavailable("not_yet_open", 403, NOT_OPEN_YET)
AFTER_CLOSING = Unavailable("past_close", 410, CLOSED)
AT_CAP = Unavailable("full", 410, FULL)


def survey_with_open_version(slug: str) -> tuple[Survey | None, SurveyVersion | None]:
    """The survey and its open version in one query, which also reads the places taken
    under the cap; a second one only for a survey that has no open version (to tell
    "closed" from "unknown")."""
    taken = QuotaCounter.objects.filter(survey_id=OuterRef("survey_id"), code=CAP).values("completes")[:1]
    version = (
        SurveyVersion.objects.select_related("survey")
        .annotate(cap_places_taken=Subquery(taken))
        .filter(survey__slug=slug, status=SurveyVersion.Status.OPEN)
        .first()
    )
    if version is not None:
        version.survey.cap_places_taken = version.cap_places_taken
        return version.survey, version
    return Survey.objects.filter(slug=slug).first(), None


def survey_availability(survey: Survey, version: SurveyVersion | None, now=None) -> Unavailable | None:
    """None when `survey` takes responses through `version` (its open version, or None),
    else why not: never published (not open yet), no open version any more (or
    archived), before `opens_at`, from `closes_at` on, at the cap."""
    now = now or timezone.now()
    # Archiving closes the open version, but a version opened later (reopened in the
    # admin, a draft published) must not bring an archived survey back by itself.
    if survey.archived_at is not None:
        return NO_OPEN_VERSION
    if version is None or version.status != SurveyVersion.Status.OPEN:
        # A survey that never took responses is not "closed": it has yet to open. One more
        # query, on this refusal's path only.
        published = survey.versions.exclude(status=SurveyVersion.Status.DRAFT).exists()
        return NO_OPEN_VERSION if published else NEVER_PUBLISHED
    if survey.opens_at and now < survey.opens_at:
        return BEFORE_OPENING
    if survey.closes_at and now >= survey.closes_at:
        return AFTER_CLOSING
    if survey_is_full(survey):
        return AT_CAP
    return None


def survey_is_full(survey: Survey) -> bool:
    """Whether every place under the response cap is taken, read from the cap's counter
    (no query after `survey_with_open_version`, one otherwise). Only a first look, to
    refuse early: the claim in the completion's transaction (responses/quotas.py) is what
    keeps the cap when the last places are raced for."""
    cap = response_cap_quota(survey)
    if cap is None:
        return False
    taken = getattr(survey, "cap_places_taken", None)
    if taken is None:
        taken = QuotaCounter.objects.filter(survey=survey, code=CAP).values_list("completes", flat=True).first()
    if taken is None:  # no counter yet: the first completion makes it from this count
        taken = cap.counted(survey.pk).count()
    return taken >= cap.cap
