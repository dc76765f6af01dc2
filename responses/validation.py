"""Validation of an answer set against a version's definition, shared by the HTML form
and the JSON API so that both accept and refuse exactly the same things.

Raw answers are JSON-shaped: a choice code for single/dropdown, a list of codes for
multiple choice, a {row: code} mapping for matrices, numbers or numeric strings, ISO
dates, text; beside a choice question's code, the text of an "Other, please specify"
choice as `code.choice.text`. Cleaned answers have the shapes the condition evaluator
expects (a choice's text rides along with its code, unseen by conditions). Display
conditions are evaluated in order on the cleaned answers: a hidden question is neither
required nor stored. Errors are keyed by question code, `question.row` for a row, or
`code.choice.text` for a choice's text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from surveys import conditions
from surveys.definition import QuestionDef
from surveys.selectors import CompiledVersion
from surveys.types import REQUIRED as REQUIRED
from surveys.types import Invalid
from surveys.types.base import is_empty

# Each answer is cleaned by its question's type (surveys.types), whose REQUIRED message
# is named here beside this one for the callers that check them.
HIDDEN = "This question is not asked for your earlier answers."


def visible_questions(compiled: CompiledVersion, cleaned: Mapping[str, Any], page_index: int) -> list[QuestionDef]:
    """The questions of a page shown for these answers (page and question conditions)."""
    page_condition = compiled.page_conditions[page_index]
    if page_condition is not None and not conditions.evaluate(page_condition, cleaned):
        return []
    shown = []
    for question in compiled.definition.pages[page_index].questions:
        node = compiled.question_conditions.get(question.code)
        if node is None or conditions.evaluate(node, cleaned):
            shown.append(question)
    return shown


def validate_answers(
    compiled: CompiledVersion,
    raw: Mapping[str, Any],
    *,
    pages: Iterable[int] | None = None,
    known: Mapping[str, Any] | None = None,
    hidden: str = "error",
    enforce_required: bool = True,
    hidden_values: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Validate `raw` answers to the questions of `pages` (all pages by default).

    `known` holds cleaned answers from pages not being validated (earlier pages in the
    HTML flow), so conditions can see them. `hidden="error"` refuses an answer to a
    hidden question (the API); `hidden="drop"` silently ignores it (a form without
    JavaScript shows every question of a page). `hidden_values` (the respondent's hidden
    fields, `responses.hidden`) are seen by conditions but are no answers: they are left
    out of `cleaned`. Returns (cleaned, errors).
    """
    hidden_values = hidden_values or {}
    definition = compiled.definition
    page_indexes = list(range(len(definition.pages))) if pages is None else list(pages)
    in_scope = {q.code for i in page_indexes for q in definition.pages[i].questions}
    errors: dict[str, list[str]] = {}
    for key in raw:
        # A "please specify" text (`code.choice.text`) belongs to its question.
        code = definition.extra_answer_keys.get(key, key)
        if code in hidden_values:
            continue
        if code not in definition.questions:
            errors.setdefault(str(key)[:100], []).append("Unknown question.")
        elif code not in in_scope:
            errors.setdefault(key, []).append("This question is not on this page.")

    cleaned: dict[str, Any] = {**hidden_values, **{k: v for k, v in (known or {}).items() if k not in in_scope}}
    for index in page_indexes:
        page_condition = compiled.page_conditions[index]
        page_shown = page_condition is None or conditions.evaluate(page_condition, cleaned)
        for question in definition.pages[index].questions:
            kind = question.question_type
            value = raw.get(question.code)
            keys = kind.extra_keys(question)
            extras = {key: raw[key] for key in keys if key in raw}
            # Evaluated here, not up front: a condition may refer to an earlier question
            # of the same page, whose cleaned answer is in `cleaned` by now.
            node = compiled.question_conditions.get(question.code)
            if not page_shown or (node is not None and not conditions.evaluate(node, cleaned)):
                if hidden == "error":
                    for key, given in ((question.code, value), *extras.items()):
                        if not is_empty(given):
                            errors.setdefault(key, []).append(HIDDEN)
                continue
            try:
                answer = kind.clean_answer(question, value, errors, enforce_required=enforce_required)
            except Invalid as exc:
                errors.setdefault(exc.key or question.code, []).append(exc.message)
                continue
            if keys:
                answer = kind.clean_extras(question, answer, extras, errors, enforce_required=enforce_required)
            if answer is not None:
                cleaned[question.code] = answer
    for code in hidden_values:
        cleaned.pop(code, None)
    return cleaned, errors

