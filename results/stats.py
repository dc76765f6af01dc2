"""Statistics used on results pages and in the findings API (see the methods page)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

Z_95 = 1.959963984540054


def wilson_interval(count: int, base: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval for count/base as fractions; None for a base of 0.

    Unlike the Wald interval it keeps good coverage at small bases and near 0% or 100%,
    and stays inside [0, 1] at count = 0 and count = base.
    """
    if base <= 0:
        return None
    p = count / base
    z2 = z * z
    denominator = 1 + z2 / base
    centre = (p + z2 / (2 * base)) / denominator
    half = z * math.sqrt(p * (1 - p) / base + z2 / (4 * base * base)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def percent(count: int, base: int) -> float | None:
    return None if base <= 0 else 100.0 * count / base


def percent_display(count: int, base: int, places: int = 0) -> str:
    """Rounded half up for display only ("63%"); "—" for a base of 0.

    Python's round() rounds halves to even (round(62.5) == 62), so the rounding is done
    in exact decimal arithmetic.
    """
    if base <= 0:
        return "—"
    exact = Decimal(count * 100) / Decimal(base)
    quantum = Decimal(1).scaleb(-places)
    return f"{exact.quantize(quantum, rounding=ROUND_HALF_UP)}%"
