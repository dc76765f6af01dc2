"""Compiles parsed conditions to SQL that counts responses in one pass over the answers.

A condition's leaves (comparisons) become per-answer predicates; grouping a response's
answers and taking `MAX(CASE WHEN leaf THEN 1 ELSE 0 END)` gives, per response, whether
some answer meets the leaf: the same two-valued meaning as `surveys.conditions.evaluate`
(a comparison on an unanswered or hidden question is false; `not` is plain negation).
The boolean structure is then applied to those per-response flags. One scan of the
answer table serves every finding of a version, instead of a lookup per response.
Codes are resolved to the ids of one version: compile per version. A hidden field that
the version declares is read from the response's row (`r.hidden`), so the query that
groups the answers must call its response alias `r` (see `meeting_responses_sql`), as
must a results filter's `flagged` test, which reads the response's flags.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.sql import qn
from responses.models import Answer, Response
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
    # Leaves on the response's own row (hidden fields): true or false whatever answer is joined.
    response_level: set[int] = field(default_factory=set)

    def add(self, sql: str, params: list, *, response_level: bool = False) -> str:
        key = (sql, params)
        if key in self.leaves:
            return f"l{self.leaves.index(key)}"
        self.leaves.append(key)
        if response_level:
            self.response_level.add(len(self.leaves) - 1)
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
        answer_leaves = [leaf for i, leaf in enumerate(self.leaves) if i not in self.response_level]
        if not answer_leaves:
            return "(1 = 0)", []
        return "(" + " OR ".join(f"({sql})" for sql, _ in answer_leaves) + ")", [
            p for _, params in answer_leaves for p in params
        ]


def compile_condition(node: conditions.Node, compiled: CompiledVersion, leaves: LeafSet) -> str:
    """A boolean SQL expression over the flag columns `l0, l1, ...` of `leaves`."""
    return _Compiler(compiled, leaves).node(node)


class _Compiler:
    def __init__(self, compiled: CompiledVersion, leaves: LeafSet):
        self.compiled = compiled
        self.leaves = leaves

    @property
    def _hidden_codes(self) -> set[str]:
        return {h.code for h in self.compiled.definition.hidden_fields}

    def node(self, node: conditions.Node) -> str:
        if isinstance(node, conditions.And | conditions.Or):
            joiner = " AND " if isinstance(node, conditions.And) else " OR "
            return "(" + joiner.join(self.node(operand) for operand in node.operands) + ")"
        if isinstance(node, conditions.Not):
            return f"(NOT {self.node(node.operand)})"
        if isinstance(node, conditions.Flagged):
            return self._flagged(node)
        return self._sql(node.ref, self._predicate(node))

    def _flagged(self, node: conditions.Flagged) -> str:
        """A test of the response's flags (a JSON list of codes), matched as text as
        `responses.quality.flagged_q` does: the quotes keep one code from matching inside
        another, and an empty list is `[]` in PostgreSQL and SQLite alike."""
        if not node.flags:
            sql, params = "CAST(r.flags AS TEXT) <> %s", ["[]"]
        else:
            sql = "(" + " OR ".join(["CAST(r.flags AS TEXT) LIKE %s"] * len(node.flags)) + ")"
            params = [f'%"{flag}"%' for flag in node.flags]
        return f"({self.leaves.add(sql, params, response_level=True)} = 1)"

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
        question = self.compiled.definition.condition_questions.get(leaf.ref.question)
        return (question.question_type if question else UNKNOWN).predicate(op, tuple(values))

    def _choices(self, ref: conditions.Ref, codes: tuple, negated: bool) -> str:
        ids = [self.compiled.choice_ids.get((ref.question, code)) for code in codes]
        ids = [i for i in ids if i is not None]
        if not ids:
            # No such choice in this version: "= x" is false, "!= x" means "answered".
            return self._leaf(ref, " AND a.choice_id IS NOT NULL") if negated else "(1 = 0)"
        marks = ", ".join(["%s"] * len(ids))
        return self._leaf(ref, f" AND a.choice_id {'NOT IN' if negated else 'IN'} ({marks})", ids)

    def _hidden(self, ref: conditions.Ref, predicate: Predicate) -> str:
        """A hidden field's test on the response's row: its value is text (a declared
        value's code or free text); a response without it meets no comparison."""
        _, op, values = predicate
        value = "(r.hidden ->> %s)"
        if op in _CHOICE_OPS or op in ("in", "not in"):
            negated = op in ("!=", "not in")
            marks = ", ".join(["%s"] * len(values))
            sql = f"{value} IS NOT NULL AND {value} {'NOT IN' if negated else 'IN'} ({marks})"
            params = [ref.question, ref.question, *(str(v) for v in values)]
        elif op in _OPS:
            sql, params = f"{value} {_OPS[op]} %s", [ref.question, str(values[0])]
        else:
            return "(1 = 0)"
        return f"({self.leaves.add(sql, params, response_level=True)} = 1)"

    def _sql(self, ref: conditions.Ref, predicate: Predicate) -> str:
        """The predicate's test of one answer row, by its abstract column: choices by id,
        numbers, dates and text in their own columns."""
        column, op, values = predicate
        if ref.question not in self.compiled.question_ids and ref.question in self._hidden_codes:
            return self._hidden(ref, predicate)
        if column == "choice":
            if op not in _CHOICE_OPS:
                return "(1 = 0)"  # an ordering on choices (which checking refuses) holds for no one
            return self._choices(ref, values, negated=_CHOICE_OPS[op])
        if op in ("in", "not in"):
            marks = ", ".join(["%s"] * len(values))
            return self._leaf(ref, f" AND {_COLUMNS[column]} {op.upper()} ({marks})", list(values))
        return self._leaf(ref, f" AND {_COLUMNS[column]} {_OPS[op]} %s", list(values))


def names_exist(node: conditions.Node, compiled: CompiledVersion) -> bool:
    """Whether the version has every question and hidden field that the condition names."""
    known = compiled.definition.condition_questions
    return all(ref.question in known for ref in conditions.references(node))


def meeting_responses_sql(node: conditions.Node, versions: list[CompiledVersion]) -> tuple[str, list]:
    """A SELECT of the ids of the responses (of any status) of these versions whose answers
    meet the condition: per version, one GROUP BY over the answers its leaves look at
    (of every response when one without such answers meets it, as `not` may). A
    version that lacks a question the condition names has no response meeting it (its
    `not` would otherwise hold for everyone)."""
    responses, answers = qn(Response._meta.db_table), qn(Answer._meta.db_table)
    parts, params = [], []
    for version in versions:
        if not names_exist(node, version):
            continue
        leaves = LeafSet()
        expression = compile_condition(node, version, leaves)
        flags, flag_params = leaves.flag_columns()
        relevant, relevant_params = leaves.any_leaf()
        if leaves.response_level or conditions.evaluate(node, {}):
            # A response with none of the answers the leaves look at may meet it (a `not`, a
            # hidden field): every response of the version is grouped.
            parts.append(
                f"SELECT m.id FROM (SELECT r.id, {flags} FROM {responses} r "
                f"LEFT JOIN {answers} a ON a.response_id = r.id AND {relevant} "
                f"WHERE r.version_id = %s GROUP BY r.id) m WHERE {expression}"
            )
            params.extend([*flag_params, *relevant_params, version.version_id])
        else:
            # Only a response with some such answer can meet it: group just those answers.
            parts.append(
                f"SELECT m.id FROM (SELECT a.response_id AS id, {flags} FROM {answers} a "
                f"JOIN {responses} r ON r.id = a.response_id "
                f"WHERE r.version_id = %s AND {relevant} GROUP BY a.response_id) m WHERE {expression}"
            )
            params.extend([*flag_params, version.version_id, *relevant_params])
    if not parts:
        return f"SELECT id FROM {responses} WHERE 1 = 0", []
    return " UNION ALL ".join(parts), params
