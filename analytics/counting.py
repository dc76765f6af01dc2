"""Folding one response into the count tables, exactly once.

`response_count` claims the response's "uncounted" marker with a conditional DELETE that
only one transaction can win, then applies the response's increments in the same
transaction with atomic upserts. A redelivered, retried, duplicated or concurrent task
finds no marker and changes nothing. Every writer updates the survey's SurveyCounter row
before touching any count row: that fixes one lock order (no deadlocks between workers)
and lets a reconciliation that holds the row see a stable set of counted responses.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from analytics.models import TOTAL, BaseCount, CellCount, FindingCount, NumberCount, SurveyCounter
from responses.models import Response, UncountedResponse
from responses.services import request_counting, stored_answers
from surveys import conditions
from surveys.models import Finding
from surveys.selectors import CompiledVersion, compiled_version

Key = tuple


def response_increments(compiled: CompiledVersion, answers: dict[str, Any]) -> dict[str, Counter]:
    """The count-table keys one response contributes to, each with +1."""
    definition = compiled.definition
    segments = [TOTAL] + [
        compiled.choice_ids[(q.code, answers[q.code])]
        for q in definition.questions.values()
        if q.segment and isinstance(answers.get(q.code), str)
    ]
    cells: Counter = Counter()
    bases: Counter = Counter()
    numbers: Counter = Counter()
    for code, value in answers.items():
        question = definition.questions[code]
        qid = compiled.question_ids[code]
        picked: list[tuple[int, int]] = []  # (row id, choice id)
        if question.type in ("single", "dropdown"):
            picked = [(TOTAL, compiled.choice_ids[(code, value)])]
        elif question.type == "multiple":
            picked = [(TOTAL, compiled.choice_ids[(code, c)]) for c in value]
        elif question.type == "matrix":
            picked = [(compiled.row_ids[(code, r)], compiled.choice_ids[(code, c)]) for r, c in value.items()]
        for segment in segments:
            bases[(compiled.version_id, qid, TOTAL, segment)] += 1
            for row_id, choice_id in picked:
                cells[(compiled.version_id, qid, row_id, choice_id, segment)] += 1
                if row_id != TOTAL:
                    bases[(compiled.version_id, qid, row_id, segment)] += 1
            if question.type in ("integer", "decimal", "rating"):
                numbers[(compiled.version_id, qid, Decimal(value), segment)] += 1
    return {"cells": cells, "bases": bases, "numbers": numbers}


_UPSERTS = {
    "cells": (CellCount, ("version_id", "question_id", "row_id", "choice_id", "segment_choice_id")),
    "bases": (BaseCount, ("version_id", "question_id", "row_id", "segment_choice_id")),
    "numbers": (NumberCount, ("version_id", "question_id", "value", "segment_choice_id")),
}


def upsert_add(table: str, increments: Counter) -> None:
    """`INSERT ... ON CONFLICT (key) DO UPDATE SET n = n + excluded.n` in one statement,
    keys sorted so that concurrent writers lock rows in the same order."""
    items = sorted((k, v) for k, v in increments.items() if v)
    if not items:
        return
    model, key_fields = _UPSERTS[table]
    qn = connection.ops.quote_name
    db_table = qn(model._meta.db_table)
    columns = ", ".join(qn(f) for f in (*key_fields, "n"))
    placeholders = "(" + ", ".join(["%s"] * (len(key_fields) + 1)) + ")"
    sql = (
        f"INSERT INTO {db_table} ({columns}) VALUES {', '.join([placeholders] * len(items))} "
        f"ON CONFLICT ({', '.join(qn(f) for f in key_fields)}) "
        f"DO UPDATE SET {qn('n')} = {db_table}.{qn('n')} + excluded.{qn('n')}"
    )
    params: list = []
    for key, n in items:
        params.extend(key)
        params.append(n)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def counter_add(survey_id: int, delta: int) -> None:
    """Takes the survey's counter row lock (see the module docstring) and moves the total."""
    qn = connection.ops.quote_name
    table = qn(SurveyCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({qn('survey_id')}, {qn('responses_counted')}, {qn('last_counted_at')}) "
            f"VALUES (%s, %s, %s) ON CONFLICT ({qn('survey_id')}) DO UPDATE SET "
            f"{qn('responses_counted')} = {table}.{qn('responses_counted')} + excluded.{qn('responses_counted')}, "
            f"{qn('last_counted_at')} = excluded.{qn('last_counted_at')}",
            [survey_id, delta, timezone.now()],
        )


_finding_nodes: dict[tuple[int, Any], tuple[conditions.Node, conditions.Node]] = {}


def _parsed(finding: Finding) -> tuple[conditions.Node, conditions.Node]:
    key = (finding.pk, finding.updated_at)
    if key not in _finding_nodes:
        if len(_finding_nodes) > 1000:
            _finding_nodes.clear()
        _finding_nodes[key] = (conditions.parse(finding.base_condition), conditions.parse(finding.target_condition))
    return _finding_nodes[key]


def findings_add(survey_id: int, answers: dict[str, Any], sign: int) -> None:
    base_hits, target_hits = [], []
    for finding in Finding.objects.filter(survey_id=survey_id).order_by("pk"):
        base, target = _parsed(finding)
        if conditions.evaluate(base, answers):
            base_hits.append(finding.pk)
            if conditions.evaluate(target, answers):
                target_hits.append(finding.pk)
    if not base_hits:
        return
    qn = connection.ops.quote_name
    table = qn(FindingCount._meta.db_table)
    rows = [(pk, sign, sign if pk in target_hits else 0) for pk in base_hits]
    add = ", ".join(f"{qn(c)} = {table}.{qn(c)} + excluded.{qn(c)}" for c in ("base", "target"))
    values = ", ".join(["(%s, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({qn('finding_id')}, {qn('base')}, {qn('target')}) VALUES {values} "
            f"ON CONFLICT ({qn('finding_id')}) DO UPDATE SET {add}",
            [value for row in rows for value in row],
        )


def response_apply(response: Response, sign: int) -> None:
    """Add (+1) or take out (-1) one response's counts. Call inside a transaction."""
    counter_add(response.survey_id, sign)
    compiled = compiled_version(response.version)
    answers = stored_answers(compiled, response)
    for table, increments in response_increments(compiled, answers).items():
        upsert_add(table, Counter({k: v * sign for k, v in increments.items()}))
    findings_add(response.survey_id, answers, sign)


def _claim(response_id: uuid.UUID | str) -> bool:
    deleted, _ = UncountedResponse.objects.filter(response_id=response_id).delete()
    return deleted > 0


@transaction.atomic
def response_count(response_id: uuid.UUID | str) -> bool:
    """Count a completed response once. Returns False when there was nothing to claim."""
    if not _claim(response_id):
        return False
    _hold_for_fault_test()
    response = Response.objects.select_related("version").filter(pk=response_id).first()
    if response is None or not response.is_counted_kind:
        return False
    response_apply(response, +1)
    return True


def _hold_for_fault_test() -> None:
    """Test hook: with ANALYTICS_HOLD_DIR set (only by the worker-killed test), stop here,
    inside the claiming transaction, so the test can SIGKILL the process mid-count."""
    hold_dir = os.environ.get("ANALYTICS_HOLD_DIR")
    if not hold_dir or not (Path(hold_dir) / "hold").exists():
        return
    (Path(hold_dir) / f"holding-{os.getpid()}").touch()
    while (Path(hold_dir) / "hold").exists():
        time.sleep(0.05)


def response_uncount_on_exclusion(response: Response) -> None:
    """A response leaves the counts: if its marker is still there it was never counted
    (claiming the marker stops a later count); otherwise take its counts out."""
    if not response.is_complete or response.is_test:
        return
    if _claim(response.pk):
        return
    response_apply(response, -1)


def response_recount_on_restore(response: Response) -> None:
    if not response.is_complete or response.is_test:
        return
    UncountedResponse.objects.get_or_create(response_id=response.pk)
    transaction.on_commit(lambda: request_counting(response.pk))
