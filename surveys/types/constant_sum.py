"""The constant sum: a whole number per row (the question's rows) that must add up to a
total, e.g. "share 100 points among these channels".

The total is kept in the question's `max_value` (no row can exceed it; the definition
file and the builder call it `total`, 100 when not given). A row left blank in an answer
that fills others is a 0 (what a respondent who gives a row nothing means), so an
answered question has a number in every row and each row's mean is over the same base.
Answers are stored as one Answer row per matrix row with its number, counted into the
number table per row, and compared in conditions per row (`budget.email > 50`).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from crispy_forms.layout import Field, LayoutObject
from django import forms

from surveys.types.base import (
    ORDERED,
    REQUIRED,
    CountKeys,
    Invalid,
    Message,
    QuestionType,
    Stored,
    is_empty,
    one_or_many,
)
from surveys.types.numeric import number

if TYPE_CHECKING:
    from surveys.definition import QuestionDef


def _blank(value: Any) -> bool:
    return is_empty(value) or (isinstance(value, str) and not value.strip())


class ConstantSumType(QuestionType):
    name = "constant_sum"
    label = "Constant sum (numbers per row adding up to a total)"
    column = "number"
    has_rows = True
    many_rows = True
    whole_numbers = True
    sums_to_total = True
    operators = ORDERED
    result_kind = "row_numbers"
    export_shape = "row_values"
    template = "responses/layout/constant_sum.html"
    row_template = "responses/layout/constant_sum_row.html"
    total_template = "responses/layout/constant_sum_total.html"
    answer_prompt = "Enter a number in at least one row."
    default_total = Decimal(100)

    def total(self, question: QuestionDef) -> Decimal:
        """The total the rows must add up to."""
        return self.default_total if question.max_value is None else question.max_value

    def clean_answer(self, question: QuestionDef, value: Any, errors: dict[str, list[str]], *,
                     enforce_required: bool = True) -> dict[str, int] | None:
        if is_empty(value):
            value = {}
        if not isinstance(value, Mapping):
            raise Invalid("Expected a number per row.")
        for row in value:
            if row not in question.row_codes:
                errors.setdefault(f"{question.code}.{str(row)[:100]}", []).append("Unknown row.")
        cleaned: dict[str, int] = {}
        wrong = False
        for row in question.rows:
            answer = value.get(row.code)
            if _blank(answer):
                continue
            try:
                cleaned[row.code] = self.clean_row(answer)
            except Invalid as exc:
                errors.setdefault(f"{question.code}.{row.code}", []).append(exc.message)
                wrong = True
        if wrong:
            return None
        if not cleaned:
            if question.required and enforce_required:
                raise Invalid(REQUIRED)
            return None
        total = self.total(question)
        given = sum(cleaned.values())
        if given != total:
            raise Invalid(Message(
                f"The numbers add up to {given}; they must add up to {total:f}.", "sum", sum=given, total=total,
            ))
        # A blank row among filled ones gave that row nothing.
        return {row: cleaned.get(row, 0) for row in question.row_codes}

    @staticmethod
    def clean_row(value: Any) -> int:
        parsed = number(value)
        if parsed != parsed.to_integral_value():
            raise Invalid(Message("Enter a whole number.", "whole"))
        if parsed < 0:
            raise Invalid(Message("Enter a number of at least 0.", "negative"))
        return int(parsed)

    def to_stored(self, value: dict[str, int]) -> tuple[Stored, ...]:
        return tuple(Stored(row=row, number=Decimal(n)) for row, n in value.items())

    def from_stored(self, current: dict[str, int] | None, stored: Stored) -> dict[str, int]:
        current = {} if current is None else current
        current[stored.row] = int(stored.number)
        return current

    def count_keys(self, value: dict[str, int]) -> CountKeys:
        return CountKeys(row_numbers=tuple((row, Decimal(n)) for row, n in value.items()))

    def condition_value(self, value: str | Decimal) -> Decimal:
        return value if isinstance(value, Decimal) else Decimal(value)

    def js_value(self, value: str | Decimal) -> str | float:
        return float(value) if isinstance(value, Decimal) else value

    def export_columns(self, question: QuestionDef) -> list[str]:
        return [f"{question.code}.{code}" for code in question.row_codes]

    # --- The respondent's form --------------------------------------------------------

    def form_fields(self, question: QuestionDef) -> dict[str, forms.Field]:
        attrs = {"min": "0", "max": format(self.total(question), "f"), "step": "1", "inputmode": "numeric",
                 "data-sum-part": question.code}
        fields: dict[str, forms.Field] = {
            f"{question.code}.{row.code}": forms.CharField(
                label=row.label, required=False, widget=forms.NumberInput(attrs=attrs),
            )
            for row in question.rows
        }
        # The question's own field posts nothing: it shows the running sum, and the errors
        # of the whole answer (the sum, "required") land on it, where the sum is.
        total = {"data_sum_of": question.code, "data_total": format(self.total(question), "f")}
        fields[question.code] = forms.CharField(label=question.label, required=False,
                                                widget=forms.HiddenInput(attrs=total))
        return fields

    def layout(self, question: QuestionDef) -> list[LayoutObject | str]:
        return [*(Field(f"{question.code}.{row.code}", template=self.row_template) for row in question.rows),
                Field(question.code, template=self.total_template)]

    def from_post(self, question: QuestionDef, data) -> dict[str, Any] | None:
        # Two values posted for a row stay a list, which cleaning refuses.
        rows = {row.code: one_or_many(data.getlist(f"{question.code}.{row.code}")) for row in question.rows}
        return {row: value for row, value in rows.items() if not _blank(value)} or None

    def initial(self, question: QuestionDef, value: Any) -> dict[str, Any]:
        if isinstance(value, Mapping):
            return {f"{question.code}.{row}": str(n) for row, n in value.items()}
        return super().initial(question, value)

    def form_message(self, question: QuestionDef, message: str, row_label: str | None = None) -> str:
        code = getattr(message, "code", None)
        if row_label is not None:
            match code:
                case "negative":
                    return f"Enter 0 or more for {row_label}."
            return f"Enter a whole number for {row_label}."
        if code == "sum":
            params = message.params
            return f"Make the numbers add up to {params['total']:f}: they add up to {params['sum']} now."
        if code == "required":
            return f"Share {self.total(question):f} among the rows: enter a number in at least one of them."
        return super().form_message(question, message, row_label)
