"""Compiles parsed conditions to SQL that counts responses in one pass over the answers.

A condition's leaves (comparisons) become per-answer predicates; grouping a response's
answers and taking `MAX(CASE WHEN leaf THEN 1 ELSE 0 END)` gives, per response, whether
some answer meets the leaf: the same two-valued meaning as `surveys.conditions.evaluate`
(a comparison on an unanswered or hidden question is false; `not` is plain negation).
The boolean structure is then applied to those per-response flags. One scan of the
answer table serves every finding of a version, instead of a lookup per response.
Codes are resolved to the ids of one version: compile per version.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from surveys import conditions
from surveys.selectors import CompiledVersion
from surveys.types import UNKNOWN, Predicate

_OPS = {"=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
# On the choice column: whether an operator is negated ("!=" and "not in": NOT IN).
_CHOICE_OPS = {"=": False, "in": False, "!=": True, "not in": True}
# The answer table's column for each abstract column of a question type's predicate
# (choices are matched by id, see `_choices`).
_COLUMNS = {"number": "a.number", "date": "a.date", "text": "a.text"}


@dataclass
class LeafSet:
    """Leaves shared by several compiled conditions: (sql over answer alias `a`, params)."""

    leaves: list[tuple[str, list]] = field(default_factory=list)

    def add(self, sql: str, params: list) -> str:
        key = (sql, params)
        if key in self.leaves:
            return f"l{self.leaves.index(key)}"
        self.leaves.append(key)
        return f"l{len(self.leaves) - 1}"

    def flag_columns(self) -> tuple[str, list]:
        """The per-response flag columns for a GROUP BY response query."""
        if not self.leaves:
            return "0 AS l_none", []
        columns = [f"MAX(CASE WHEN {sql} THEN 1 ELSE 0 END) AS l{i}" for i, (sql, _) in enumerate(self.leaves)]
        return ", ".join(columns), [p for _, params in self.leaves for p in params]

    def any_leaf(self) -> tuple[str, list]:
        """A predicate true for the answers some leaf looks at: joining only those leaves
        every flag as it is (the others add 0 to each MAX) and reads far fewer rows."""
        if not self.leaves:
            return "(1 = 0)", []
        return "(" + " OR ".join(f"({sql})" for sql, _ in self.leaves) + ")", [
            p for _, params in self.leaves for p in params
        ]


def compile_condition(node: conditions.Node, compiled: CompiledVersion, leaves: LeafSet) -> str:
    """A boolean SQL expression over the flag columns `l0, l1, ...` of `leaves`."""
    return _Compiler(compiled, leaves).node(node)


class _Compiler:
    def __init__(self, compiled: CompiledVersion, leaves: LeafSet):
        self.compiled = compiled
        self.leaves = leaves

    def node(self, node: conditions.Node) -> str:
        if isinstance(node, conditions.And | conditions.Or):
            joiner = " AND " if isinstance(node, conditions.And) else " OR "
            return "(" + joiner.join(self.node(operand) for operand in node.operands) + ")"
        if isinstance(node, conditions.Not):
            return f"(NOT {self.node(node.operand)})"
        return self._sql(node.ref, self._predicate(node))

    def _leaf(self, ref: conditions.Ref, extra: str = "", params: list | None = None) -> str:
        question_id = self.compiled.question_ids.get(ref.question)
        if question_id is None:
            return "(1 = 0)"
        sql, args = "a.question_id = %s", [question_id]
        question = self.compiled.definition.questions.get(ref.question)
        if ref.row is not None and question is not None and question.question_type.ranks:
            # A ranking names a choice in the row's place; that choice's Answer row holds its rank.
            choice_id = self.compiled.choice_ids.get((ref.question, ref.row))
            if choice_id is None:
                return "(1 = 0)"
            sql, args = sql + " AND a.choice_id = %s", args + [choice_id]
        elif ref.row is not None:
            row_id = self.compiled.row_ids.get((ref.question, ref.row))
            if row_id is None:
                return "(1 = 0)"
            sql, args = sql + " AND a.row_id = %s", args + [row_id]
        return f"({self.leaves.add(sql + extra, args + (params or []))} = 1)"

    def _predicate(self, leaf: conditions.Compare | conditions.In | conditions.Has) -> Predicate:
        """The leaf as its question's type tests one stored answer (see surveys.types)."""
        match leaf:
            case conditions.Has(_, value):
                op, values = "has", (value,)
            case conditions.In(_, values, negated):
                op = "not in" if negated else "in"
            case conditions.Compare(_, op, value):
                values = (value,)
        question = self.compiled.definition.questions.get(leaf.ref.question)
        return (question.question_type if question else UNKNOWN).predicate(op, tuple(values))

    def _choices(self, ref: conditions.Ref, codes: tuple, negated: bool) -> str:
        ids = [self.compiled.choice_ids.get((ref.question, code)) for code in codes]
        ids = [i for i in ids if i is not None]
        if not ids:
            # No such choice in this version: "= x" is false, "!= x" means "answered".
            return self._leaf(ref, " AND a.choice_id IS NOT NULL") if negated else "(1 = 0)"
        marks = ", ".join(["%s"] * len(ids))
        return self._leaf(ref, f" AND a.choice_id {'NOT IN' if negated else 'IN'} ({marks})", ids)

    def _sql(self, ref: conditions.Ref, predicate: Predicate) -> str:
        """The predicate's test of one answer row, by its abstract column: choices by id,
        numbers, dates and text in their own columns."""
        column, op, values = predicate
        if column == "choice":
            if op not in _CHOICE_OPS:
                return "(1 = 0)"  # an ordering on choices (which checking refuses) holds for no one
            return self._choices(ref, values, negated=_CHOICE_OPS[op])
        if op in ("in", "not in"):
            marks = ", ".join(["%s"] * len(values))
            return self._leaf(ref, f" AND {_COLUMNS[column]} {op.upper()} ({marks})", list(values))
        return self._leaf(ref, f" AND {_COLUMNS[column]} {_OPS[op]} %s", list(values))
