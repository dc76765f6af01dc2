"""A definition file uploaded into an existing survey in the builder: it replaces the
survey's draft (or becomes one), never a published version.

As `survey_import` (which does the writing), the survey-level parts of the file replace
the survey's: title, description, findings, NETs and saved views. Unlike it, the file's
`status` is ignored (publishing is a step of its own) and the result is always a draft
equal to the file, even when the file is the open version unchanged.
"""

from __future__ import annotations

from dataclasses import replace

from django.db import transaction

from surveys.definition import SurveyDef
from surveys.models import Survey, SurveyVersion
from surveys.publishing import survey_draft_start
from surveys.services import survey_import


class SlugMismatch(ValueError):
    """The file names another survey: uploading it here would write that one."""


@transaction.atomic
def survey_draft_replace(*, survey: Survey, definition: SurveyDef) -> SurveyVersion:
    """The survey's draft made from `definition` (validated, with this survey's slug):
    the old draft and its test responses go, its version number is reused."""
    if definition.slug != survey.slug:
        raise SlugMismatch(f"The file is the definition of “{definition.slug}”, not of “{survey.slug}”.")
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    draft = survey.draft_version()
    if draft is not None:
        draft.delete()
    version, created = survey_import(definition=replace(definition, status="draft"))
    if not created:
        # The file's structure is the open version's: survey_import leaves that version
        # alone, and the draft asked for is a copy of it.
        version, _ = survey_draft_start(survey=survey)
    return version
