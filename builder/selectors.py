"""Reads for the builder's pages: the surveys on a user's home, with what state each is in.

Each survey's versions come with it (one more query for all of them) and its response
totals are subqueries of the query that lists the surveys (`results.selectors`): the
home costs the same number of queries for one survey as for fifty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.utils import formats, timezone

from builder.access import BUILDER_PERMISSION
from responses.models import QuotaCounter
from responses.quotas import CAP
from responses.selectors import AFTER_CLOSING, AT_CAP, BEFORE_OPENING, survey_availability
from results.selectors import with_response_totals
from surveys.models import Survey, SurveyVersion
from surveys.selectors import editable_surveys, shared_surveys

RESULTS_PERMISSIONS = ("surveys.view_results", "surveys.view_all_results")


@dataclass(frozen=True)
class SurveyState:
    """A survey's state in words: `label` ("Open"), `detail` ("version 2 taking
    responses"), `notes` (dates, the cap), and whether a draft is in progress beside a
    published version."""

    label: str
    detail: str
    notes: tuple[str, ...] = ()
    changes_in_draft: bool = False

    @property
    def tone(self) -> str:
        """A Bootstrap colour for the label's badge."""
        return {"Open": "success", "Closed": "dark"}.get(self.label, "secondary")

    @property
    def sentence(self) -> str:
        parts = [f"{self.label} — {self.detail}", *self.notes]
        if self.changes_in_draft:
            parts.append("changes in a draft")
        return "; ".join(parts)


def _day(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y, H:i")


def survey_state(survey: Survey, versions: list[SurveyVersion], now: datetime | None = None) -> SurveyState:
    """What `survey` is doing now, given its versions (newest first)."""
    now = now or timezone.now()
    open_version = next((v for v in versions if v.status == SurveyVersion.Status.OPEN), None)
    draft = next((v for v in versions if v.status == SurveyVersion.Status.DRAFT), None)
    published = [v for v in versions if v.status != SurveyVersion.Status.DRAFT]
    if not versions:
        return SurveyState("No version", "nothing to publish yet")
    if not published:
        return SurveyState("Draft only", "not yet published")
    if survey.archived_at is not None:
        return SurveyState("Archived", f"since {_day(survey.archived_at)}; takes no responses", (), draft is not None)
    if open_version is None:
        return SurveyState("Closed", f"version {published[0].number} no longer takes responses", (),
                           draft is not None)
    why_not = survey_availability(survey, open_version, now)
    number = open_version.number
    if why_not is AFTER_CLOSING:
        return SurveyState("Closed", f"version {number}", (f"closed on {_day(survey.closes_at)}",), draft is not None)
    if why_not is BEFORE_OPENING:
        state = ("Open", f"version {number} published", (f"opens on {_day(survey.opens_at)}",))
    elif why_not is AT_CAP:
        state = ("Open", f"version {number} published", (f"at its cap of {survey.response_cap} responses",))
    else:
        notes = (f"closes on {_day(survey.closes_at)}",) if survey.closes_at else ()
        state = ("Open", f"version {number} taking responses", notes)
    return SurveyState(*state, changes_in_draft=draft is not None)


@dataclass(frozen=True)
class HomeSurvey:
    """A survey as its card on the home shows it."""

    survey: Survey
    editable: bool
    state: SurveyState
    open_version: SurveyVersion | None
    # The version the outline edits and the preview shows: the draft, else the open one,
    # else the newest.
    working_version: SurveyVersion | None
    complete: int
    partial: int

    @property
    def has_public_link(self) -> bool:
        return self.survey.is_public and self.open_version is not None

    @property
    def has_invitations(self) -> bool:
        return self.survey.access != Survey.Access.PUBLIC


def _working_version(versions: list[SurveyVersion]) -> SurveyVersion | None:
    for status in (SurveyVersion.Status.DRAFT, SurveyVersion.Status.OPEN):
        found = next((v for v in versions if v.status == status), None)
        if found is not None:
            return found
    return versions[0] if versions else None


def _home_queryset(user) -> QuerySet[Survey]:
    """The surveys the user may edit, and (read-only) those shared with them for results,
    newest first, flagged `editable` (the rules of `builder.access.survey_for_builder`)."""
    editable_ids = editable_surveys(user).values("pk")
    may_change = user.has_perm("surveys.change_survey")
    visible = Q(pk__in=editable_ids) if may_change else Q(pk__in=[])
    if user.has_perm("surveys.view_results"):
        visible |= Q(pk__in=shared_surveys(user).values("pk"))
    editable = (
        ExpressionWrapper(Q(pk__in=editable_ids), output_field=BooleanField()) if may_change else Value(False)
    )
    taken = QuotaCounter.objects.filter(survey_id=OuterRef("pk"), code=CAP).values("completes")[:1]
    surveys = (
        Survey.objects.filter(visible)
        .annotate(editable=editable, cap_places_taken=Subquery(taken))
        .prefetch_related(Prefetch(
            "versions", queryset=SurveyVersion.objects.only("survey_id", "number", "status").order_by("-number")
        ))
        .order_by("-created_at", "-pk")
    )
    return with_response_totals(surveys)


def home_surveys(user, now: datetime | None = None) -> list[HomeSurvey]:
    """The surveys on the user's home (two queries, whatever their number)."""
    if not user.has_perm(BUILDER_PERMISSION):
        return []
    now = now or timezone.now()
    cards = []
    for survey in _home_queryset(user):
        versions = list(survey.versions.all())
        cards.append(
            HomeSurvey(
                survey=survey,
                editable=survey.editable,
                state=survey_state(survey, versions, now),
                open_version=next((v for v in versions if v.status == SurveyVersion.Status.OPEN), None),
                working_version=_working_version(versions),
                complete=survey.complete_count,
                partial=survey.partial_count,
            )
        )
    return cards


def may_see_results(user) -> bool:
    return any(user.has_perm(permission) for permission in RESULTS_PERMISSIONS)
