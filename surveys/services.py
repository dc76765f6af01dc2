"""Writes across survey rows: importing definitions and moving versions through their life.

draft --publish--> open --close--> closed --reopen--> open
A survey has at most one draft and at most one open version (the database enforces both);
publishing or reopening a version closes the one that was open.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from surveys.definition import REDIRECT_OUTCOMES, SurveyDef, question_columns
from surveys.models import (
    Choice,
    Finding,
    HiddenField,
    MatrixRow,
    Net,
    Page,
    Question,
    Quota,
    SavedView,
    ScreenOut,
    Survey,
    SurveyVersion,
)
from surveys.selectors import survey_nets, survey_views, version_definition


class VersionStateError(ValueError):
    pass


def _same_structure(a: SurveyDef, b: SurveyDef) -> bool:
    return (a.pages, a.intro, a.thank_you, a.hidden_fields, a.screen_outs) == (
        b.pages, b.intro, b.thank_you, b.hidden_fields, b.screen_outs
    )


@transaction.atomic
def survey_import(*, definition: SurveyDef, editors: Sequence[AbstractBaseUser] = ()) -> tuple[SurveyVersion, bool]:
    """Create the survey, or a new draft version of it, from a validated definition.

    Importing a file identical to the open version changes nothing (so `make run` can
    import the demo on every start). A draft that already exists is replaced. A file with
    `status: open` publishes the imported version. Returns (version, created).

    Editors are users, not part of a definition: `editors` are added to the survey's (a
    survey imported without any is edited by superusers until one is added).
    """
    survey, _ = Survey.objects.select_for_update().get_or_create(
        slug=definition.slug, defaults={"title": definition.title}
    )
    if editors:
        survey.editors.add(*editors)
    survey.title = definition.title
    survey.description = definition.description
    for outcome in REDIRECT_OUTCOMES:
        setattr(survey, f"redirect_{outcome}", getattr(definition.redirects, outcome))
    survey.save(update_fields=["title", "description", *(f"redirect_{o}" for o in REDIRECT_OUTCOMES), "updated_at"])
    _findings_replace(survey=survey, definition=definition)
    _nets_and_views_replace(survey=survey, definition=definition)
    _quotas_replace(survey=survey, definition=definition)

    current = survey.open_version()
    if current is not None and _same_structure(version_definition(current), definition):
        return current, False

    draft = survey.draft_version()
    if draft is not None:
        draft.delete()
    number = (survey.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = SurveyVersion.objects.create(
        survey=survey, number=number, intro=definition.intro, thank_you=definition.thank_you
    )
    _structure_write(version=version, definition=definition)
    if definition.status == "open":
        version = version_publish(version=version)
    return version, True


def _findings_replace(*, survey: Survey, definition: SurveyDef) -> None:
    Finding.objects.filter(survey=survey).exclude(code__in=[f.code for f in definition.findings]).delete()
    for position, finding in enumerate(definition.findings):
        Finding.objects.update_or_create(
            survey=survey,
            code=finding.code,
            defaults={
                "position": position,
                "statement": finding.statement,
                "base_condition": finding.base,
                "target_condition": finding.target,
            },
        )


def _quotas_replace(*, survey: Survey, definition: SurveyDef) -> None:
    """The file's quotas, by code: a quota kept keeps its counter (responses.receivers makes
    the counter follow a new limit); one left out, or whose condition changed, goes with its
    counter (made again from the true count)."""
    conditions_by_code = {q.code: q.condition for q in definition.quotas}
    for quota in Quota.objects.filter(survey=survey):
        if conditions_by_code.get(quota.code) != quota.condition:
            quota.delete()
    for position, quota in enumerate(definition.quotas):
        Quota.objects.update_or_create(
            survey=survey, code=quota.code,
            defaults={"position": position, "label": quota.label, "condition": quota.condition,
                      "limit": quota.limit, "closed": quota.closed},
        )


def _nets_and_views_replace(*, survey: Survey, definition: SurveyDef) -> None:
    """Nothing refers to a NET or a saved view by its row: replace them all when they differ
    (and only then, so that importing an unchanged file recompiles nothing)."""
    if survey_nets(survey) == definition.nets and survey_views(survey) == definition.views:
        return
    Net.objects.filter(survey=survey).delete()
    SavedView.objects.filter(survey=survey).delete()
    Net.objects.bulk_create(
        Net(survey=survey, position=i, question_code=n.question, code=n.code, label=n.label, choices=list(n.choices),
            all_but=n.all_but)
        for i, n in enumerate(definition.nets)
    )
    SavedView.objects.bulk_create(
        SavedView(survey=survey, position=i, code=v.code, label=v.label, description=v.description,
                  row_variable=v.row, column_variable=v.column, segment=v.segment, highlight_row=v.highlight_row,
                  highlight_column_not=v.highlight_column_not)
        for i, v in enumerate(definition.views)
    )
    survey.definition_changed()


def _structure_write(*, version: SurveyVersion, definition: SurveyDef) -> None:
    """Bulk-writes hidden fields, screen-outs, pages, questions, choices and rows into a new,
    empty draft version."""
    HiddenField.objects.bulk_create(
        HiddenField(version=version, position=i, code=h.code, values=list(h.values), description=h.description)
        for i, h in enumerate(definition.hidden_fields)
    )
    ScreenOut.objects.bulk_create(
        ScreenOut(version=version, position=i, code=so.code, condition=so.condition, message=so.message)
        for i, so in enumerate(definition.screen_outs)
    )
    pages = Page.objects.bulk_create(
        Page(version=version, position=i, title=p.title, condition=p.condition, shuffle_questions=p.shuffle_questions,
             shuffle_block=p.shuffle_block)
        for i, p in enumerate(definition.pages)
    )
    question_defs = [
        (page, i, q) for page, p in zip(pages, definition.pages, strict=True) for i, q in enumerate(p.questions)
    ]
    questions = Question.objects.bulk_create(
        Question(version=version, page=page, position=i, **question_columns(q))
        for page, i, q in question_defs
    )
    Choice.objects.bulk_create(
        Choice(question=question, position=i, code=c.code, label=c.label, exclusive=c.exclusive,
               specify=c.specify, anchor=c.anchor)
        for question, (_, _, q) in zip(questions, question_defs, strict=True)
        for i, c in enumerate(q.choices)
    )
    MatrixRow.objects.bulk_create(
        MatrixRow(question=question, position=i, code=r.code, label=r.label, anchor=r.anchor,
                  attention_check=r.attention_check)
        for question, (_, _, q) in zip(questions, question_defs, strict=True)
        for i, r in enumerate(q.rows)
    )


def version_validate(*, version: SurveyVersion) -> list[str]:
    """Every problem that would stop this version from being published."""
    from surveys.definition_files import DefinitionError, definition_from_data, definition_to_data

    try:
        definition_from_data(definition_to_data(version_definition(version)))
    except DefinitionError as exc:
        return exc.errors
    return []


@transaction.atomic
def version_publish(*, version: SurveyVersion) -> SurveyVersion:
    """Freeze a draft and open it for responses, closing the version that was open."""
    version = SurveyVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != SurveyVersion.Status.DRAFT:
        raise VersionStateError(f"Version {version.number} is already published.")
    errors = version_validate(version=version)
    if errors:
        raise VersionStateError("This version cannot be published: " + "; ".join(errors))
    _close_open_version(version.survey_id)
    version.status = SurveyVersion.Status.OPEN
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at", "updated_at"])
    return version


@transaction.atomic
def version_close(*, version: SurveyVersion) -> SurveyVersion:
    version = SurveyVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != SurveyVersion.Status.OPEN:
        raise VersionStateError(f"Version {version.number} is not open.")
    version.status = SurveyVersion.Status.CLOSED
    version.save(update_fields=["status", "updated_at"])
    return version


@transaction.atomic
def version_reopen(*, version: SurveyVersion) -> SurveyVersion:
    version = SurveyVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != SurveyVersion.Status.CLOSED:
        raise VersionStateError(f"Version {version.number} is not closed.")
    _close_open_version(version.survey_id)
    version.status = SurveyVersion.Status.OPEN
    version.save(update_fields=["status", "updated_at"])
    return version


def _close_open_version(survey_id: int) -> None:
    SurveyVersion.objects.filter(survey_id=survey_id, status=SurveyVersion.Status.OPEN).update(
        status=SurveyVersion.Status.CLOSED, updated_at=timezone.now()
    )


@transaction.atomic
def version_duplicate(*, version: SurveyVersion) -> SurveyVersion:
    """Copy a version into a new draft (the way to change a published structure)."""
    survey = Survey.objects.select_for_update().get(pk=version.survey_id)
    if survey.draft_version() is not None:
        raise VersionStateError(f"'{survey.slug}' already has a draft version: edit or delete it first.")
    definition = version_definition(version)
    number = (survey.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = SurveyVersion.objects.create(
        survey=survey, number=number, intro=definition.intro, thank_you=definition.thank_you
    )
    _structure_write(version=draft, definition=definition)
    return draft
