"""Crosstabs of two single-choice questions, matrix rows or hidden fields with `values`
(a response's value, as a segment), from the raw answers of the counted responses (a
self-join of the answer table, one GROUP BY), within the filters.

When the survey names a choice on each side (a saved view of these two variables with a
highlighted cell, else each scale's zero point: the one choice that a NET declared as
`all_but` leaves out), the pairs also give McNemar's test of "row = that choice" against
"column = that choice", the discordant cell with its Wilson interval, and the bounds that
the margins alone put on that cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from analytics import filters as raw
from results.comparison import McNemarResult, cell_bounds, mcnemar
from results.report.cells import Cell
from results.report.scope import Scope
from surveys.definition import ChoiceDef, QuestionDef, RowDef


class VariableError(ValueError):
    pass


@dataclass(frozen=True)
class Variable:
    question: QuestionDef
    row: RowDef | None = None

    @property
    def code(self) -> str:
        return f"{self.question.code}.{self.row.code}" if self.row else self.question.code

    @property
    def label(self) -> str:
        return f"{self.question.label} — {self.row.label}" if self.row else self.question.label

    @property
    def option_label(self) -> str:
        """For a select: the row last, after a shortened question, so rows stay apart."""
        question = self.question.label if len(self.question.label) <= 60 else self.question.label[:59] + "…"
        return f"{question} — {self.row.label}" if self.row else question

    @property
    def choices(self) -> tuple[ChoiceDef, ...]:
        return self.question.choices

    def choice(self, code: str) -> ChoiceDef | None:
        return next((c for c in self.choices if c.code == code), None)


def variables(scope: Scope) -> list[Variable]:
    """Everything that can be crossed: single-choice questions, matrix rows and hidden
    fields with `values` (as a segment over their values)."""
    found = []
    for question in scope.questions.values():
        kind = question.question_type
        if kind.one_choice and kind.has_rows:
            found.extend(Variable(question, row) for row in question.rows)
        elif kind.one_choice:
            found.append(Variable(question))
    return found + [Variable(hidden) for hidden in scope.hidden_segments]


def variable(scope: Scope, code: str) -> Variable:
    question_code, _, row_code = code.partition(".")
    question = scope.questions.get(question_code)
    hidden = next((h for h in scope.hidden_segments if h.code == question_code), None)
    if question is None and hidden is not None:
        if row_code:
            raise VariableError(f"{question_code!r} is a hidden field: it has no rows.")
        return Variable(hidden)
    if question is None:
        raise VariableError(f"No question or hidden field with values {question_code!r}.")
    kind = question.question_type
    if kind.one_choice and kind.has_rows:
        row = next((r for r in question.rows if r.code == row_code), None)
        if row is None:
            raise VariableError(f"{question_code!r} is a matrix: name one of its rows, e.g. {question_code}.row.")
        return Variable(question, row)
    if not kind.one_choice or row_code:
        raise VariableError(f"{code!r} is not a single-choice question or a matrix row.")
    return Variable(question)


@dataclass
class CrossCell:
    count: int
    row: Cell  # of the row total
    column: Cell  # of the column total
    total: Cell  # of all pairs

    @property
    def shown(self) -> bool:
        """Whether the cell's count and percentages may be shown: not when its row or its
        column holds fewer respondents than the minimum base (the rule of the question
        pages: a small group is not singled out), nor when there are no pairs at all."""
        return not (self.row.suppressed or self.column.suppressed or self.total.suppressed or self.total.empty)


@dataclass
class Paired:
    row_zero: ChoiceDef
    column_zero: ChoiceDef
    table: list[list[int]]  # [[zero & zero, zero & not zero], [not zero & zero, not & not]]
    n: int

    @property
    def cell(self) -> Cell:
        """The discordant cell: the row's zero point, the column's anything else."""
        return Cell(self.table[0][1], self.n)

    @property
    def row_zero_count(self) -> int:
        return self.table[0][0] + self.table[0][1]

    @property
    def column_nonzero_count(self) -> int:
        return self.table[0][1] + self.table[1][1]

    @property
    def row_zero_cell(self) -> Cell:
        return Cell(self.row_zero_count, self.n)

    @property
    def column_zero_cell(self) -> Cell:
        return Cell(self.n - self.column_nonzero_count, self.n)

    @property
    def bounds(self) -> tuple[int, int]:
        return cell_bounds(self.row_zero_count, self.column_nonzero_count, self.n)

    @property
    def test(self) -> McNemarResult:
        return mcnemar(self.table[0][1], self.table[1][0])


@dataclass
class Crosstab:
    row: Variable
    column: Variable
    counts: dict[tuple[str, str], int]
    population: str
    pair: tuple[ChoiceDef, ChoiceDef] | None = None  # the choices compared by McNemar's test

    @property
    def n(self) -> int:
        return sum(self.counts.values())

    def row_total(self, code: str) -> int:
        return sum(n for (r, _), n in self.counts.items() if r == code)

    def column_total(self, code: str) -> int:
        return sum(n for (_, c), n in self.counts.items() if c == code)

    @property
    def row_totals(self) -> list[Cell]:
        return [Cell(self.row_total(c.code), self.n) for c in self.row.choices]

    @property
    def column_totals(self) -> list[Cell]:
        return [Cell(self.column_total(c.code), self.n) for c in self.column.choices]

    @cached_property  # read by the page, the suppression note and the export
    def grid(self) -> list[tuple[ChoiceDef, list[CrossCell], Cell]]:
        rows = []
        for r in self.row.choices:
            cells = []
            for c in self.column.choices:
                count = self.counts.get((r.code, c.code), 0)
                cells.append(CrossCell(
                    count, Cell(count, self.row_total(r.code)), Cell(count, self.column_total(c.code)),
                    Cell(count, self.n),
                ))
            rows.append((r, cells, Cell(self.row_total(r.code), self.n)))
        return rows

    @property
    def suppressed(self) -> bool:
        """Whether some inner cell is hidden (the page then says why, once)."""
        return any(not cell.shown for _, cells, _ in self.grid for cell in cells if cell.total.base > 0)

    @property
    def paired(self) -> Paired | None:
        if self.pair is None:
            return None
        rz, cz = self.pair
        table = [[0, 0], [0, 0]]
        for (r, c), n in self.counts.items():
            table[0 if r == rz.code else 1][0 if c == cz.code else 1] += n
        return Paired(rz, cz, table, self.n)


def _zero_point(scope: Scope, var: Variable) -> ChoiceDef | None:
    return next(
        (choice for net in scope.nets if net.question == var.question.code and net.zero_point
         and (choice := var.choice(net.zero_point)) is not None),
        None,
    )


def paired_choices(scope: Scope, row: Variable, column: Variable) -> tuple[ChoiceDef, ChoiceDef] | None:
    """The row's and the column's choice whose pairs McNemar's test compares, if any."""
    for view in scope.views:
        if (view.row, view.column) == (row.code, column.code) and view.highlight_row:
            pair = row.choice(view.highlight_row), column.choice(view.highlight_column_not)
            if pair[0] is not None and pair[1] is not None:
                return pair[0], pair[1]
    row_zero, column_zero = _zero_point(scope, row), _zero_point(scope, column)
    return (row_zero, column_zero) if row_zero is not None and column_zero is not None else None


def crosstab(scope: Scope, row: Variable, column: Variable) -> Crosstab:
    """The pairs of answers of each counted response within the filters, counted by the engine."""
    counts = raw.pair_counts(
        scope.survey.pk, scope.filters, scope.compiled,
        (row.question.code, row.row.code if row.row else None),
        (column.question.code, column.row.code if column.row else None),
    )
    return Crosstab(row, column, counts, scope.population, paired_choices(scope, row, column))
