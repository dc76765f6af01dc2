"""Questions answered with a date."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms

from surveys.types.base import ORDERED, Invalid, QuestionType, Stored

if TYPE_CHECKING:
    from surveys.definition import QuestionDef

_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class DateType(QuestionType):
    """A calendar date, YYYY-MM-DD in answers and conditions (`born < '2000-01-01'`)."""

    name = "date"
    label = "Date"
    column = "date"
    operators = ORDERED
    result_kind = "date"
    answer_prompt = "Enter a date."

    def clean(self, question: QuestionDef, value: Any) -> date:
        # date.fromisoformat() also reads "20100101" and "2010-W01-1": only YYYY-MM-DD here.
        if not isinstance(value, str) or not _DATE_TEXT.fullmatch(value.strip()):
            raise Invalid("Enter a date as YYYY-MM-DD.")
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise Invalid("Enter a date as YYYY-MM-DD.") from None

    def to_stored(self, value: date) -> tuple[Stored, ...]:
        return (Stored(date=value),)

    def from_stored(self, current: Any, stored: Stored) -> date | None:
        return stored.date

    def condition_value(self, value: str | Decimal) -> date:
        return date.fromisoformat(str(value))

    def form_field(self, question: QuestionDef, **options: Any) -> forms.Field:
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **options)
