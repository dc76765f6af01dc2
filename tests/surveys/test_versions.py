"""Survey versions: draft -> open -> closed -> open, frozen structure once published, and
the database's guarantee of at most one draft and one open version per survey."""

import dataclasses

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from surveys.models import Choice, FrozenVersionError, MatrixRow, Question, SurveyVersion
from surveys.selectors import version_definition
from surveys.services import (
    VersionStateError,
    survey_import,
    version_close,
    version_duplicate,
    version_publish,
    version_reopen,
)

FROZEN_MESSAGE = (
    "Version 1 of 'ddiq-2010' is published: only labels and help texts can be corrected. "
    "Create a new draft version to change its structure."
)


@pytest.fixture
def draft(db, demo_definition) -> SurveyVersion:
    version, _ = survey_import(definition=dataclasses.replace(demo_definition, status="draft"))
    return version


def _question(version: SurveyVersion, code: str) -> Question:
    return Question.objects.get(version=version, code=code)


# --- Publishing ------------------------------------------------------------------------


def test_it_publishes_a_draft(draft):
    published = version_publish(version=draft)

    draft.refresh_from_db()
    assert published.status == draft.status == SurveyVersion.Status.OPEN
    assert draft.published_at is not None
    assert draft.is_frozen


def test_it_refuses_to_publish_a_published_version(open_version):
    with pytest.raises(VersionStateError, match="Version 1 is already published"):
        version_publish(version=open_version)


# --- Frozen structure ------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value",
    [("code", "job_role"), ("type", "dropdown"), ("condition", "seniority = vp"), ("required", False)],
)
def test_it_refuses_to_save_a_structural_change_of_a_published_question(open_version, field, value):
    question = _question(open_version, "role")
    setattr(question, field, value)

    with pytest.raises(FrozenVersionError) as caught:
        question.save()

    assert caught.value.message_dict == {field: [FROZEN_MESSAGE]}


@pytest.mark.parametrize(
    "field, value",
    [("code", "job_role"), ("type", "dropdown"), ("condition", "seniority = vp"), ("required", False)],
)
def test_it_refuses_a_structural_change_of_a_published_question_in_full_clean(open_version, field, value):
    question = _question(open_version, "role")
    setattr(question, field, value)

    # full_clean() gathers every field's errors into one plain ValidationError, so the
    # refusal arrives there as a ValidationError carrying the frozen message.
    with pytest.raises(ValidationError) as caught:
        question.full_clean()

    assert caught.value.message_dict == {field: [FROZEN_MESSAGE]}


def test_it_refuses_a_structural_change_in_clean(open_version):
    question = _question(open_version, "role")
    question.code = "job_role"

    with pytest.raises(FrozenVersionError):
        question.clean()


def test_it_refuses_to_change_a_published_choice_code(open_version):
    choice = Choice.objects.get(question__version=open_version, question__code="role", code="it")
    choice.code = "cio"

    with pytest.raises(FrozenVersionError):
        choice.save()
    with pytest.raises(ValidationError) as caught:
        choice.full_clean()
    assert caught.value.message_dict == {"code": [FROZEN_MESSAGE]}


def test_it_refuses_to_change_a_published_row_code(open_version):
    row = MatrixRow.objects.get(question__version=open_version, question__code="company_usage", code="twitter")
    row.code = "x"

    with pytest.raises(FrozenVersionError):
        row.save()
    with pytest.raises(ValidationError) as caught:
        row.full_clean()
    assert caught.value.message_dict == {"code": [FROZEN_MESSAGE]}


def test_it_refuses_to_add_a_choice_to_a_published_question(open_version):
    choice = Choice(question=_question(open_version, "role"), position=2, code="other", label="Other")

    with pytest.raises(FrozenVersionError, match="is published"):
        choice.save()
    with pytest.raises(ValidationError) as caught:
        choice.full_clean()
    assert caught.value.message_dict == {NON_FIELD_ERRORS: [FROZEN_MESSAGE]}
    assert not Choice.objects.filter(question__version=open_version, question__code="role", code="other").exists()


def test_it_refuses_to_delete_a_published_question(open_version):
    question = _question(open_version, "comments")

    with pytest.raises(FrozenVersionError, match="create a new draft version"):
        question.delete()

    assert Question.objects.filter(pk=question.pk).exists()


def test_it_saves_a_corrected_label_and_help_text_of_a_published_question(open_version):
    question = _question(open_version, "role")
    question.label = "Which best describes your job?"
    question.help_text = "Pick the closest."

    question.full_clean()
    question.save()

    question.refresh_from_db()
    assert (question.label, question.help_text) == ("Which best describes your job?", "Pick the closest.")


def test_it_saves_a_structural_change_of_a_draft(draft):
    question = _question(draft, "role")
    question.code = "job_role"

    question.full_clean()
    question.save()

    assert _question(draft, "job_role").pk == question.pk


# --- Duplicating -----------------------------------------------------------------------


def test_it_duplicates_a_version_into_a_draft_with_the_same_structure(open_version):
    copy = version_duplicate(version=open_version)

    assert (copy.number, copy.status) == (2, SurveyVersion.Status.DRAFT)
    expected = dataclasses.replace(version_definition(open_version), status="draft")
    assert version_definition(copy) == expected


def test_it_refuses_a_second_duplicate_while_a_draft_exists(open_version):
    version_duplicate(version=open_version)

    with pytest.raises(VersionStateError, match="'ddiq-2010' already has a draft version"):
        version_duplicate(version=open_version)


def test_it_closes_the_old_version_when_the_duplicate_is_published(open_version):
    copy = version_duplicate(version=open_version)

    version_publish(version=copy)

    open_version.refresh_from_db()
    assert open_version.status == SurveyVersion.Status.CLOSED
    assert open_version.survey.open_version() == copy


def test_it_keeps_the_old_versions_questions_after_publishing_a_duplicate(open_version):
    old_questions = list(Question.objects.filter(version=open_version).values_list("pk", "code"))
    copy = version_duplicate(version=open_version)

    version_publish(version=copy)

    assert list(Question.objects.filter(version=open_version).values_list("pk", "code")) == old_questions
    assert len(old_questions) == 9


# --- Database constraints --------------------------------------------------------------


def test_it_refuses_a_second_open_version_in_the_database(open_version):
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyVersion.objects.create(survey=open_version.survey, number=2, status=SurveyVersion.Status.OPEN)


def test_it_refuses_a_second_draft_version_in_the_database(open_version):
    SurveyVersion.objects.create(survey=open_version.survey, number=2, status=SurveyVersion.Status.DRAFT)

    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyVersion.objects.create(survey=open_version.survey, number=3, status=SurveyVersion.Status.DRAFT)


def test_it_allows_several_closed_versions(open_version):
    version_close(version=open_version)

    SurveyVersion.objects.create(survey=open_version.survey, number=2, status=SurveyVersion.Status.CLOSED)

    assert open_version.survey.versions.filter(status=SurveyVersion.Status.CLOSED).count() == 2


# --- Closing and reopening -------------------------------------------------------------


def test_it_closes_an_open_version(open_version):
    version_close(version=open_version)

    open_version.refresh_from_db()
    assert open_version.status == SurveyVersion.Status.CLOSED


def test_it_reopens_a_closed_version(open_version):
    version_close(version=open_version)

    version_reopen(version=open_version)

    open_version.refresh_from_db()
    assert open_version.status == SurveyVersion.Status.OPEN


def test_it_closes_the_other_open_version_when_reopening(open_version):
    newer = version_duplicate(version=open_version)
    version_publish(version=newer)

    version_reopen(version=open_version)

    statuses = dict(open_version.survey.versions.values_list("number", "status"))
    assert statuses == {1: SurveyVersion.Status.OPEN, 2: SurveyVersion.Status.CLOSED}


def test_it_refuses_to_close_a_version_that_is_not_open(draft):
    with pytest.raises(VersionStateError, match="Version 1 is not open"):
        version_close(version=draft)


def test_it_refuses_to_reopen_a_version_that_is_not_closed(open_version):
    with pytest.raises(VersionStateError, match="Version 1 is not closed"):
        version_reopen(version=open_version)
