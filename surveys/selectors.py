"""Reads of survey structure that take more than one query."""

from __future__ import annotations

from collections import defaultdict

from surveys.definition import ChoiceDef, FindingDef, PageDef, QuestionDef, RowDef, SurveyDef
from surveys.models import Choice, Finding, MatrixRow, Page, Question, Survey, SurveyVersion


def version_definition(version: SurveyVersion) -> SurveyDef:
    """The whole structure of a version as a plain definition, in five queries."""
    survey = version.survey
    pages = list(Page.objects.filter(version=version).order_by("position", "pk"))
    questions = list(Question.objects.filter(version=version).order_by("page__position", "position", "pk"))
    choices: dict[int, list[ChoiceDef]] = defaultdict(list)
    for c in Choice.objects.filter(question__version=version).order_by("question_id", "position", "pk"):
        choices[c.question_id].append(ChoiceDef(code=c.code, label=c.label, exclusive=c.exclusive))
    rows: dict[int, list[RowDef]] = defaultdict(list)
    for r in MatrixRow.objects.filter(question__version=version).order_by("question_id", "position", "pk"):
        rows[r.question_id].append(RowDef(code=r.code, label=r.label))

    by_page: dict[int, list[QuestionDef]] = defaultdict(list)
    for q in questions:
        by_page[q.page_id].append(
            QuestionDef(
                code=q.code,
                type=q.type,
                label=q.label,
                help_text=q.help_text,
                required=q.required,
                segment=q.is_segment,
                condition=q.condition,
                choices=tuple(choices[q.pk]),
                rows=tuple(rows[q.pk]),
                min_value=q.min_value.normalize() if q.min_value is not None else None,
                max_value=q.max_value.normalize() if q.max_value is not None else None,
                max_length=q.max_length,
            )
        )
    return SurveyDef(
        slug=survey.slug,
        title=survey.title,
        description=survey.description,
        intro=version.intro,
        thank_you=version.thank_you,
        status="open" if version.status == SurveyVersion.Status.OPEN else "draft",
        pages=tuple(
            PageDef(title=p.title, condition=p.condition, questions=tuple(by_page[p.pk])) for p in pages
        ),
        findings=survey_findings(survey),
    )


def survey_findings(survey: Survey) -> tuple[FindingDef, ...]:
    return tuple(
        FindingDef(code=f.code, statement=f.statement, base=f.base_condition, target=f.target_condition)
        for f in Finding.objects.filter(survey=survey).order_by("position", "pk")
    )


def latest_version(survey: Survey) -> SurveyVersion | None:
    """The open version if there is one, else the newest."""
    return survey.open_version() or survey.versions.order_by("-number").first()
