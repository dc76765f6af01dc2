"""Which version the outline edits, and its structure read in a fixed number of queries."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from surveys.models import Choice, MatrixRow, Page, Question, Survey, SurveyVersion


def edited_version(survey: Survey) -> SurveyVersion | None:
    """The draft if there is one, else the open version, else the latest (both frozen)."""
    rank = Case(
        When(status=SurveyVersion.Status.DRAFT, then=Value(0)),
        When(status=SurveyVersion.Status.OPEN, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        SurveyVersion.objects.filter(survey=survey).annotate(rank=rank).order_by("rank", "-number").first()
    )


def edited_version_or_404(survey: Survey) -> SurveyVersion:
    """`edited_version`, its survey set; 404 for a survey without any version yet."""
    version = edited_version(survey)
    if version is None:
        raise Http404("The survey has no version yet.")
    version.survey = survey
    return version


def version_for_change(survey: Survey) -> SurveyVersion:
    version = edited_version(survey)
    if version is None:
        raise Http404("This survey has no version to edit.")
    version.survey = survey
    return version


def outline_pages(version: SurveyVersion) -> list[Page]:
    """The version's pages in order, each with its questions, their choices and rows
    (four queries, however many questions)."""
    questions = Question.objects.order_by("position", "pk").prefetch_related(
        Prefetch("choices", queryset=Choice.objects.order_by("position", "pk")),
        Prefetch("rows", queryset=MatrixRow.objects.order_by("position", "pk")),
    )
    pages = list(
        Page.objects.filter(version=version)
        .order_by("position", "pk")
        .prefetch_related(Prefetch("questions", queryset=questions))
    )
    for page in pages:
        page.version = version
        for question in page.questions.all():
            question.version = version
            question.page = page
    return pages


def page_in(version: SurveyVersion, page_id: int) -> Page:
    """A page of this version: any other id (another survey's) is a 404, never a write."""
    page = get_object_or_404(Page, pk=page_id, version=version)
    page.version = version
    return page


def question_in(version: SurveyVersion, question_id: int) -> Question:
    question = get_object_or_404(Question.objects.select_related("page"), pk=question_id, version=version)
    question.version = question.page.version = version
    return question


def find_question(pages: list[Page], question_id: int) -> Question:
    for page in pages:
        for question in page.questions.all():
            if question.pk == question_id:
                return question
    raise Http404("No such question.")
