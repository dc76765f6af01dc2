"""Statistics used on results pages and in the findings API (see the methods page)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

Z_95 = 1.959963984540054
# Student's t 97.5% quantiles for df = 1..30 (scipy's, to 15 digits); beyond, an expansion.
_T_975 = (
    12.706204736174698, 4.302652729749464, 3.182446305284263, 2.7764451051977934, 2.570581835636314,
    2.446911848791681, 2.3646242515927844, 2.306004135204166, 2.2621571628540993, 2.2281388519649385,
    2.200985160082949, 2.1788128296634177, 2.1603686564610127, 2.1447866879169273, 2.131449545559323,
    2.1199052992210112, 2.1098155778331806, 2.100922040241036, 2.093024054408263, 2.0859634472658364,
    2.079613844727662, 2.0738730679040147, 2.0686576104190406, 2.0638985616280205, 2.0595385527532946,
    2.055529438642871, 2.0518305164802833, 2.048407141795244, 2.0452296421327034, 2.0422724563012373,
)


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
    """Student's t 97.5% quantile for `df` degrees of freedom (df >= 1): from the table up to
    df = 30, then by the Cornish–Fisher expansion of the normal quantile (Abramowitz and
    Stegun 26.7.5), within 1e-5 of the exact value from there on. scipy, which would give it
    exactly, is a test-only dependency (the tests check this against it)."""
    if df <= len(_T_975):
        return _T_975[df - 1]
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
