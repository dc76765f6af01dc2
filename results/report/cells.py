"""Tables of choice questions: count, percentage, base and Wilson interval per choice and
column, NETs, significance letters and the tests of each segment against the question.

See the methods page (templates/results/methods.html) for the rules written out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from analytics.tables import SurveyCounts
from results.comparison import LOW_BASE, MIN_BASE_FOR_TEST, IndependenceResult, exceeds, independence_test
from results.report.scope import Column
from results.stats import percent, percent_display, wilson_interval
from surveys.definition import NetDef, QuestionDef, RowDef


def min_base() -> int:
    return settings.MIN_BASE_FOR_PERCENT


def half_up(value: float, places: int = 0) -> str:
    """A float rounded half up for display (not with round(), which rounds halves to even)."""
    return str(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


@dataclass
class Cell:
    count: int
    base: int
    letters: str = ""

    @property
    def empty(self) -> bool:
        return self.base <= 0

    @property
    def suppressed(self) -> bool:
        return 0 < self.base < min_base()

    @property
    def shown(self) -> bool:
        return not self.empty and not self.suppressed

    @property
    def percent(self) -> float | None:
        return percent(self.count, self.base) if self.shown else None

    @property
    def display(self) -> str:
        if self.suppressed:
            return f"n<{min_base()}"
        return percent_display(self.count, self.base)

    @property
    def count_display(self) -> str:
        return str(self.count) if self.shown else "—"

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.count, self.base) if self.shown else None

    @property
    def interval_display(self) -> str:
        if self.interval is None:
            return ""
        low, high = self.interval
        return f"{half_up(100 * low)}–{half_up(100 * high)}%"


@dataclass(frozen=True)
class Net:
    code: str
    label: str
    choices: tuple[str, ...]


def nets_for(question: QuestionDef, declared: Sequence[NetDef]) -> list[Net]:
    """The NETs the survey declares for this question, in their order, that fit its scale
    as the version in view has it."""
    if not question.question_type.supports_nets:
        return []
    nets = []
    for net in declared:
        members = net.members(question.choice_codes) if net.question == question.code else None
        if members:
            nets.append(Net(net.code, net.label, members))
    return nets


@dataclass
class Line:
    code: str
    label: str
    cells: list[Cell]
    net: bool = False
    tests: dict[str, GroupTest] = field(default_factory=dict)  # multiple choice: per choice


@dataclass
class GroupTest:
    group: str  # the segment question's code
    label: str  # the segment question's label
    letters: str  # "A–B"
    result: IndependenceResult | None
    note: str = ""


@dataclass
class ChoiceTable:
    question: QuestionDef
    row: RowDef | None
    columns: list[Column]
    bases: list[int]
    lines: list[Line]
    tests: list[GroupTest] = field(default_factory=list)

    @property
    def code(self) -> str:
        return f"{self.question.code}.{self.row.code}" if self.row else self.question.code

    @property
    def title(self) -> str:
        return f"{self.question.label} — {self.row.label}" if self.row else self.question.label

    @property
    def per_choice_tests(self) -> bool:
        return self.question.question_type.picks_many

    @property
    def base_flags(self) -> list[tuple[int, bool]]:
        """(base, low) per column: a base under 100 is flagged."""
        return [(b, 0 < b < LOW_BASE) for b in self.bases]

    @property
    def min_base(self) -> int:
        return min_base()

    @property
    def choice_lines(self) -> list[Line]:
        return [line for line in self.lines if not line.net]


def _groups(columns: list[Column]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for i, column in enumerate(columns):
        if column.group:
            groups.setdefault(column.group, []).append(i)
    return {g: idx for g, idx in groups.items() if len(idx) > 1}


def _mark_letters(lines: list[Line], columns: list[Column], groups: dict[str, list[int]]) -> None:
    for line in lines:
        for indices in groups.values():
            for i in indices:
                mine = line.cells[i]
                if not mine.shown:
                    continue
                mine.letters = "".join(
                    columns[j].letter
                    for j in indices
                    if j != i and line.cells[j].shown
                    and exceeds(mine.count, mine.base, line.cells[j].count, line.cells[j].base)
                )


def _test(table_counts: list[list[int]], bases: list[int]) -> tuple[IndependenceResult | None, str]:
    if min(bases) < MIN_BASE_FOR_TEST:
        return None, f"No test: a base is under {MIN_BASE_FOR_TEST}."
    result = independence_test(table_counts)
    return result, "" if result else "No test: every answer is in one choice."


def choice_table(counts: SurveyCounts, columns: list[Column], question: QuestionDef, row: RowDef | None = None,
                 segment_labels: dict[str, str] | None = None, *, nets: Sequence[NetDef] = ()) -> ChoiceTable:
    """The question's (or matrix row's) table, with the lines of the `nets` declared for it."""
    row_code = row.code if row else ""
    bases = [counts.base(question.code, row=row_code, segment=c.key) for c in columns]
    lines = [
        Line(choice.code, choice.label, [
            Cell(counts.cell(question.code, choice.code, row=row_code, segment=c.key), base)
            for c, base in zip(columns, bases, strict=True)
        ])
        for choice in question.choices
    ]
    by_code = {line.code: line for line in lines}
    for net in nets_for(question, nets):
        cells = [
            Cell(sum(by_code[code].cells[i].count for code in net.choices), base) for i, base in enumerate(bases)
        ]
        lines.append(Line(net.code, net.label, cells, net=True))
    table = ChoiceTable(question, row, columns, bases, lines)
    groups = _groups(columns)
    _mark_letters(lines, columns, groups)
    segment_labels = segment_labels or {}
    for group, indices in groups.items():
        group_bases = [bases[i] for i in indices]
        letters = f"{columns[indices[0]].letter}–{columns[indices[-1]].letter}"
        label = segment_labels.get(group, group)
        if question.question_type.picks_many:
            for line in table.choice_lines:
                picked = [line.cells[i].count for i in indices]
                result, note = _test([picked, [b - p for b, p in zip(group_bases, picked, strict=True)]], group_bases)
                line.tests[group] = GroupTest(group, label, letters, result, note)
        else:
            result, note = _test([[line.cells[i].count for i in indices] for line in table.choice_lines], group_bases)
            table.tests.append(GroupTest(group, label, letters, result, note))
    return table


def p_display(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {half_up(p, 3)}"
