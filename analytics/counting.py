"""Folding responses into the count tables, exactly once.

A response's "uncounted" marker is claimed by deleting it: `pending_count` locks up to a
batch of markers (skipping those another worker holds) and deletes them, `response_count`
deletes one; only one transaction can win a marker. The claimed responses' increments are
applied in the same transaction with atomic upserts, a few statements per batch, so a
redelivered, retried, duplicated or concurrent task finds no marker and changes nothing,
and a burst of submissions is counted in batches instead of one transaction each.
Every writer updates the survey's SurveyCounter row before touching any count row: that
fixes one lock order (no deadlocks between workers) and lets a reconciliation that holds
the row see a stable set of counted responses.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from analytics.models import (
    COUNT_TABLES,
    TOTAL,
    FindingCount,
    StatusCount,
    SurveyCounter,
    duration_bin,
    rank_row_id,
)
from core.sql import execute, qn
from core.tasks import enqueue_on_commit
from responses.models import Answer, Response, UncountedResponse
from responses.services import ANSWER_FIELDS, answers_from_rows, request_counting
from surveys import conditions
from surveys.models import Finding
from surveys.selectors import CompiledVersion, compiled_version

COUNT_BATCH = 500  # responses claimed per transaction


def response_increments(compiled: CompiledVersion, answers: dict[str, Any], day: date,
                        hidden: Mapping[str, Any] | None = None) -> dict[str, Counter]:
    """The count-table keys one response, completed on `day` with these hidden values,
    contributes to, each with +1: in the total, and in each segment it is in (the choice
    it gave to a segment question, the value of a hidden field with `values`)."""
    definition = compiled.definition
    segments = [TOTAL] + [
        compiled.choice_ids[(q.code, answers[q.code])]
        for q in definition.questions.values()
        if q.segment and isinstance(answers.get(q.code), str)
    ] + [
        compiled.hidden_segment_ids[(code, value)]
        for code, value in sorted((hidden or {}).items())
        if isinstance(value, str) and (code, value) in compiled.hidden_segment_ids
    ]
    cells: Counter = Counter()
    bases: Counter = Counter()
    numbers: Counter = Counter()
    days = Counter((compiled.version_id, day, segment) for segment in segments)
    for code, value in answers.items():
        qid = compiled.question_ids[code]
        keys = definition.questions[code].question_type.count_keys(value)
        picked = [  # (row id, choice id)
            (TOTAL if row is None else compiled.row_ids[(code, row)], compiled.choice_ids[(code, choice)])
            for row, choice in keys.cells
        ]
        row_numbers = [(compiled.row_ids[(code, row)], number) for row, number in keys.row_numbers]
        for segment in segments:
            bases[(compiled.version_id, qid, TOTAL, segment)] += 1
            for row_id, choice_id in picked:
                cells[(compiled.version_id, qid, row_id, choice_id, segment)] += 1
            # A row is a base once per response, however many of its choices were picked.
            for row_id in {row_id for row_id, _ in picked if row_id != TOTAL}:
                bases[(compiled.version_id, qid, row_id, segment)] += 1
            for choice, rank in keys.ranks:
                cells[(compiled.version_id, qid, rank_row_id(rank), compiled.choice_ids[(code, choice)], segment)] += 1
            if keys.number is not None:
                numbers[(compiled.version_id, qid, TOTAL, keys.number, segment)] += 1
            for row_id, number in row_numbers:  # a constant sum: one number per row
                bases[(compiled.version_id, qid, row_id, segment)] += 1
                numbers[(compiled.version_id, qid, row_id, number, segment)] += 1
    return {"cells": cells, "bases": bases, "numbers": numbers, "days": days}


def upsert_add(table: str, increments: Counter, *, locking_survey: int | None = None) -> None:
    """`INSERT ... ON CONFLICT (key) DO UPDATE SET n = n + excluded.n` in one statement,
    keys sorted so that concurrent writers lock rows in the same order. With
    `locking_survey`, the same statement first takes that survey's counter row lock (a
    `counter_add` of 0 in a WITH clause, whose row the insert joins, so it is locked
    before any count row): a move on the form's path in one round trip."""
    items = sorted((k, v) for k, v in increments.items() if v)
    if not items:
        return
    model, key_fields = COUNT_TABLES[table]
    db_table = qn(model._meta.db_table)
    columns = ", ".join(qn(f) for f in (*key_fields, "n"))
    placeholders = "(" + ", ".join(["%s"] * (len(key_fields) + 1)) + ")"
    values, lock = f"VALUES {', '.join([placeholders] * len(items))}", ""
    params: list = []
    if locking_survey is not None:
        lock_sql, params = _counter_add_sql(locking_survey, 0)
        typed = ", ".join(  # a VALUES list in FROM takes its types from its values: cast to the columns'
            f"v.{qn(f)}::{model._meta.get_field(f).db_type(connection)}" for f in (*key_fields, "n")
        )
        lock = f"WITH lock AS ({lock_sql} RETURNING 1) "
        values = f"SELECT {typed} FROM ({values}) AS v ({columns}) CROSS JOIN lock"
    sql = (
        f"{lock}INSERT INTO {db_table} ({columns}) {values} "
        f"ON CONFLICT ({', '.join(qn(f) for f in key_fields)}) "
        f"DO UPDATE SET {qn('n')} = {db_table}.{qn('n')} + excluded.{qn('n')}"
    )
    for key, n in items:
        params.extend(connection.ops.adapt_datefield_value(v) if isinstance(v, date) else v for v in key)
        params.append(n)
    execute(sql, params)


def _counter_add_sql(survey_id: int, delta: int) -> tuple[str, list]:
    table = qn(SurveyCounter._meta.db_table)
    return (
        f"INSERT INTO {table} ({qn('survey_id')}, {qn('responses_counted')}, {qn('last_counted_at')}) "
        f"VALUES (%s, %s, %s) ON CONFLICT ({qn('survey_id')}) DO UPDATE SET "
        f"{qn('responses_counted')} = {table}.{qn('responses_counted')} + excluded.{qn('responses_counted')}, "
        f"{qn('last_counted_at')} = excluded.{qn('last_counted_at')}",
        [survey_id, delta, timezone.now()],
    )


def counter_add(survey_id: int, delta: int) -> None:
    """Takes the survey's counter row lock (see the module docstring) and moves the total."""
    execute(*_counter_add_sql(survey_id, delta))


_finding_nodes: dict[tuple[int, Any], tuple[conditions.Node, conditions.Node]] = {}


def _parsed(finding: Finding) -> tuple[conditions.Node, conditions.Node]:
    key = (finding.pk, finding.updated_at)
    if key not in _finding_nodes:
        if len(_finding_nodes) > 1000:
            _finding_nodes.clear()
        _finding_nodes[key] = (conditions.parse(finding.base_condition), conditions.parse(finding.target_condition))
    return _finding_nodes[key]


def findings_add(findings: list[Finding], answers: dict[str, Any], sign: int, into: Counter) -> None:
    """Adds one response's increments to `into`, keyed (finding id, "base" or "target")."""
    for finding in findings:
        base, target = _parsed(finding)
        if conditions.evaluate(base, answers):
            into[(finding.pk, "base")] += sign
            if conditions.evaluate(target, answers):
                into[(finding.pk, "target")] += sign


def findings_upsert(increments: Counter) -> None:
    finding_ids = sorted({pk for pk, _ in increments})
    if not finding_ids:
        return
    table = qn(FindingCount._meta.db_table)
    add = ", ".join(f"{qn(c)} = {table}.{qn(c)} + excluded.{qn(c)}" for c in ("base", "target"))
    values = ", ".join(["(%s, %s, %s)"] * len(finding_ids))
    params = [v for pk in finding_ids for v in (pk, increments[(pk, "base")], increments[(pk, "target")])]
    execute(
        f"INSERT INTO {table} ({qn('finding_id')}, {qn('base')}, {qn('target')}) VALUES {values} "
        f"ON CONFLICT ({qn('finding_id')}) DO UPDATE SET {add}",
        params,
    )


def responses_apply(responses: list[Response], sign: int) -> None:
    """Add (+1) or take out (-1) the counts of some responses, in the same few statements
    whatever their number. Call inside a transaction."""
    if not responses:
        return
    for survey_id, n in sorted(Counter(r.survey_id for r in responses).items()):
        counter_add(survey_id, sign * n)
    rows: dict[Any, list] = {r.pk: [] for r in responses}
    answers = Answer.objects.filter(response_id__in=list(rows)).order_by("pk")
    for answer in answers.values_list(*ANSWER_FIELDS, named=True):  # rows, not model instances: faster
        rows[answer.response_id].append(answer)
    findings: dict[int, list[Finding]] = {r.survey_id: [] for r in responses}
    for finding in Finding.objects.filter(survey_id__in=list(findings)).order_by("pk"):
        findings[finding.survey_id].append(finding)
    totals: dict[str, Counter] = defaultdict(Counter)
    finding_increments: Counter = Counter()
    for response in responses:
        compiled = compiled_version(response.version)
        answers = answers_from_rows(compiled, rows[response.pk])
        day = timezone.localdate(response.completed_at)
        for table, increments in response_increments(compiled, answers, day, response.hidden).items():
            for key, n in increments.items():
                totals[table][key] += sign * n
        findings_add(findings[response.survey_id], answers, sign, finding_increments)
        if response.timed:  # the form observed it: into the duration histogram
            totals["durations"][(response.version_id, duration_bin(response.duration_seconds))] += sign
    for table, increments in totals.items():
        upsert_add(table, increments)
    findings_upsert(finding_increments)


def response_apply(response: Response, sign: int) -> None:
    responses_apply([response], sign)


def _claim(response_id: uuid.UUID | str) -> bool:
    deleted, _ = UncountedResponse.objects.filter(response_id=response_id).delete()
    return deleted > 0


def _counted_kind(response_ids: list) -> list[Response]:
    responses = Response.objects.select_related("version").filter(pk__in=response_ids).order_by("pk")
    return [r for r in responses if r.is_counted_kind]


@transaction.atomic
def response_count(response_id: uuid.UUID | str) -> bool:
    """Count one completed response once. Returns whether it was counted: False when its
    marker was gone (counted already) or it is not of the counted kind (test, excluded)."""
    if not _claim(response_id):
        return False
    counted = _counted_kind([response_id])
    responses_apply(counted, +1)
    return bool(counted)


@transaction.atomic
def pending_count(*, limit: int = COUNT_BATCH, older_than=None) -> int:
    """Count up to `limit` responses still marked uncounted, oldest first, in one
    transaction. Markers that another transaction holds are skipped (SKIP LOCKED), so
    concurrent workers share a backlog instead of queueing on each other; the markers
    locked here are deleted, a claim no one else can win. Returns how many markers were
    claimed, which can be more than the responses counted (a test or excluded response
    is claimed and counts nothing); fewer than `limit`: nothing more to claim for now."""
    markers = UncountedResponse.objects.select_for_update(skip_locked=True).order_by("created_at")
    if older_than is not None:
        markers = markers.filter(created_at__lt=older_than)
    claimed = list(markers.values_list("response_id", flat=True)[:limit])
    if not claimed:
        return 0
    UncountedResponse.objects.filter(response_id__in=claimed).delete()
    responses_apply(_counted_kind(claimed), +1)
    return len(claimed)


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
    enqueue_on_commit(request_counting, response.pk)


def response_status(response: Response, *, excluded: bool | None = None) -> str | None:
    """Which StatusCount a real response is in: partial, excluded (complete), screened out,
    quota full, or none (complete and counted). `excluded` overrides the response's own
    exclusion (its state before a change)."""
    if response.is_test:
        return None
    if response.status == Response.Status.PARTIAL:
        return StatusCount.PARTIAL
    if response.status == Response.Status.SCREENED_OUT:
        return StatusCount.SCREENED_OUT
    if response.status == Response.Status.QUOTA_FULL:
        return StatusCount.QUOTA_FULL
    if excluded is None:
        excluded = response.excluded_at is not None
    if excluded:
        return StatusCount.EXCLUDED
    return None


def status_move(response: Response, before: str | None, after: str | None) -> None:
    """A response went from one status count to another (None: in none). Call inside the
    transaction of the change; takes the survey's counter row first, like all counting."""
    if before == after:
        return
    counter_add(response.survey_id, 0)
    moves: Counter = Counter()
    for status, sign in ((before, -1), (after, +1)):
        if status is not None:
            moves[StatusCount.key_of(response, status)] += sign
    upsert_add("statuses", moves)


def page_move(response: Response, from_page: int) -> None:
    """A partial real response moved from page `from_page` to its `current_page`: one
    statement takes the survey's counter row lock and moves it between the pages' partial
    counts (the drop-off by page). Call inside the transaction of the move, after the
    response's row was locked (`from_page` read under that lock)."""
    if response.is_test or from_page == response.current_page:
        return
    to_key = StatusCount.key_of(response, StatusCount.PARTIAL)
    from_key = (*to_key[:-1], from_page)
    upsert_add("statuses", Counter({from_key: -1, to_key: +1}), locking_survey=response.survey_id)
