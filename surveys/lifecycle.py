"""A survey's settings and its life beyond its versions: archiving, and who may edit it
or see its results (the builder's settings page writes through these).

Each write takes the survey's row lock first, so that two clicks of one button (or two
editors pressing it) queue, and the second finds the state the first left ("already
archived") instead of acting twice. Settings are saved field by field (`update_fields`):
a section saved never writes back another section's values read before it changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from surveys.models import Quota, Survey, SurveyVersion
from surveys.services import VersionStateError, version_close, version_reopen

# The fields a settings form may write with `survey_settings_update`: the survey's title
# and description, its collection and access settings; never its slug (in every link and
# export).
SETTINGS_FIELDS = frozenset({
    "title", "description",
    "access", "listed", "opens_at", "closes_at", "response_cap",
    "redirect_complete", "redirect_screened_out", "redirect_quota_full", "redirect_closed",
    "page_time_floor", "speeder_fraction", "duplicate_window_hours", "auto_exclude_flags",
})


class SurveyStateError(VersionStateError):
    """A change that the survey's state does not allow now (already archived, ...)."""


def _locked(survey: Survey) -> Survey:
    return Survey.objects.select_for_update().get(pk=survey.pk)


@transaction.atomic
def survey_settings_update(*, survey: Survey, values: Mapping[str, Any]) -> Survey:
    """Write `values` (validated, a subset of SETTINGS_FIELDS) and only those fields.

    Saving with `update_fields` lets the responses app's receiver make the cap's counter
    follow a changed `response_cap` in this transaction."""
    unknown = set(values) - SETTINGS_FIELDS
    if unknown:
        raise ValueError(f"not survey settings: {', '.join(sorted(unknown))}")
    survey = _locked(survey)
    for name, value in values.items():
        setattr(survey, name, value)
    survey.save(update_fields=[*values, "updated_at"])
    return survey


@transaction.atomic
def survey_sharing_update(
    *, survey: Survey, viewers: Iterable[AbstractBaseUser], viewer_groups: Iterable[Group]
) -> None:
    """Who may see the survey's results: exactly these users and groups."""
    survey = _locked(survey)
    survey.viewers.set(viewers)
    survey.viewer_groups.set(viewer_groups)


@transaction.atomic
def survey_editors_update(
    *, survey: Survey, editors: Iterable[AbstractBaseUser], editor_groups: Iterable[Group]
) -> None:
    """Who may edit the survey: exactly these users and groups (superusers always may)."""
    survey = _locked(survey)
    survey.editors.set(editors)
    survey.editor_groups.set(editor_groups)


@transaction.atomic
def survey_quota_update(*, survey: Survey, code: str, limit: int, closed: bool) -> tuple[Quota, Quota]:
    """Set a quota's limit and whether it is closed, while the survey runs (its counter
    follows in the same transaction, responses.receivers). Returns the quota before and after."""
    _locked(survey)
    quota = Quota.objects.filter(survey=survey, code=code).first()
    if quota is None:
        raise SurveyStateError(f"This survey has no quota {code!r} (any more).")
    before = Quota(pk=quota.pk, survey_id=survey.pk, code=code, label=quota.label, condition=quota.condition,
                   limit=quota.limit, closed=quota.closed)
    quota.limit, quota.closed = limit, closed
    quota.save(update_fields=["limit", "closed"])
    return before, quota


def would_edit(user: AbstractBaseUser, *, editors: Iterable[AbstractBaseUser], editor_groups: Iterable[Group]) -> bool:
    """Whether `user` could still edit a survey whose editors were these (before saving
    them): a superuser, one of the users, or a member of one of the groups."""
    if user.is_superuser:
        return True
    if any(editor.pk == user.pk for editor in editors):
        return True
    group_ids = {group.pk for group in editor_groups}
    return bool(group_ids) and user.groups.filter(pk__in=group_ids).exists()


@transaction.atomic
def survey_version_close(*, survey: Survey, version_id: int) -> SurveyVersion:
    """Close the survey's version `version_id`, which must be open (a stale page that
    still shows it open is told it is closed already)."""
    _locked(survey)
    version = _version_of(survey, version_id)
    if version.status != SurveyVersion.Status.OPEN:
        raise SurveyStateError(_state(version))
    return version_close(version=version)


@transaction.atomic
def survey_version_reopen(*, survey: Survey, version_id: int) -> SurveyVersion:
    """Reopen the survey's closed version `version_id` (closing any open one). An
    archived survey is unarchived first, on purpose, by its own button."""
    survey = _locked(survey)
    if survey.archived_at is not None:
        raise SurveyStateError("This survey is archived: unarchive it before reopening a version.")
    version = _version_of(survey, version_id)
    if version.status != SurveyVersion.Status.CLOSED:
        raise SurveyStateError(_state(version))
    return version_reopen(version=version)


def _state(version: SurveyVersion) -> str:
    """What a stale page is told about the version it meant to change."""
    if version.status == SurveyVersion.Status.DRAFT:
        return f"Version {version.number} is a draft: it has not been published."
    return f"Version {version.number} is already {version.get_status_display().lower()}."


def _version_of(survey: Survey, version_id: int) -> SurveyVersion:
    version = SurveyVersion.objects.filter(survey=survey, pk=version_id).first()
    if version is None:
        raise SurveyStateError("That version does not exist (any more).")
    return version


@transaction.atomic
def survey_archive(*, survey: Survey) -> tuple[Survey, SurveyVersion | None]:
    """Archive the survey: its open version is closed first, then it takes no responses
    and leaves the public home page. Returns the survey and the version it closed."""
    survey = _locked(survey)
    if survey.archived_at is not None:
        raise SurveyStateError("This survey is already archived.")
    closed = None
    open_version = survey.open_version()
    if open_version is not None:
        closed = version_close(version=open_version)
    survey.archived_at = timezone.now()
    survey.save(update_fields=["archived_at", "updated_at"])
    return survey, closed


@transaction.atomic
def survey_unarchive(*, survey: Survey) -> Survey:
    """Take the survey out of the archive. It takes responses again only once a version
    is reopened or published: unarchiving opens nothing by itself."""
    survey = _locked(survey)
    if survey.archived_at is None:
        raise SurveyStateError("This survey is not archived.")
    survey.archived_at = None
    survey.save(update_fields=["archived_at", "updated_at"])
    return survey
