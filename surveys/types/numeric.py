"""Questions answered with a number: integer, decimal, the rating scale and the slider."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from crispy_forms.layout import Field, LayoutObject
from django import forms
from django.template.loader import render_to_string

from surveys.types.base import ORDERED, CountKeys, Invalid, Message, QuestionType, Stored
from surveys.types.widgets import RadioGroup

if TYPE_CHECKING:
    from surveys.definition import QuestionDef

MAX_DECIMAL = Decimal("1e14")  # what a DecimalField(max_digits=20, decimal_places=6) holds
_NUMBER_TEXT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def number(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise Invalid("Enter a number.")
    # Decimal() also reads "1_000", "١٢" (Arabic-Indic digits) and " NaN ": text must be
    # plain ASCII digits, an optional sign, point and exponent, as a JSON number would be.
    if isinstance(value, str) and not _NUMBER_TEXT.fullmatch(value.strip()):
        raise Invalid("Enter a number.")
    try:
        parsed = Decimal(str(value).strip())
    except InvalidOperation:
        raise Invalid("Enter a number.") from None
    if not parsed.is_finite() or abs(parsed) >= MAX_DECIMAL:
        raise Invalid("Enter a number.")
    return parsed


def check_range(question: QuestionDef, value: Decimal) -> None:
    if question.min_value is not None and value < question.min_value:
        raise Invalid(f"Enter a number of at least {question.min_value:f}.")
    if question.max_value is not None and value > question.max_value:
        raise Invalid(f"Enter a number of at most {question.max_value:f}.")


class NumberType(QuestionType):
    """What every number question shares: stored in the number column, compared in order,
    counted by value, summarised as numbers in the results."""

    column = "number"
    operators = ORDERED
    result_kind = "numeric"
    answer_prompt = "Enter a number."

    def to_stored(self, value: int | Decimal) -> tuple[Stored, ...]:
        return (Stored(number=Decimal(value)),)

    def from_stored(self, current: Any, stored: Stored) -> int | Decimal:
        return int(stored.number) if self.whole_numbers else stored.number.normalize()

    def count_keys(self, value: int | Decimal) -> CountKeys:
        return CountKeys(number=Decimal(value))

    def condition_value(self, value: str | Decimal) -> Decimal:
        return value if isinstance(value, Decimal) else Decimal(value)

    def js_value(self, value: str | Decimal) -> str | float:
        return float(value) if isinstance(value, Decimal) else value

    def form_field(self, question: QuestionDef, **options: Any) -> forms.Field:
        whole = self.whole_numbers
        attrs = {"step": "1" if whole else "any", "inputmode": "numeric" if whole else "decimal"}
        if question.min_value is not None:
            attrs["min"] = format(question.min_value, "f")
        if question.max_value is not None:
            attrs["max"] = format(question.max_value, "f")
        return forms.CharField(widget=forms.NumberInput(attrs=attrs), **options)


class IntegerType(NumberType):
    name = "integer"
    label = "Integer"
    bounds = True
    whole_numbers = True

    def clean(self, question: QuestionDef, value: Any) -> int:
        parsed = number(value)
        if parsed != parsed.to_integral_value():
            raise Invalid("Enter a whole number.")
        check_range(question, parsed)
        return int(parsed)


class DecimalType(NumberType):
    name = "decimal"
    label = "Decimal"
    bounds = True

    def clean(self, question: QuestionDef, value: Any) -> Decimal:
        parsed = number(value)
        if parsed.as_tuple().exponent < -6:  # type: ignore[operator]
            raise Invalid("Enter a number with at most 6 decimal places.")
        check_range(question, parsed)
        return parsed


class RatingType(NumberType):
    """A scale of whole numbers: 0–10 (the default, with a Net Promoter Score in the
    results), 1–5 or 1–7, shown as numbers or as stars, with optional labels under its
    ends ("Not at all likely" … "Extremely likely")."""

    name = "rating"
    label = "Rating scale"
    whole_numbers = True
    scales = ((0, 10), (1, 5), (1, 7))  # the first is the default (see QuestionType.scales)
    displays = ("numbers", "stars")
    nps = True
    answer_prompt = "Choose a rating."
    template = "responses/layout/rating.html"

    def clean(self, question: QuestionDef, value: Any) -> int:
        parsed = number(value)
        low, high = self.scale(question)
        if parsed != parsed.to_integral_value() or not low <= parsed <= high:
            raise Invalid(Message(f"Choose a rating from {low} to {high}.", "out_of_range", low=low, high=high))
        return int(parsed)

    def scale_problems(self, question: QuestionDef) -> list[tuple[str, Message]]:
        problems = super().scale_problems(question)
        low, high = self.scale(question)
        if self.display(question) == "stars" and low < 1 and not any(key == "display" for key, _ in problems):
            problems.append(("display", Message(
                f"stars need a scale that starts at 1 (one star per point), not {low}–{high}", "stars_from_one")))
        return problems

    def form_field(self, question: QuestionDef, **options: Any) -> forms.Field:
        low, high = self.scale(question)
        scale = [(str(n), str(n)) for n in range(low, high + 1)]
        return forms.ChoiceField(choices=scale, widget=RadioGroup, **options)

    def layout(self, question: QuestionDef) -> list[LayoutObject | str]:
        return [RatingScale(question)]


class RatingScale(LayoutObject):
    """A rating's radios as one fieldset: the legend, a radio per point (a number, or a
    star whose accessible name is "3 of 5 stars"), the end labels under the scale's ends,
    its errors and help text. Rendered by its own template rather than crispy's radio
    templates, which have no place for end labels or stars (static/css/rating.css)."""

    template = "responses/layout/rating_scale.html"

    def __init__(self, question: QuestionDef):
        self.question = question
        self.fields = [question.code]

    def render(self, form, context, template_pack=None, **kwargs) -> str:
        question = self.question
        kind = question.question_type
        field = form[question.code]
        if hasattr(form, "rendered_fields"):
            form.rendered_fields.add(question.code)  # as crispy's own field rendering records it
        low, high = kind.scale(question)
        display = kind.display(question)
        value = field.value()
        chosen = "" if value is None else str(value)
        points = []
        for index, n in enumerate(range(low, high + 1)):
            points.append({
                "value": str(n),
                # The first point keeps the field's own id (the error summary links to it).
                "id": field.auto_id if index == 0 else f"{field.auto_id}_{index}",
                "checked": str(n) == chosen,
                "name": f"{n} of {high} stars" if display == "stars" else str(n),
            })
        return render_to_string(self.template, {
            "question": question, "field": field, "points": points, "display": display,
            "count": high - low + 1, "low": low, "high": high,
        })


class SliderType(NumberType):
    """A number picked on a scale from `min` to `max` in steps of `step` (1 by default),
    shown as a range input that is not an answer until it is moved: a range input always
    holds a value, so the answer is a separate number input that static/js/slider.js hides
    and fills only when the respondent moves the slider (without script it stays a plain
    number input)."""

    name = "slider"
    label = "Slider"
    bounds = True
    stepped = True
    field_template = "responses/layout/slider.html"
    answer_prompt = "Move the slider to your answer."

    @staticmethod
    def step(question: QuestionDef) -> Decimal:
        return question.step or Decimal(1)

    def clean(self, question: QuestionDef, value: Any) -> Decimal:
        parsed = number(value)
        check_range(question, parsed)
        low = question.min_value or Decimal(0)
        if (parsed - low) % self.step(question):
            raise Invalid(Message(
                f"Choose a value in steps of {self.step(question):f} from {low:f}.", "step",
                step=self.step(question), low=low,
            ))
        return parsed.normalize() + 0  # +0: -0 reads as 0

    def from_stored(self, current: Any, stored: Stored) -> Decimal:
        return stored.number.normalize() + 0

    def form_field(self, question: QuestionDef, **options: Any) -> forms.Field:
        attrs = {"min": format(question.min_value, "f"), "max": format(question.max_value, "f"),
                 "step": format(self.step(question), "f"), "inputmode": "decimal"}
        return forms.CharField(widget=forms.NumberInput(attrs=attrs), **options)

    def layout(self, question: QuestionDef) -> list[LayoutObject | str]:
        return [Field(question.code, template=self.field_template)]

    def form_message(self, question: QuestionDef, message: str, row_label: str | None = None) -> str:
        if getattr(message, "code", None) == "step":
            return f"Move the slider to one of its marks (steps of {message.params['step']:f})."
        return super().form_message(question, message, row_label)

