"""Statistics used on results pages and in the findings API (see the methods page)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

Z_95 = 1.959963984540054
_T_975_SMALL_DF = {1: 12.706204736174694, 2: 4.302652729749462, 3: 3.1824463052837078}


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


def t_quantile_975(df: int) -> float:
    """Student's t 97.5% quantile for `df` degrees of freedom (df >= 1): exact for df 1–3, then
    by the Cornish–Fisher expansion of the normal quantile (Abramowitz and Stegun 26.7.5),
    within 0.001 of the exact value from df = 4 on. scipy, which would give it exactly, is a
    test-only dependency (the tests check this against it)."""
    if df <= 3:
        return _T_975_SMALL_DF[df]
    z = Z_95
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def mean_interval(n: int, total: float, total_squares: float) -> tuple[float, float] | None:
    """The 95% t interval of a mean, mean ± t(n−1) · s / √n, from the number of values,
    their sum and the sum of their squares; None under two values (no spread to measure)."""
    if n < 2:
        return None
    mean = total / n
    variance = max(0.0, (total_squares - n * mean * mean) / (n - 1))
    half = t_quantile_975(n - 1) * math.sqrt(variance / n)
    return mean - half, mean + half
