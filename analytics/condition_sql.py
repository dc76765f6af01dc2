"""Compiles a parsed condition to a SQL predicate over one response row.

The predicate has the same two-valued meaning as `surveys.conditions.evaluate`: every
comparison on an unanswered (or hidden) question or row is false, `not` is plain
negation. Codes are resolved to the ids of one version, so a predicate is compiled per
version; the caller restricts the responses to that version.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connection

from responses.models import Answer
from surveys import conditions
from surveys.selectors import CompiledVersion

_NUMERIC_OPS = {"=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def compile_condition(node: conditions.Node, compiled: CompiledVersion, response_alias: str = "r") -> tuple[str, list]:
    """(sql, params) true for the responses of `compiled`'s version that meet `node`."""
    answer_table = connection.ops.quote_name(Answer._meta.db_table)
    return _Compiler(compiled, response_alias, answer_table).node(node)


class _Compiler:
    def __init__(self, compiled: CompiledVersion, alias: str, answer_table: str):
        self.compiled = compiled
        self.alias = alias
        self.answer_table = answer_table

    def node(self, node: conditions.Node) -> tuple[str, list]:
        if isinstance(node, conditions.And | conditions.Or):
            parts = [self.node(operand) for operand in node.operands]
            joiner = " AND " if isinstance(node, conditions.And) else " OR "
            return "(" + joiner.join(sql for sql, _ in parts) + ")", [p for _, params in parts for p in params]
        if isinstance(node, conditions.Not):
            sql, params = self.node(node.operand)
            return f"(NOT {sql})", params
        if isinstance(node, conditions.Has):
            return self._choice_exists(node.ref, [node.value], negated=False)
        if isinstance(node, conditions.In):
            return self._choice_or_value_in(node.ref, list(node.values), node.negated)
        return self._compare(node)

    def _exists(self, ref: conditions.Ref, extra: str, params: list) -> tuple[str, list]:
        question_id = self.compiled.question_ids.get(ref.question)
        if question_id is None:
            return "(1 = 0)", []
        sql = f"EXISTS (SELECT 1 FROM {self.answer_table} a WHERE a.response_id = {self.alias}.id AND a.question_id = %s"
        args: list = [question_id]
        if ref.row is not None:
            row_id = self.compiled.row_ids.get((ref.question, ref.row))
            if row_id is None:
                return "(1 = 0)", []
            sql += " AND a.row_id = %s"
            args.append(row_id)
        return sql + extra + ")", args + params

    def _choice_ids(self, ref: conditions.Ref, values: list) -> list[int]:
        ids = [self.compiled.choice_ids.get((ref.question, _code(v))) for v in values]
        return [i for i in ids if i is not None]

    def _question_type(self, ref: conditions.Ref) -> str:
        question = self.compiled.definition.questions.get(ref.question)
        return question.type if question else ""

    def _choice_exists(self, ref: conditions.Ref, values: list, negated: bool) -> tuple[str, list]:
        ids = self._choice_ids(ref, values)
        if not ids:
            # No such choice in this version: "= x" is false, "!= x" means "answered".
            return self._exists(ref, "", []) if negated else ("(1 = 0)", [])
        marks = ", ".join(["%s"] * len(ids))
        op = "NOT IN" if negated else "IN"
        return self._exists(ref, f" AND a.choice_id {op} ({marks})", ids)

    def _choice_or_value_in(self, ref: conditions.Ref, values: list, negated: bool) -> tuple[str, list]:
        kind = self._question_type(ref)
        if kind in ("single", "dropdown", "matrix"):
            return self._choice_exists(ref, values, negated)
        column = _column(kind)
        marks = ", ".join(["%s"] * len(values))
        op = "NOT IN" if negated else "IN"
        return self._exists(ref, f" AND a.{column} {op} ({marks})", [_param(kind, v) for v in values])

    def _compare(self, node: conditions.Compare) -> tuple[str, list]:
        kind = self._question_type(node.ref)
        if kind in ("single", "dropdown", "matrix"):
            if node.op not in ("=", "!="):
                return "(1 = 0)", []
            return self._choice_exists(node.ref, [node.value], negated=node.op == "!=")
        column = _column(kind)
        return self._exists(node.ref, f" AND a.{column} {_NUMERIC_OPS[node.op]} %s", [_param(kind, node.value)])


def _code(value: str | Decimal) -> str:
    # A digits-only choice code parses as a number; the evaluator compares it as text.
    return format(value, "f") if isinstance(value, Decimal) else value


def _column(kind: str) -> str:
    if kind in ("integer", "decimal", "rating"):
        return "number"
    if kind == "date":
        return "date"
    return "text"


def _param(kind: str, value: str | Decimal):
    if kind in ("integer", "decimal", "rating"):
        return Decimal(value) if isinstance(value, Decimal) else value
    if kind == "date":
        from datetime import date

        return date.fromisoformat(str(value))
    return _code(value)
