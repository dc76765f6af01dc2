"""Questions answered with choices: single, dropdown, multiple choice and matrix."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
    WithExtras,
    is_empty,
    one_or_many,
)
from surveys.types.text import clean_text
from surveys.types.widgets import CheckboxGroup, RadioGroup, SpecifyBox, SpecifyGroup

if TYPE_CHECKING:
    from surveys.definition import QuestionDef


ONLY_ONE = Message("Choose only one answer.", "only_one")
INVALID_CHOICES = Message("Select valid choices.", "invalid_choice")
ONE_PER_ROW = Message("Choose only one answer in this row.", "only_one")


def _options(question: QuestionDef) -> list[tuple[str, str]]:
    return [(c.code, c.label) for c in question.choices]


# --- "Other, please specify": a text box beside a choice ----------------------------------
#
# The box's text travels beside the unchanged answer, under its own JSON key
# `<question>.<choice>.text` (a form field of that name too), so a payload without it
# means what it always did. Cleaned, the answer carries the texts of its picked choices
# (`Specified`, `SpecifiedSet`) while comparing, hashing and counting as the plain answer:
# conditions and counts see only the choice. Stored, the text sits in the choice's own
# Answer row, so the answer keeps its rows.

SPECIFY_MAX_LENGTH = 500


def specify_key(code: str, choice: str) -> str:
    """The JSON key (and form field) of a choice's text box."""
    return f"{code}.{choice}.text"


class _Texts(WithExtras):
    texts: dict[str, str]  # choice code -> its text, for the picked choices that have one

    def extra_answers(self, code: str) -> dict[str, str]:
        return {specify_key(code, choice): text for choice, text in sorted(self.texts.items())}


class Specified(_Texts, str):
    """One choice code with the text typed in its box."""

    def __new__(cls, code: str, texts: Mapping[str, str] | None = None) -> Specified:
        value = super().__new__(cls, code)
        value.texts = dict(texts or {})
        return value

    def __getnewargs__(self) -> tuple[str, dict[str, str]]:
        return str(self), self.texts


class SpecifiedSet(_Texts, frozenset):
    """Choice codes with the texts typed in the boxes of those that have one."""

    def __new__(cls, codes: Iterable[str] = (), texts: Mapping[str, str] | None = None) -> SpecifiedSet:
        value = super().__new__(cls, codes)
        value.texts = dict(texts or {})
        return value

    def __reduce__(self):
        return type(self), (frozenset(self), self.texts)


SPECIFY_REQUIRED = "Enter the text of “{label}”: that choice needs it."
SPECIFY_WITHOUT_CHOICE = "There is text for “{label}”, but “{label}” is not chosen."


def _clean_texts(question: QuestionDef, picked: frozenset[str], extras: Mapping[str, Any],
                 errors: dict[str, list[str]], enforce_required: bool) -> dict[str, str]:
    """The texts of the picked choices' boxes; errors for a required box left empty, text
    for a choice not picked (never silently dropped), and text that is not fit to keep."""
    texts: dict[str, str] = {}
    for choice in question.specified_choices:
        key = specify_key(question.code, choice.code)
        raw = extras.get(key)
        text = ""
        if raw is not None:
            try:
                text = clean_text(raw, SPECIFY_MAX_LENGTH)
            except Invalid as exc:
                errors.setdefault(key, []).append(exc.message)
                continue
        if choice.code not in picked:
            if text:
                errors.setdefault(key, []).append(
                    Message(SPECIFY_WITHOUT_CHOICE.format(label=choice.label), "specify_without_choice",
                            label=choice.label)
                )
        elif text:
            texts[choice.code] = text
        elif choice.specify == "required" and enforce_required:
            errors.setdefault(key, []).append(
                Message(SPECIFY_REQUIRED.format(label=choice.label), "specify_required", label=choice.label)
            )
    return texts


def _specify_message(question: QuestionDef, message: str) -> str | None:
    """A text box's error as the form words it, or None when it is not one."""
    match getattr(message, "code", None):
        case "specify_required":
            return f"Type what “{message.params['label']}” is in its box, or choose another answer."
        case "specify_without_choice":
            return f"Choose “{message.params['label']}” to specify it, or clear its box."
    return None


class _SpecifyChoices(QuestionType):
    """What single, dropdown and multiple choice share: choices that may carry a text box."""

    specify_choices = True

    def extra_keys(self, question: QuestionDef) -> tuple[str, ...]:
        return tuple(specify_key(question.code, c.code) for c in question.specified_choices)

    def form_fields(self, question: QuestionDef) -> dict[str, forms.Field]:
        # Each box is a field of its own, so that its errors land on it.
        boxes = {
            specify_key(question.code, c.code): forms.CharField(
                label=f"Please specify: {c.label}", required=False,
                widget=SpecifyBox(question.code, c.code, SPECIFY_MAX_LENGTH),
            )
            for c in question.specified_choices
        }
        return {**super().form_fields(question), **boxes}

    def layout(self, question: QuestionDef) -> list[LayoutObject | str]:
        # The boxes are drawn inside the group, each under its choice.
        if not question.specified_choices:
            return super().layout(question)
        return [SpecifyGroup(question.code, boxes=self.extra_keys(question))]

    def specify_export_columns(self, question: QuestionDef) -> list[tuple[str, str]]:
        return [(c.code, specify_key(question.code, c.code)) for c in question.specified_choices]

    def form_message(self, question: QuestionDef, message: str, row_label: str | None = None) -> str:
        return _specify_message(question, message) or super().form_message(question, message, row_label)


class SingleType(_SpecifyChoices):
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

    def clean_extras(self, question: QuestionDef, answer: str | None, extras: dict[str, Any],
                     errors: dict[str, list[str]], *, enforce_required: bool = True) -> str | None:
        picked = frozenset() if answer is None else frozenset({answer})
        texts = _clean_texts(question, picked, extras, errors, enforce_required)
        return Specified(answer, texts) if texts else answer

    def form_message(self, question: QuestionDef, message: str, row_label: str | None = None) -> str:
        if getattr(message, "code", None) == "invalid_choice":  # only a forged or stale post
            return "Choose one of the answers shown."
        return super().form_message(question, message, row_label)

    def to_stored(self, value: str) -> tuple[Stored, ...]:
        return (Stored(choice=str(value), text=getattr(value, "texts", {}).get(value)),)

    def from_stored(self, current: Any, stored: Stored) -> str | None:
        if stored.text:
            return Specified(stored.choice, {stored.choice: stored.text})
        return stored.choice

    def count_keys(self, value: str) -> CountKeys:
        return CountKeys(cells=((None, str(value)),))

    def export_columns(self, question: QuestionDef) -> list[str]:
        return [question.code, *(name for _, name in self.specify_export_columns(question))]

    def form_field(self, question: QuestionDef, **options: Any) -> forms.Field:
        return forms.ChoiceField(choices=_options(question), widget=RadioGroup, **options)


class DropdownType(SingleType):
    """One choice, from a select."""

    name = "dropdown"
    label = "Dropdown"

    def form_field(self, question: QuestionDef, **options: Any) -> forms.Field:
        return forms.ChoiceField(choices=[("", "Choose an answer")] + _options(question), **options)

    def layout(self, question: QuestionDef) -> list[LayoutObject | str]:
        # A select has no room beside its options: the boxes follow it.
        return [Field(question.code), *(Field(key, wrapper_class="specify") for key in self.extra_keys(question))]


class MultipleType(_SpecifyChoices):
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

    def clean_extras(self, question: QuestionDef, answer: frozenset[str] | None, extras: dict[str, Any],
                     errors: dict[str, list[str]], *, enforce_required: bool = True) -> frozenset[str] | None:
        texts = _clean_texts(question, answer or frozenset(), extras, errors, enforce_required)
        return SpecifiedSet(answer, texts) if texts else answer

    def form_message(self, question: QuestionDef, message: str, row_label: str | None = None) -> str:
        match getattr(message, "code", None):
            case "exclusive":
                return f"Choose either “{message.params['label']}” or other answers, not both."
            case "invalid_choice":
                return "Choose among the answers shown."
        return super().form_message(question, message, row_label)

    def to_stored(self, value: frozenset[str]) -> tuple[Stored, ...]:
        texts = getattr(value, "texts", {})
        return tuple(Stored(choice=choice, text=texts.get(choice)) for choice in sorted(value))

    def from_stored(self, current: frozenset[str] | None, stored: Stored) -> frozenset[str]:
        texts = {**getattr(current, "texts", {}), **({stored.choice: stored.text} if stored.text else {})}
        picked = (current or frozenset()) | {stored.choice}
        return SpecifiedSet(picked, texts) if texts else picked

    def count_keys(self, value: frozenset[str]) -> CountKeys:
        return CountKeys(cells=tuple((None, choice) for choice in value))

    def export_columns(self, question: QuestionDef) -> list[str]:
        return [*(f"{question.code}.{code}" for code in question.choice_codes),
                *(name for _, name in self.specify_export_columns(question))]

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
