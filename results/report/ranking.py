"""Ranking questions from the count tables' cells per (rank, choice): for each choice, the
share of respondents who ranked it first (with its Wilson interval, as every share), its
mean rank among those who ranked it (with the mean's 95% t interval) and the distribution
of its ranks; per column (Total and each segment value). O(choices x ranks) cells.

Shares are of the question's base (respondents who answered it), so with a "top N" the
shares of each rank add up to 100% over the choices, and a choice left out of someone's
top N is simply not ranked by them: its mean rank is over those who ranked it (its n).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from analytics.tables import SurveyCounts
from results.report.cells import Cell, ChoiceTable, Line
from results.report.numeric import Summary, summarize
from results.report.scope import Column
from surveys.definition import QuestionDef
from surveys.types.ranking import top


@dataclass
class RankLine:
    code: str
    label: str
    first: list[Cell]  # per column: ranked first, of the question's base
    means: list[Summary]  # per column: its ranks among those who ranked it (mean and its interval)
    ranks: list[list[Cell]]  # per column, per rank 1..N: given that rank, of the question's base


@dataclass
class RankingReport:
    columns: list[Column]
    bases: list[int]
    ranks: list[int]  # 1..N
    lines: list[RankLine]

    @property
    def by_column(self) -> list[tuple[Column, list[tuple[RankLine, list[Cell]]]]]:
        """The distribution of ranks, a table per column: (column, [(line, its cells)])."""
        return [(column, [(line, line.ranks[i]) for line in self.lines]) for i, column in enumerate(self.columns)]


def rank_tables(question: QuestionDef, ranking: RankingReport) -> list[tuple[int, ChoiceTable]]:
    """Per rank (1 first), the shares of each answer given that rank as a choice table (a
    line per answer, a cell per column): the same cells, laid out as a banner."""
    columns = range(len(ranking.columns))
    return [
        (rank, ChoiceTable(question, None, ranking.columns, ranking.bases, [
            Line(line.code, line.label, [line.ranks[i][k] for i in columns]) for line in ranking.lines
        ]))
        for k, rank in enumerate(ranking.ranks)
    ]


def ranking_report(counts: SurveyCounts, columns: list[Column], question: QuestionDef) -> RankingReport:
    ranks = list(range(1, top(question) + 1))
    bases = [counts.base(question.code, segment=c.key) for c in columns]
    lines = []
    for choice in question.choices:
        given = [{rank: counts.ranked(question.code, choice.code, rank, segment=c.key) for rank in ranks}
                 for c in columns]
        lines.append(RankLine(
            code=choice.code,
            label=choice.label,
            first=[Cell(by_rank[1], base) for by_rank, base in zip(given, bases, strict=True)],
            means=[summarize(Counter({Decimal(rank): n for rank, n in by_rank.items()})) for by_rank in given],
            ranks=[[Cell(by_rank[rank], base) for rank in ranks] for by_rank, base in zip(given, bases, strict=True)],
        ))
    return RankingReport(columns, bases, ranks, lines)
