"""Questions answered with choices: single, dropdown, multiple choice and matrix."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from crispy_forms.layout import Field, LayoutObject
from django import forms

from surveys.types.base import (
    INVALID_CHOICE,
    MEMBERSHIP,
    REQUIRED,
    CountKeys,
    Invalid,
    Message,
    QuestionType,
    Stored,
    is_empty,
    one_or_many,
)
from surveys.types.widgets import CheckboxGroup, RadioGroup

if TYPE_CHECKING:
    from surveys.definition import QuestionDef


ONLY_ONE = Message("Choose only one answer.", "only_one")
INVALID_CHOICES = Message("Select valid choices.", "invalid_choice")
ONE_PER_ROW = Message("Choose only one answer in this row.", "only_one")


def _options(question: QuestionDef) -> list[tuple[str, str]]:
    return [(c.code, c.label) for c in question.choices]


class SingleType(QuestionType):
    """One choice, shown as radio buttons."""

    name = "single"
    label = "Single choice (radio)"
    column = "choice"
    has_choices = True
    can_be_segment = True
    supports_nets = True
    result_kind = "choice"
    export_shape = "choice"
    answer_prompt = "Choose an answer."

    def clean(self, question: QuestionDef, value: Any) -> str:
        if isinstance(value, list):
            raise Invalid(ONLY_ONE)
        if not isinstance(value, str) or value not in question.choice_codes:
            raise Invalid(INVALID_CHOICE)
        return value

    def form_message(self, question: QuestionDef, message: str, row_label: str | None = None) -> str:
        if getattr(message, "code", None) == "invalid_choice":  # only a forged or stale post
            return "Choose one of the answers shown."
        return super().form_message(question, message, row_label)

    def to_stored(self, value: str) -> tuple[Stored, ...]:
        return (Stored(choice=value),)

    def from_stored(self, current: Any, stored: Stored) -> str | None:
        return stored.choice

    def count_keys(self, value: str) -> CountKeys:
        return CountKeys(cells=((None, value),))

    def form_field(self, question: QuestionDef, **options: Any) -> forms.Field:
        return forms.ChoiceField(choices=_options(question), widget=RadioGroup, **options)


class DropdownType(SingleType):
    """One choice, from a select."""

    name = "dropdown"
    label = "Dropdown"

    def form_field(self, question: QuestionDef, **options: Any) -> forms.Field:
        return forms.ChoiceField(choices=[("", "Choose an answer")] + _options(question), **options)


class MultipleType(QuestionType):
    """Any number of choices (checkboxes); a choice marked exclusive ("None of these")
    stands alone."""

    name = "multiple"
    label = "Multiple choice"
    column = "choice"
    has_choices = True
    picks_many = True
    exclusive_choices = True
    many_rows = True
    operators = MEMBERSHIP
    result_kind = "choice"
    export_shape = "flags"
    answer_prompt = "Choose at least one answer."

    def clean(self, question: QuestionDef, value: Any) -> frozenset[str]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise Invalid("Expected a list of choices.")
        picked = frozenset(value)
        unknown = sorted(picked - set(question.choice_codes))
        if unknown:
            raise Invalid(INVALID_CHOICES)
        exclusive = [c.code for c in question.choices if c.exclusive and c.code in picked]
        if exclusive and len(picked) > 1:
            label = next(c.label for c in question.choices if c.code == exclusive[0])
            raise Invalid(Message(f"“{label}” cannot be combined with other answers.", "exclusive", label=label))
        return picked

    def form_message(self, question: QuestionDef, message: str, row_label: str | None = None) -> str:
        match getattr(message, "code", None):
            case "exclusive":
                return f"Choose either “{message.params['label']}” or other answers, not both."
            case "invalid_choice":
                return "Choose among the answers shown."
        return super().form_message(question, message, row_label)

    def to_stored(self, value: frozenset[str]) -> tuple[Stored, ...]:
        return tuple(Stored(choice=choice) for choice in sorted(value))

    def from_stored(self, current: frozenset[str] | None, stored: Stored) -> frozenset[str]:
        return (current or frozenset()) | {stored.choice}

    def count_keys(self, value: frozenset[str]) -> CountKeys:
        return CountKeys(cells=tuple((None, choice) for choice in value))

    def export_columns(self, question: QuestionDef) -> list[str]:
        return [f"{question.code}.{code}" for code in question.choice_codes]

    def form_field(self, question: QuestionDef, **options: Any) -> forms.Field:
        exclusive = frozenset(c.code for c in question.choices if c.exclusive)
        return forms.MultipleChoiceField(choices=_options(question), widget=CheckboxGroup(exclusive=exclusive),
                                         **options)

    def from_post(self, question: QuestionDef, data) -> list[str] | None:
        # Always a list, even of one.
        return data.getlist(question.code) or None


class MatrixType(QuestionType):
    """Rows, each answered with one choice of the same scale. Conditions name a row
    (`usage.twitter`); errors are keyed `code.row`; the form has a field per row."""

    name = "matrix"
    label = "Matrix (rows × one scale)"
    column = "choice"
    has_choices = True
    has_rows = True
    supports_nets = True
    many_rows = True
    result_kind = "rows"
    export_shape = "rows"
    template = "responses/layout/matrix.html"
    row_template = "responses/layout/matrix_row.html"

    def clean_answer(self, question: QuestionDef, value: Any, errors: dict[str, list[str]], *,
                     enforce_required: bool = True) -> dict[str, str] | None:
        if is_empty(value):
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
            if is_empty(answer):
                if question.required and enforce_required:
                    errors.setdefault(key, []).append(REQUIRED)
                continue
            if isinstance(answer, list):
                errors.setdefault(key, []).append(ONE_PER_ROW)
            elif not isinstance(answer, str) or answer not in question.choice_codes:
                errors.setdefault(key, []).append(INVALID_CHOICE)
            else:
                cleaned[row.code] = answer
        return cleaned or None

    def to_stored(self, value: dict[str, str]) -> tuple[Stored, ...]:
        return tuple(Stored(row=row, choice=choice) for row, choice in value.items())

    def from_stored(self, current: dict[str, str] | None, stored: Stored) -> dict[str, str]:
        current = {} if current is None else current
        current[stored.row] = stored.choice
        return current

    def count_keys(self, value: dict[str, str]) -> CountKeys:
        return CountKeys(cells=tuple(value.items()))

    def export_columns(self, question: QuestionDef) -> list[str]:
        return [f"{question.code}.{code}" for code in question.row_codes]

    def form_fields(self, question: QuestionDef) -> dict[str, forms.Field]:
        # The block's legend carries the question label and its required mark.
        return {
            f"{question.code}.{row.code}": forms.ChoiceField(
                label=row.label, required=False, choices=_options(question), widget=RadioGroup
            )
            for row in question.rows
        }

    def layout(self, question: QuestionDef) -> list[LayoutObject | str]:
        return [Field(f"{question.code}.{row.code}", template=self.row_template) for row in question.rows]

    def from_post(self, question: QuestionDef, data) -> dict[str, Any] | None:
        rows = {row.code: one_or_many(data.getlist(f"{question.code}.{row.code}")) for row in question.rows}
        return {row: value for row, value in rows.items() if value is not None} or None

    def initial(self, question: QuestionDef, value: Any) -> dict[str, Any]:
        if isinstance(value, Mapping):
            return {f"{question.code}.{row}": choice for row, choice in value.items()}
        return super().initial(question, value)

    def form_message(self, question: QuestionDef, message: str, row_label: str | None = None) -> str:
        # Said beside the row and in the summary, the row is named in the message itself.
        if row_label is None:
            return super().form_message(question, message)
        match getattr(message, "code", None):
            case "required":
                return f"Choose an answer for {row_label}."
            case "only_one":
                return f"Choose only one answer for {row_label}."
            case "invalid_choice":
                return f"Choose one of the answers shown for {row_label}."
        return str(message)


class MatrixMultipleType(MatrixType):
    """Rows, each answered with any number of choices of the same set (checkboxes): a
    `multiple` question per row. Conditions ask `usage.twitter has daily`; each row is a
    base of its own, each choice a share of it; the export has a flag per row and choice."""

    name = "matrix_multiple"
    label = "Matrix (rows × several choices)"
    picks_many = True
    supports_nets = False  # a NET of several picks in one row would count that row twice
    operators = MEMBERSHIP
    export_shape = "row_flags"
    answer_prompt = "Choose at least one answer."

    def clean_answer(self, question: QuestionDef, value: Any, errors: dict[str, list[str]], *,
                     enforce_required: bool = True) -> dict[str, frozenset[str]] | None:
        if is_empty(value):
            value = {}
        if not isinstance(value, Mapping):
            raise Invalid("Expected a list of choices per row.")
        cleaned: dict[str, frozenset[str]] = {}
        for row in value:
            if row not in question.row_codes:
                errors.setdefault(f"{question.code}.{str(row)[:100]}", []).append("Unknown row.")
        for row in question.rows:
            key = f"{question.code}.{row.code}"
            answer = value.get(row.code)
            if isinstance(answer, str):
                answer = [answer]
            if is_empty(answer):
                if question.required and enforce_required:
                    errors.setdefault(key, []).append(REQUIRED)
                continue
            if not isinstance(answer, list) or not all(isinstance(v, str) for v in answer):
                errors.setdefault(key, []).append(Message("Expected a list of choices.", "invalid"))
            elif not set(answer) <= set(question.choice_codes):
                errors.setdefault(key, []).append(INVALID_CHOICES)
            else:
                cleaned[row.code] = frozenset(answer)
        return cleaned or None

    def to_stored(self, value: dict[str, frozenset[str]]) -> tuple[Stored, ...]:
        return tuple(Stored(row=row, choice=choice) for row, picked in value.items() for choice in sorted(picked))

    def from_stored(self, current: dict[str, frozenset[str]] | None, stored: Stored) -> dict[str, frozenset[str]]:
        current = {} if current is None else current
        current[stored.row] = current.get(stored.row, frozenset()) | {stored.choice}
        return current

    def count_keys(self, value: dict[str, frozenset[str]]) -> CountKeys:
        return CountKeys(cells=tuple((row, choice) for row, picked in value.items() for choice in sorted(picked)))

    def export_columns(self, question: QuestionDef) -> list[str]:
        return [f"{question.code}.{row}.{choice}" for row in question.row_codes for choice in question.choice_codes]

    def form_fields(self, question: QuestionDef) -> dict[str, forms.Field]:
        return {
            f"{question.code}.{row.code}": forms.MultipleChoiceField(
                label=row.label, required=False, choices=_options(question), widget=CheckboxGroup
            )
            for row in question.rows
        }

    def from_post(self, question: QuestionDef, data) -> dict[str, list[str]] | None:
        # Always lists, even of one.
        rows = {row.code: data.getlist(f"{question.code}.{row.code}") for row in question.rows}
        return {row: value for row, value in rows.items() if value} or None

    def initial(self, question: QuestionDef, value: Any) -> dict[str, Any]:
        if isinstance(value, Mapping):
            return {f"{question.code}.{row}": list(picked) for row, picked in value.items()}
        return super().initial(question, value)

    def form_message(self, question: QuestionDef, message: str, row_label: str | None = None) -> str:
        if row_label is None:
            return super().form_message(question, message)
        match getattr(message, "code", None):
            case "required":
                return f"Choose at least one answer for {row_label}."
            case "invalid_choice" | "invalid":
                return f"Choose among the answers shown for {row_label}."
        return str(message)
