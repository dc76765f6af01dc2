"""Display helpers of the results pages: half-up rounding (never round()'s half-to-even)."""

from django import template

from results.report.cells import half_up, p_display

register = template.Library()


@register.filter
def decimals(value, places: int = 1) -> str:
    return "—" if value is None else half_up(float(value), int(places))


@register.filter
def p_value(value) -> str:
    return "—" if value is None else p_display(float(value))


@register.filter
def show(summary, name: str) -> str:
    """A numeric summary's statistic, rounded half up to one decimal, or n<5 / —."""
    return summary.show(getattr(summary, name))


@register.filter
def type_label(code: str) -> str:
    from surveys.types import TYPES

    return TYPES[code].label if code in TYPES else code
