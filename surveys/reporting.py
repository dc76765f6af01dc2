"""What a survey declares about how its results read: NETs and saved crosstab views.

Both are survey-level, like findings: they change no stored answer or count, so they stay
editable while a version is open. Their checks live here, once, for the definition file
(`definition_files`, which places a problem as `nets[0].choices`) and for the admin (which
puts it on the form field): each check returns (key, message) pairs, the key naming what
is wrong within the NET or view ("" for the whole of it).
"""

from __future__ import annotations

from collections.abc import Mapping

from surveys.definition import NetDef, QuestionDef, ViewDef
from surveys.types import type_names

Problem = tuple[str, str]


def _net_types() -> str:
    """The types with one answer from one scale per question (per row of a matrix): what a
    NET adds up and what a crosstab crosses."""
    return ", ".join(type_names(supports_nets=True))


def _not_a_choice(code: str, question: QuestionDef) -> str:
    return f"{code!r} is not a choice of {question.code!r} ({', '.join(question.choice_codes)})"


def net_problems(net: NetDef, questions: Mapping[str, QuestionDef]) -> list[Problem]:
    question = questions.get(net.question)
    if question is None:
        return [("question", f"unknown question {net.question!r}")]
    if not question.question_type.supports_nets:
        return [("question", f"{net.question!r} is a {question.type} question: NETs apply to {_net_types()} "
                             "questions")]
    problems: list[Problem] = []
    if net.code in question.choice_codes:
        problems.append(("code", f"{net.code!r} is a choice of {net.question!r}: a NET needs a code of its own"))
    seen: set[str] = set()
    for code in net.choices:
        if code not in question.choice_codes:
            problems.append(("choices", _not_a_choice(code, question)))
        elif code in seen:
            problems.append(("choices", f"{code!r} is listed twice"))
        seen.add(code)
    if net.all_but and seen and seen >= set(question.choice_codes):
        problems.append(("choices", "leaves out every choice"))
    return problems


def _variable_problems(code: str, key: str, questions: Mapping[str, QuestionDef]) -> tuple[
    QuestionDef | None, list[Problem]
]:
    """A crosstab variable: a single-choice question's code, or `question.row`."""
    question_code, dot, row_code = code.partition(".")
    question = questions.get(question_code)
    if question is None:
        return None, [(key, f"unknown question {question_code!r}")]
    if not question.question_type.supports_nets:
        return None, [(key, f"{question_code!r} is a {question.type} question: a crosstab crosses "
                            f"{_net_types()} questions (a matrix by its rows)")]
    if question.rows and not row_code:
        return None, [(key, f"{question_code!r} is a matrix: name one of its rows, e.g. "
                            f"{question_code}.{question.rows[0].code}")]
    if question.rows and row_code not in question.row_codes:
        return None, [(key, f"{row_code!r} is not a row of {question_code!r} ({', '.join(question.row_codes)})")]
    if not question.rows and dot:
        return None, [(key, f"{question_code!r} has no rows")]
    return question, []


def view_problems(view: ViewDef, questions: Mapping[str, QuestionDef]) -> list[Problem]:
    row, problems = _variable_problems(view.row, "row", questions)
    column, column_problems = _variable_problems(view.column, "column", questions)
    problems += column_problems
    if view.segment:
        question_code, _, choice = view.segment.partition(":")
        segment = questions.get(question_code)
        if segment is None:
            problems.append(("segment", f"unknown question {question_code!r}"))
        elif not segment.segment:
            problems.append(("segment", f"{question_code!r} is not a segment question"))
        elif choice not in segment.choice_codes:
            problems.append(("segment", f"expected {question_code}:<choice>, one of "
                                        f"{', '.join(segment.choice_codes)}"))
    if bool(view.highlight_row) != bool(view.highlight_column_not):
        problems.append(("highlight", "give both 'row' and 'column_not'"))
    for key, code, question in (("highlight.row", view.highlight_row, row),
                                ("highlight.column_not", view.highlight_column_not, column)):
        if code and question is not None and code not in question.choice_codes:
            problems.append((key, _not_a_choice(code, question)))
    return problems
