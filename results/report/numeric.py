"""Numeric and rating questions from the NumberCount table: (value, n) pairs, so every
summary costs O(distinct values), never O(responses).

Quartiles and the median follow numpy's default `percentile` (linear interpolation between
order statistics, "type 7"): for p in [0, 1] and n values sorted x_0 <= ... <= x_{n-1},
h = (n - 1) p and q = x_floor(h) + (h - floor(h)) (x_floor(h)+1 - x_floor(h)).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from analytics.tables import SurveyCounts
from results.report.cells import Cell, half_up, min_base
from results.report.scope import Column
from results.stats import mean_interval
from surveys.definition import QuestionDef


class _Sorted:
    def __init__(self, values: Counter):
        self.items = sorted((v, n) for v, n in values.items() if n > 0)
        self.cumulative: list[int] = []
        total = 0
        for _, n in self.items:
            total += n
            self.cumulative.append(total)
        self.n = total

    def order_statistic(self, k: int) -> Decimal:
        """The k-th smallest value, 0-based."""
        return self.items[bisect_right(self.cumulative, k)][0]

    def quantile(self, p: Fraction) -> Decimal:
        h = (self.n - 1) * p
        low = math.floor(h)
        a = self.order_statistic(low)
        b = self.order_statistic(min(low + 1, self.n - 1))
        frac = h - low
        return a + (b - a) * Decimal(frac.numerator) / Decimal(frac.denominator)


@dataclass
class Summary:
    n: int
    mean: float | None = None
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    interval: tuple[float, float] | None = None  # the mean's 95% t interval

    @property
    def interval_display(self) -> str:
        if self.suppressed:
            return f"n<{min_base()}"
        if not self.shown or self.interval is None:
            return "—"
        low, high = self.interval
        return f"{half_up(low, 1)}–{half_up(high, 1)}"

    @property
    def suppressed(self) -> bool:
        return 0 < self.n < min_base()

    @property
    def shown(self) -> bool:
        return self.n > 0 and not self.suppressed

    def show(self, value: float | None) -> str:
        if self.suppressed:
            return f"n<{min_base()}"
        return "—" if value is None else half_up(value, 1)


def summarize(values: Counter) -> Summary:
    data = _Sorted(values)
    if data.n == 0:
        return Summary(0)
    total = sum((v * n for v, n in data.items), Decimal(0))
    squares = sum((v * v * n for v, n in data.items), Decimal(0))
    return Summary(
        n=data.n,
        mean=float(total / data.n),
        median=float(data.quantile(Fraction(1, 2))),
        q1=float(data.quantile(Fraction(1, 4))),
        q3=float(data.quantile(Fraction(3, 4))),
        minimum=float(data.items[0][0]),
        maximum=float(data.items[-1][0]),
        interval=mean_interval(data.n, float(total), float(squares)),
    )


@dataclass
class Bin:
    label: str
    cell: Cell


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def histogram(values: Counter, question: QuestionDef) -> list[Bin]:
    """One bar per point of a rating's scale, one per value for up to 20 distinct values;
    else 10 equal bins."""
    data = _Sorted(values)
    if data.n == 0:
        return []
    kind = question.question_type
    scale = kind.scale(question)
    if scale is not None:
        first, last = scale
        return [Bin(str(v), Cell(values.get(Decimal(v), 0), data.n)) for v in range(first, last + 1)]
    if len(data.items) <= 20:
        return [Bin(_number(v), Cell(n, data.n)) for v, n in data.items]
    low, high = data.items[0][0], data.items[-1][0]
    if kind.whole_numbers:
        width = Decimal(math.ceil((high - low + 1) / 10))
        edges = [low + i * width for i in range(11)]
        labels = [f"{_number(edges[i])}–{_number(edges[i + 1] - 1)}" for i in range(10)]
    else:
        width = (high - low) / 10
        edges = [low + i * width for i in range(11)]
        labels = [f"{half_up(float(edges[i]), 2)}–{half_up(float(edges[i + 1]), 2)}" for i in range(10)]
    counts = [0] * 10
    for value, n in data.items:
        index = min(9, int((value - low) / width)) if width else 0
        counts[index] += n
    return [Bin(label, Cell(count, data.n)) for label, count in zip(labels, counts, strict=True)]


@dataclass
class Nps:
    promoters: Cell
    passives: Cell
    detractors: Cell

    @property
    def n(self) -> int:
        return self.promoters.base

    @property
    def shown(self) -> bool:
        return self.promoters.shown

    @property
    def score(self) -> float | None:
        """% promoters - % detractors, unrounded."""
        if not self.shown:
            return None
        return self.promoters.percent - self.detractors.percent

    @property
    def display(self) -> str:
        if self.promoters.suppressed:
            return f"n<{min_base()}"
        return "—" if self.score is None else half_up(self.score)


def nps(values: Counter) -> Nps:
    """Promoters 9-10, passives 7-8, detractors 0-6."""
    n = sum(values.values())
    promoters = sum(c for v, c in values.items() if v >= 9)
    passives = sum(c for v, c in values.items() if 7 <= v < 9)
    return Nps(Cell(promoters, n), Cell(passives, n), Cell(n - promoters - passives, n))


@dataclass
class NumericReport:
    columns: list[Column]
    summaries: list[Summary]
    bins: list[Bin]  # of the first column (Total, or the filtered segment)
    nps: list[Nps] | None  # 0–10 scales only
    # Every numeric question but a 0–10 rating (which has its NPS) reports the mean's 95% interval.
    mean_intervals: bool = False


def numeric_report(counts: SurveyCounts, columns: list[Column], question: QuestionDef) -> NumericReport:
    values = [counts.values(question.code, segment=c.key) for c in columns]
    summaries = [summarize(v) for v in values]
    bins = histogram(values[0], question) if summaries[0].shown else []
    kind = question.question_type
    return NumericReport(
        columns=columns,
        summaries=summaries,
        bins=bins,
        nps=[nps(v) for v in values] if kind.shows_nps(question) else None,
        mean_intervals=not kind.shows_nps(question),
    )


# --- Constant sum: a number per row adding up to the question's total ----------------------


@dataclass
class RowNumbers:
    """One row of a constant sum: its numbers summarised per column, and the mean share of
    the total (mean / total; the rows' shares add up to 100% as every answer does)."""

    code: str
    label: str
    summaries: list[Summary]
    total: Decimal

    def share(self, summary: Summary) -> float | None:
        return None if not summary.shown or summary.mean is None else summary.mean * 100 / float(self.total)

    @property
    def shares(self) -> list[str]:
        shown = []
        for summary in self.summaries:
            share = self.share(summary)
            shown.append(f"n<{min_base()}" if summary.suppressed else "—" if share is None else f"{half_up(share, 1)}%")
        return shown

    @property
    def share_interval(self) -> str:
        """The first column's interval of the mean, as shares of the total."""
        summary = self.summaries[0]
        if summary.suppressed:
            return f"n<{min_base()}"
        if not summary.shown or summary.interval is None:
            return "—"
        low, high = (value * 100 / float(self.total) for value in summary.interval)
        return f"{half_up(low, 1)}–{half_up(high, 1)}%"


@dataclass
class RowNumbersReport:
    columns: list[Column]
    rows: list[RowNumbers]
    total: Decimal


def row_numbers_report(counts: SurveyCounts, columns: list[Column], question: QuestionDef) -> RowNumbersReport:
    """Per row, the mean allocation with its 95% interval and the mean share of the total,
    from the number counts of each row (O(distinct values per row))."""
    total = question.question_type.total(question)
    rows = [
        RowNumbers(row.code, row.label,
                   [summarize(counts.values(question.code, row=row.code, segment=c.key)) for c in columns], total)
        for row in question.rows
    ]
    return RowNumbersReport(columns=columns, rows=rows, total=total)
