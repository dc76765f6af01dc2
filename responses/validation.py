"""Validation of an answer set against a version's definition, shared by the HTML form
and the JSON API so that both accept and refuse exactly the same things.

Raw answers are JSON-shaped: a choice code for single/dropdown, a list of codes for
multiple choice, a {row: code} mapping for matrices, numbers or numeric strings, ISO
dates, text. Cleaned answers have the shapes the condition evaluator expects. Display
conditions are evaluated in order on the cleaned answers: a hidden question is neither
required nor stored. Errors are keyed by question code, or `question.row` for a row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from surveys import conditions
from surveys.definition import QuestionDef
from surveys.selectors import CompiledVersion

DEFAULT_MAX_LENGTH = {"short_text": 500, "long_text": 10000, "email": 254}
MAX_DECIMAL = Decimal("1e14")  # what a DecimalField(max_digits=20, decimal_places=6) holds
_NUMBER_TEXT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

REQUIRED = "This question is required."
HIDDEN = "This question is not asked for your earlier answers."


class Invalid(Exception):
    def __init__(self, message: str, key: str | None = None):
        self.message = message
        self.key = key
        super().__init__(message)


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
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Validate `raw` answers to the questions of `pages` (all pages by default).

    `known` holds cleaned answers from pages not being validated (earlier pages in the
    HTML flow), so conditions can see them. `hidden="error"` refuses an answer to a
    hidden question (the API); `hidden="drop"` silently ignores it (a form without
    JavaScript shows every question of a page). Returns (cleaned, errors).
    """
    definition = compiled.definition
    page_indexes = list(range(len(definition.pages))) if pages is None else list(pages)
    in_scope = {q.code for i in page_indexes for q in definition.pages[i].questions}
    errors: dict[str, list[str]] = {}
    for code in raw:
        if code not in definition.questions:
            errors.setdefault(str(code)[:100], []).append("Unknown question.")
        elif code not in in_scope:
            errors.setdefault(code, []).append("This question is not on this page.")

    cleaned: dict[str, Any] = {k: v for k, v in (known or {}).items() if k not in in_scope}
    for index in page_indexes:
        page_condition = compiled.page_conditions[index]
        page_shown = page_condition is None or conditions.evaluate(page_condition, cleaned)
        for question in definition.pages[index].questions:
            value = raw.get(question.code)
            # Evaluated here, not up front: a condition may refer to an earlier question
            # of the same page, whose cleaned answer is in `cleaned` by now.
            node = compiled.question_conditions.get(question.code)
            if not page_shown or (node is not None and not conditions.evaluate(node, cleaned)):
                if hidden == "error" and not _is_empty(value):
                    errors.setdefault(question.code, []).append(HIDDEN)
                continue
            try:
                answer = clean_answer(question, value, errors, enforce_required=enforce_required)
            except Invalid as exc:
                errors.setdefault(exc.key or question.code, []).append(exc.message)
                continue
            if answer is not None:
                cleaned[question.code] = answer
    return cleaned, errors


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def clean_answer(question: QuestionDef, value: Any, errors: dict, *, enforce_required: bool = True) -> Any:
    """One question's cleaned answer, or None when unanswered. Raises Invalid."""
    if question.type == "matrix":
        return _clean_matrix(question, value, errors, enforce_required)
    if _is_empty(value) or (isinstance(value, str) and not value.strip()):
        if question.required and enforce_required:
            raise Invalid(REQUIRED)
        return None
    cleaner = _CLEANERS[question.type]
    return cleaner(question, value)


def _clean_choice(question: QuestionDef, value: Any) -> str:
    if isinstance(value, list):
        raise Invalid("Choose only one answer.")
    if not isinstance(value, str) or value not in question.choice_codes:
        raise Invalid("Select a valid choice.")
    return value


def _clean_multiple(question: QuestionDef, value: Any) -> frozenset[str] | None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Invalid("Expected a list of choices.")
    picked = frozenset(value)
    unknown = sorted(picked - set(question.choice_codes))
    if unknown:
        raise Invalid("Select valid choices.")
    exclusive = [c.code for c in question.choices if c.exclusive and c.code in picked]
    if exclusive and len(picked) > 1:
        label = next(c.label for c in question.choices if c.code == exclusive[0])
        raise Invalid(f"“{label}” cannot be combined with other answers.")
    return picked


def _clean_matrix(question: QuestionDef, value: Any, errors: dict, enforce_required: bool) -> dict[str, str] | None:
    if _is_empty(value):
        value = {}
    if not isinstance(value, Mapping):
        raise Invalid("Expected one answer per row.")
    cleaned: dict[str, str] = {}
    for row in value:
        if row not in question.row_codes:
            errors.setdefault(f"{question.code}.{str(row)[:100]}", []).append("Unknown row.")
    for row in question.rows:
        key = f"{question.code}.{row.code}"
        answer = value.get(row.code)
        if _is_empty(answer):
            if question.required and enforce_required:
                errors.setdefault(key, []).append(REQUIRED)
            continue
        if isinstance(answer, list):
            errors.setdefault(key, []).append("Choose only one answer in this row.")
        elif not isinstance(answer, str) or answer not in question.choice_codes:
            errors.setdefault(key, []).append("Select a valid choice.")
        else:
            cleaned[row.code] = answer
    return cleaned or None


def _number(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise Invalid("Enter a number.")
    # Decimal() also reads "1_000", "١٢" (Arabic-Indic digits) and " NaN ": text must be
    # plain ASCII digits, an optional sign, point and exponent, as a JSON number would be.
    if isinstance(value, str) and not _NUMBER_TEXT.fullmatch(value.strip()):
        raise Invalid("Enter a number.")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise Invalid("Enter a number.") from None
    if not number.is_finite() or abs(number) >= MAX_DECIMAL:
        raise Invalid("Enter a number.")
    return number


def _check_range(question: QuestionDef, number: Decimal) -> None:
    if question.min_value is not None and number < question.min_value:
        raise Invalid(f"Enter a number of at least {question.min_value:f}.")
    if question.max_value is not None and number > question.max_value:
        raise Invalid(f"Enter a number of at most {question.max_value:f}.")


def _clean_integer(question: QuestionDef, value: Any) -> int:
    number = _number(value)
    if number != number.to_integral_value():
        raise Invalid("Enter a whole number.")
    _check_range(question, number)
    return int(number)


def _clean_decimal(question: QuestionDef, value: Any) -> Decimal:
    number = _number(value)
    if number.as_tuple().exponent < -6:  # type: ignore[operator]
        raise Invalid("Enter a number with at most 6 decimal places.")
    _check_range(question, number)
    return number


def _clean_rating(question: QuestionDef, value: Any) -> int:
    number = _number(value)
    if number != number.to_integral_value() or not 0 <= number <= 10:
        raise Invalid("Choose a rating from 0 to 10.")
    return int(number)


def _clean_date(question: QuestionDef, value: Any) -> date:
    # date.fromisoformat() also reads "20100101" and "2010-W01-1": only YYYY-MM-DD here.
    if not isinstance(value, str) or not _DATE_TEXT.fullmatch(value.strip()):
        raise Invalid("Enter a date as YYYY-MM-DD.")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid("Enter a date as YYYY-MM-DD.") from None


def _clean_text(question: QuestionDef, value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid("Enter text.")
    # NUL and lone surrogates (legal in JSON as "\u0000" and "\ud800") cannot be stored
    # as text by PostgreSQL or encoded as UTF-8: refuse them rather than fail on write.
    if "\x00" in value or _has_surrogate(value):
        raise Invalid("The text contains a character that is not allowed.")
    text = value.strip()
    limit = question.max_length or DEFAULT_MAX_LENGTH[question.type]
    if len(text) > limit:
        raise Invalid(f"Enter at most {limit} characters (you entered {len(text)}).")
    return text


def _has_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _clean_email(question: QuestionDef, value: Any) -> str:
    text = _clean_text(question, value)
    try:
        validate_email(text)
    except ValidationError:
        raise Invalid("Enter a valid e-mail address.") from None
    return text


_CLEANERS = {
    "single": _clean_choice,
    "dropdown": _clean_choice,
    "multiple": _clean_multiple,
    "integer": _clean_integer,
    "decimal": _clean_decimal,
    "rating": _clean_rating,
    "date": _clean_date,
    "short_text": _clean_text,
    "long_text": _clean_text,
    "email": _clean_email,
}
