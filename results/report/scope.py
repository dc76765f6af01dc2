"""What a results page is about: the survey, the versions in view, the filters, the
questions and the columns (Total and one per segment value)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from analytics import filters as raw
from analytics.filters import Filters, filters_from_query
from analytics.tables import ALL, SurveyCounts, survey_counts
from results.comparison import column_letter
from surveys.definition import NetDef, QuestionDef, ViewDef
from surveys.models import Survey, SurveyVersion
from surveys.piping import readable_question
from surveys.selectors import CompiledVersion, compiled_version


@dataclass(frozen=True)
class Column:
    key: tuple[str, str]  # ALL or (segment question code, value code)
    label: str
    letter: str = ""  # segment columns are lettered A, B, ...; Total is not
    group: str = ""  # the segment question code; "" for Total


@dataclass
class Scope:
    survey: Survey
    versions: list[SurveyVersion]  # published versions in view, newest first
    all_versions: list[SurveyVersion]
    filters: Filters
    segment_options: dict[tuple[str, str], str]  # every segment value of every version, for the filter form

    @cached_property
    def compiled(self) -> list[CompiledVersion]:
        return [compiled_version(v) for v in self.versions]

    @cached_property
    def questions(self) -> dict[str, QuestionDef]:
        """Every question by code, as the newest version in view defines it; questions that
        only older versions have come after. Texts that pipe earlier answers show each
        reference as its code in brackets (`surveys.piping.readable`)."""
        questions: dict[str, QuestionDef] = {}
        for compiled in self.compiled:
            for code, question in compiled.definition.questions.items():
                if code not in questions:
                    questions[code] = readable_question(question)
        return questions

    # NETs and saved views belong to the survey, so every compiled version carries the same
    # (saving them bumps the versions' stamps): no query of their own on any page.
    @property
    def nets(self) -> tuple[NetDef, ...]:
        return self.compiled[0].definition.nets if self.compiled else ()

    @property
    def views(self) -> tuple[ViewDef, ...]:
        return self.compiled[0].definition.views if self.compiled else ()

    @property
    def where_example(self) -> str:
        """A condition on this survey for the filter box's placeholder."""
        for question in self.questions.values():
            qt = question.question_type
            if question.choices and qt.column == "choice" and not (qt.picks_many or qt.has_rows or qt.ranks):
                return f"{question.code} = {question.choices[0].code}"
        return "question_code = choice_code"

    @cached_property
    def hidden_segments(self) -> list[QuestionDef]:
        """The hidden fields with `values` of the versions in view, as segment questions
        over their values (newest version's first), unless a question has their code."""
        segments: dict[str, QuestionDef] = {}
        for compiled in self.compiled:
            for hidden in compiled.definition.hidden_fields:
                if hidden.segment_question and hidden.code not in segments and hidden.code not in self.questions:
                    segments[hidden.code] = hidden.segment_question
        return list(segments.values())

    @cached_property
    def segment_questions(self) -> list[QuestionDef]:
        """What the columns break the results down by: segment questions, then hidden fields
        with `values`."""
        return [q for q in self.questions.values() if q.segment] + self.hidden_segments

    @cached_property
    def segment_labels(self) -> dict[tuple[str, str], str]:
        return {(q.code, c.code): c.label for q in self.segment_questions for c in q.choices}

    @cached_property
    def columns(self) -> list[Column]:
        if self.filters.segment is not None:
            return [Column(self.filters.segment, self.segment_labels[self.filters.segment])]
        columns = [Column(ALL, "Total")]
        for question in self.segment_questions:
            for choice in question.choices:
                letter = column_letter(len(columns) - 1)
                columns.append(Column((question.code, choice.code), choice.label, letter, question.code))
        return columns

    @property
    def population(self) -> str:
        """Who the numbers are about, for captions."""
        who = "all respondents" if self.filters.segment is None else self.segment_labels[self.filters.segment]
        return f"{who} where {self.filters.where}" if self.filters.where else who

    def counts(self, question_codes: list[str] | None = None) -> SurveyCounts:
        """The count tables, or with a date range or a condition the same counts from the
        raw answers."""
        if self.filters.from_answers:
            return raw.raw_counts(self.survey.pk, self.filters, self.compiled, question_codes)
        return survey_counts(self.survey, versions=self.versions)


def scope_for(survey: Survey, query) -> Scope:
    """The scope of a request's query string: one query for the versions, then the
    compiled definitions (cached per process)."""
    all_versions = raw.published_versions(survey)
    segments: dict[tuple[str, str], str] = {}
    # What a condition may name: any published version's questions and hidden fields (a
    # version without one of them has no response meeting it).
    nameable: dict[str, QuestionDef] = {}
    for version in all_versions:
        for code, question in compiled_version(version).definition.condition_questions.items():
            nameable.setdefault(code, question)
        for question in compiled_version(version).definition.questions.values():
            if question.segment:
                for choice in question.choices:
                    segments.setdefault((question.code, choice.code), choice.label)
        for hidden in compiled_version(version).definition.hidden_fields:
            for choice in hidden.segment_question.choices if hidden.segment_question else ():
                segments.setdefault((hidden.code, choice.code), choice.label)
    filters = filters_from_query(query, segments=segments, versions={v.number for v in all_versions},
                                 questions=nameable)
    versions = [v for v in all_versions if filters.version is None or v.number == filters.version]
    scope = Scope(survey=survey, versions=versions, all_versions=all_versions, filters=filters,
                  segment_options=segments)
    if filters.segment is not None and filters.segment not in scope.segment_labels:
        # The segment exists in another version only: nobody in view can be in it.
        scope.segment_labels[filters.segment] = segments[filters.segment]
    return scope
