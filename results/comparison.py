"""Significance tests for comparing segments and paired answers, in plain Python.

scipy and statsmodels are test-only dependencies (they are the oracles in
tests/results/test_comparison.py); the app computes the same numbers itself:

- the chi-square survival function through the regularized upper incomplete gamma
  function (a series below a + 1, Lentz's continued fraction above);
- Fisher's exact test and the exact McNemar test with exact integer arithmetic
  (binomial coefficients), so that ties between table probabilities are decided exactly;
- the normal distribution through `math.erfc`.

No continuity correction anywhere (see the methods page).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

ALPHA = 0.05
MIN_BASE_FOR_TEST = 30
LOW_BASE = 100
MCNEMAR_EXACT_BELOW = 25

_EPS = 1e-16
_MAX_ITER = 10_000


# --- distributions --------------------------------------------------------------------


def normal_sf(z: float) -> float:
    """P(Z > z) for a standard normal Z."""
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def _gamma_p_series(a: float, x: float) -> float:
    # P(a, x) = x^a e^-x / Gamma(a + 1) * sum_k x^k / ((a + 1) ... (a + k))
    term = total = 1.0 / a
    denominator = a
    for _ in range(_MAX_ITER):
        denominator += 1.0
        term *= x / denominator
        total += term
        if abs(term) < abs(total) * _EPS:
            break
    return total * math.exp(-x + a * math.log(x) - math.lgamma(a))


def _gamma_q_continued_fraction(a: float, x: float) -> float:
    # Q(a, x) by the modified Lentz method (Numerical Recipes, gcf).
    tiny = 1e-300
    b = x + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, _MAX_ITER):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        if abs(d) < tiny:
            d = tiny
        c = b + an / c
        if abs(c) < tiny:
            c = tiny
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return math.exp(-x + a * math.log(x) - math.lgamma(a)) * h


def gamma_q(a: float, x: float) -> float:
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x)."""
    if x <= 0:
        return 1.0
    if x < a + 1.0:
        return max(0.0, 1.0 - _gamma_p_series(a, x))
    return _gamma_q_continued_fraction(a, x)


def chi2_sf(statistic: float, df: int) -> float:
    """P(X > statistic) for X chi-square distributed with `df` degrees of freedom."""
    if df <= 0:
        return float("nan")
    return gamma_q(df / 2.0, statistic / 2.0)


# --- tests ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndependenceResult:
    """One test of independence between a segment and a question (or a choice)."""

    method: str  # "chi-square" or "fisher"
    statistic: float  # Pearson's chi-square, also for Fisher (it gives Cramér's V)
    df: int
    p_value: float
    cramers_v: float
    n: int
    min_expected: float

    @property
    def significant(self) -> bool:
        return self.p_value < ALPHA

    @property
    def label(self) -> str:
        return "Fisher's exact test" if self.method == "fisher" else "Pearson's chi-square test"


def _trimmed(table: list[list[int]]) -> list[list[int]]:
    """The table without rows and columns that are all zero: they carry no information and
    would make an expected count of 0."""
    rows = [list(r) for r in table if sum(r) > 0]
    if not rows:
        return []
    keep = [j for j in range(len(rows[0])) if sum(r[j] for r in rows) > 0]
    return [[r[j] for j in keep] for r in rows]


def chi_square(table: list[list[int]]) -> tuple[float, int, float, float] | None:
    """(statistic, df, p-value, smallest expected count) of Pearson's chi-square test of
    independence without continuity correction; None when the table, once all-zero rows
    and columns are dropped, is smaller than 2 x 2."""
    table = _trimmed(table)
    if len(table) < 2 or len(table[0]) < 2:
        return None
    row_sums = [sum(r) for r in table]
    col_sums = [sum(c) for c in zip(*table, strict=True)]
    n = sum(row_sums)
    statistic = 0.0
    min_expected = math.inf
    for i, row in enumerate(table):
        for j, observed in enumerate(row):
            expected = row_sums[i] * col_sums[j] / n
            min_expected = min(min_expected, expected)
            statistic += (observed - expected) ** 2 / expected
    df = (len(table) - 1) * (len(table[0]) - 1)
    return statistic, df, chi2_sf(statistic, df), min_expected


def cramers_v(statistic: float, n: int, rows: int, columns: int) -> float:
    k = min(rows, columns) - 1
    if n <= 0 or k <= 0:
        return 0.0
    return math.sqrt(statistic / (n * k))


def fisher_exact(table: list[list[int]]) -> float:
    """Two-sided p-value of Fisher's exact test on a 2 x 2 table: the probability, under
    the hypergeometric distribution with the table's margins, of every table at most as
    probable as the one observed. Computed on exact integers, so ties count exactly."""
    (a, b), (c, d) = table
    row1, row2, col1 = a + b, c + d, a + c
    low, high = max(0, col1 - row2), min(row1, col1)

    def weight(k: int) -> int:  # proportional to the probability of a = k
        return math.comb(row1, k) * math.comb(row2, col1 - k)

    observed = weight(a)
    total = sum(weight(k) for k in range(low, high + 1))
    extreme = sum(w for k in range(low, high + 1) if (w := weight(k)) <= observed)
    return min(1.0, float(Fraction(extreme, total)))


def independence_test(table: list[list[int]]) -> IndependenceResult | None:
    """Chi-square test of independence, or Fisher's exact test for a 2 x 2 table with an
    expected count under 5; None when there is nothing to test."""
    trimmed = _trimmed(table)
    result = chi_square(trimmed)
    if result is None:
        return None
    statistic, df, p_value, min_expected = result
    n = sum(sum(r) for r in trimmed)
    method = "chi-square"
    if len(trimmed) == 2 and len(trimmed[0]) == 2 and min_expected < 5:
        method, p_value = "fisher", fisher_exact(trimmed)
    return IndependenceResult(
        method=method,
        statistic=statistic,
        df=df,
        p_value=p_value,
        cramers_v=cramers_v(statistic, n, len(trimmed), len(trimmed[0])),
        n=n,
        min_expected=min_expected,
    )


def two_proportion_z(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float]:
    """(z, two-sided p) of the pooled two-proportion z-test of k1/n1 against k2/n2."""
    if n1 <= 0 or n2 <= 0:
        return 0.0, 1.0
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 0.0, 1.0
    z = (k1 / n1 - k2 / n2) / se
    return z, 2 * normal_sf(abs(z))


def exceeds(k1: int, n1: int, k2: int, n2: int, alpha: float = ALPHA) -> bool:
    """True when k1/n1 is significantly higher than k2/n2 (both bases at least 30)."""
    if n1 < MIN_BASE_FOR_TEST or n2 < MIN_BASE_FOR_TEST:
        return False
    z, p = two_proportion_z(k1, n1, k2, n2)
    return z > 0 and p < alpha


def column_letter(index: int) -> str:
    """A, B, ..., Z, AA, AB, ... for columns 0, 1, ..."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class McNemarResult:
    exact: bool
    statistic: float  # the smaller discordant count (exact) or the chi-square statistic
    p_value: float
    discordant: int

    @property
    def label(self) -> str:
        return "exact binomial McNemar test" if self.exact else "McNemar's chi-square test (no continuity correction)"


def binomial_two_sided_half(k: int, n: int) -> float:
    """min(1, 2 P(X <= k)) for X ~ Binomial(n, 1/2) and k <= n / 2, exactly."""
    tail = sum(math.comb(n, i) for i in range(0, k + 1))
    return min(1.0, float(Fraction(2 * tail, 2**n)))


def mcnemar(b: int, c: int, exact: bool | None = None) -> McNemarResult:
    """McNemar's test on the discordant pairs b and c of a paired 2 x 2 table: the exact
    binomial test when they number under 25 (unless `exact` says otherwise), else the
    chi-square statistic (b - c)^2 / (b + c) on one degree of freedom, uncorrected."""
    discordant = b + c
    if exact is None:
        exact = discordant < MCNEMAR_EXACT_BELOW
    if exact:
        k = min(b, c)
        return McNemarResult(True, float(k), binomial_two_sided_half(k, discordant), discordant)
    if discordant == 0:
        return McNemarResult(False, 0.0, 1.0, 0)
    statistic = (b - c) ** 2 / discordant
    return McNemarResult(False, statistic, chi2_sf(statistic, 1), discordant)


def cell_bounds(a: int, b: int, n: int) -> tuple[int, int]:
    """What the margins alone allow for the count of pairs in both A (a of n) and B (b of
    n): max(0, a + b - n) <= cell <= min(a, b)."""
    return max(0, a + b - n), min(a, b)
