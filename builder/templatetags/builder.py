"""Template filters of the builder's pages."""

from __future__ import annotations

from django import template

from builder.forms.fraction import fraction_text

register = template.Library()


@register.filter
def fraction(value: float | None) -> str:
    """A stored fraction as its form shows it: "1/3", not 0.33 (`fraction_text`)."""
    return fraction_text(value)
