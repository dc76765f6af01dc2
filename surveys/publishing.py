"""Publishing from the builder: starting a draft, and publishing one whose relabelled
choices and rows may first get new codes (surveys.changes, "new answer")."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from surveys.changes import CHOICE
from surveys.models import Choice, MatrixRow, Page, Survey, SurveyVersion
from surveys.selectors import latest_version
from surveys.services import VersionStateError, version_duplicate, version_publish


@transaction.atomic
def survey_draft_start(*, survey: Survey) -> tuple[SurveyVersion, bool]:
    """The survey's draft, and whether it was made now: a copy of the open version (else
    the latest one), or an empty draft with one page for a survey without any version.
    Two editors clicking "Edit" at once get the same draft (the survey row is locked)."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    draft = survey.draft_version()
    if draft is not None:
        return draft, False
    base = latest_version(survey)
    if base is not None:
        return version_duplicate(version=base), True
    draft = SurveyVersion.objects.create(survey=survey, number=1)
    Page.objects.create(version=draft, position=0)
    return draft, True


@transaction.atomic
def version_publish_with_codes(*, version: SurveyVersion, codes: Mapping[str, str]) -> SurveyVersion:
    """Give the draft's choices and rows named by relabel keys (`kind.question.code`) their
    new codes, then publish it (which validates it whole): all or nothing. An archived
    survey is unarchived first, on purpose, in its settings (as for reopening a version)."""
    survey = Survey.objects.select_for_update().get(pk=version.survey_id)
    if survey.archived_at is not None:
        raise VersionStateError("This survey is archived: unarchive it before publishing a version.")
    version = SurveyVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != SurveyVersion.Status.DRAFT:
        raise VersionStateError(f"Version {version.number} is already published.")
    for key, new_code in codes.items():
        kind, question, code = key.split(".", 2)
        model = Choice if kind == CHOICE else MatrixRow
        option = model.objects.select_related("question__version").get(
            question__version=version, question__code=question, code=code
        )
        option.code = new_code
        option.save()
    return version_publish(version=version)
