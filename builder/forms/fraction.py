"""A fraction typed as people write one: "1/3", "0.33" or "33%" (the speeder fraction).

A value stored from "1/3" is the float nearest to a third, which Django's FloatField shows
as 0.3333333333333333: `fraction_text` gives "1/3" back (a fraction with a small
denominator, when the value is one to the float's precision), else the decimal it is."""

from __future__ import annotations

import re
from fractions import Fraction

from django import forms

_FRACTION_RE = re.compile(r"\s*(\d{1,6})\s*/\s*(\d{1,6})\s*")
_PERCENT_RE = re.compile(r"\s*(\d{1,3}(?:[.,]\d{1,6})?)\s*%\s*")
_DECIMAL_RE = re.compile(r"\s*(\d{0,6}(?:[.,]\d{1,12})?)\s*")
_MAX_DENOMINATOR = 20


def fraction_text(value: float | None) -> str:
    if value is None:
        return ""
    decimal = f"{value:.4f}".rstrip("0").rstrip(".")
    if abs(float(decimal) - value) < 1e-12:
        return decimal  # 0.4, 0.25: as exact as a decimal says it
    nearest = Fraction(value).limit_denominator(_MAX_DENOMINATOR)
    if abs(float(nearest) - value) < 1e-12:
        return f"{nearest.numerator}/{nearest.denominator}"
    return f"{value:.6f}".rstrip("0").rstrip(".")


class FractionField(forms.FloatField):
    """A FloatField that also reads "1/3" and "33%", and shows a stored third as "1/3"."""

    # Not a number input: a browser would refuse "1/3" before it is posted.
    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {"invalid": "Enter a fraction between 0 and 1, such as 1/3, 0.33 or 33%."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value)
        if match := _FRACTION_RE.fullmatch(text):
            numerator, denominator = int(match[1]), int(match[2])
            if denominator == 0:
                raise forms.ValidationError("A fraction cannot divide by 0.", code="invalid")
            return numerator / denominator
        if match := _PERCENT_RE.fullmatch(text):
            return float(match[1].replace(",", ".")) / 100
        if (match := _DECIMAL_RE.fullmatch(text)) and match[1] not in ("", "."):
            return float(match[1].replace(",", "."))
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")

    def prepare_value(self, value):
        return fraction_text(value) if isinstance(value, float) else value
