"""Which pages of a questionnaire a respondent sees, given their answers so far: page and
question conditions evaluated on the server (the browser's script only mirrors them for
questions that depend on answers on the same page), and Back/Next across hidden pages."""

from __future__ import annotations

from typing import Any

from responses.forms import condition_json
from responses.services import raw_answers
from responses.validation import validate_answers
from surveys import conditions
from surveys.definition import QuestionDef
from surveys.selectors import CompiledVersion


def effective_answers(compiled: CompiledVersion, stored: dict[str, Any]) -> dict[str, Any]:
    """The stored answers that still count: answers to questions that earlier changes
    have hidden drop out, exactly as they will at submission."""
    cleaned, _ = validate_answers(compiled, raw_answers(stored), hidden="drop", enforce_required=False)
    return cleaned


def page_questions(compiled: CompiledVersion, answers: dict[str, Any], index: int) -> list[tuple[QuestionDef, Any]]:
    """The questions rendered on a page with the condition the browser still has to
    evaluate (None when always shown). Conditions on earlier pages are settled here; a
    question depending on its own page is rendered, so the form works without scripts."""
    page_condition = compiled.page_conditions[index]
    if page_condition is not None and not conditions.evaluate(page_condition, answers):
        return []
    definition = compiled.definition
    page = definition.pages[index]
    codes = [q.code for q in page.questions]
    shown = []
    for question in page.questions:
        node = compiled.question_conditions.get(question.code)
        condition = True if node is None else condition_json(node, codes, answers, definition.questions)
        if condition is not False:
            shown.append((question, None if condition is True else condition))
    return shown


def page_shown(compiled: CompiledVersion, answers: dict[str, Any], index: int) -> bool:
    return bool(page_questions(compiled, answers, index))


def next_page(compiled: CompiledVersion, answers: dict[str, Any], index: int) -> int | None:
    return next((i for i in range(index + 1, len(compiled.definition.pages)) if page_shown(compiled, answers, i)), None)


def previous_page(compiled: CompiledVersion, answers: dict[str, Any], index: int) -> int | None:
    return next((i for i in range(index - 1, -1, -1) if page_shown(compiled, answers, i)), None)


def resolve_page(compiled: CompiledVersion, answers: dict[str, Any], index: int) -> int:
    """The page to show for a stored position: itself if shown, else the next shown one,
    else the last shown one before it."""
    index = min(max(index, 0), len(compiled.definition.pages) - 1)
    if page_shown(compiled, answers, index):
        return index
    following = next_page(compiled, answers, index)
    if following is not None:
        return following
    previous = previous_page(compiled, answers, index)
    return previous if previous is not None else 0


def posted_page(value: Any, count: int) -> int | None:
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()) or len(value) > 4:
        return None
    index = int(value)
    return index if index < count else None
