"""The full recompute: every count of a survey from the raw answers with GROUP BY, compared
with the count tables; differences are repaired and, for a reconciliation, recorded.

It holds the survey's SurveyCounter row lock for the whole run. Every change to the set of
counted responses (counting, excluding, deleting) takes that lock first, so all queries
here see the same counted set, and counting that runs beside it waits, then adds on top:
no drift. A response still marked uncounted is left out here; its own count adds it.
The counters of the survey's quotas (its response cap) are set to the true number of
places taken too, by `responses.quotas.quota_counters_repair`, and recorded as repairs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Value
from django.db.models.fields.json import KT
from django.db.models.functions import TruncDate
from django.utils import timezone

from analytics.condition_sql import LeafSet, compile_condition
from analytics.models import (
    COUNT_TABLES,
    TOTAL,
    FindingCount,
    Reconciliation,
    Repair,
    StatusCount,
    SurveyCounter,
    duration_bin,
    rank_row_id,
)
from analytics.tables import code_maps
from core.sql import fetch, marks, qn
from responses.models import Answer, Response, counted_q, counted_sql
from responses.quotas import quota_counters_repair
from surveys import conditions
from surveys.models import Finding, Question, Survey, SurveyVersion
from surveys.selectors import CompiledVersion, compiled_version
from surveys.types import type_names


def expected_counts(survey_id: int) -> tuple[dict[str, Counter], int]:
    """Every count of the survey from the raw answers, and the number of counted responses."""
    counted, counted_params = counted_sql("r")
    where, params = f"r.survey_id = %s AND {counted}", [survey_id, *counted_params]
    counts = {name: Counter() for name in COUNT_TABLES}
    multi_ids = _question_ids(survey_id, type__in=type_names(many_rows=True))
    multi_row_ids = _question_ids(survey_id, type__in=type_names(has_rows=True, picks_many=True))
    segment_ids = _segment_question_ids(survey_id)
    compiled = [compiled_version(v) for v in SurveyVersion.objects.filter(survey_id=survey_id).order_by("pk")]
    number_ids = _question_ids(survey_id, type__in=type_names(numeric=True))
    rank_ids = _question_ids(survey_id, type__in=type_names(ranks=True))
    for table, key, n in grouped_counts(
        where, params, segment_ids=segment_ids, multi_ids=multi_ids, number_ids=number_ids,
        multi_row_ids=multi_row_ids, rank_ids=rank_ids, hidden_segments=hidden_segment_columns(compiled),
    ):
        counts[table][key] += n
    counts["days"] = expected_days(survey_id, segment_ids, compiled)
    counts["statuses"] = expected_statuses(survey_id)
    counts["durations"] = expected_durations(survey_id)
    responses = qn(Response._meta.db_table)
    total = fetch(f"SELECT COUNT(*) FROM {responses} r WHERE {where}", params)[0][0]
    return counts, total


def grouped_counts(where: str, params: list, *, segment_ids: list[int], multi_ids: list[int],
                   number_ids: list[int], question_ids: list[int] | None = None,
                   multi_row_ids: list[int] = (), rank_ids: list[int] = (),
                   hidden_segments: list[tuple[str, list]] = ()):
    """The count-table rows of the answers (alias `a`) of the responses (alias `r`) that
    `where` selects, from GROUP BY queries: yields (table, key, n) with keys of ids as in
    the count tables, a key possibly more than once (callers add them up).

    Each query runs once per segment question, LEFT JOINed to the respondent's answer to it:
    a segment question is single-choice (one answer per response), so the totals (segment
    0) are the sum over its values, unanswered (NULL) included, and are taken from the first
    segment question's run. One query gives the cells and, summed over the choices, every
    base but those of whole multiple-choice and matrix questions (`multi_ids`), which have
    several answers per response and are counted per response, one query each; `number_ids`
    (numeric questions) have their values counted. The rows of `multi_row_ids` (matrices
    of several choices per row) have several answers per response too: their row bases are
    counted per response, one query for all of them. The answers of rankings (`rank_ids`)
    are counted once more by (rank, choice), the rank in the row's place (`rank_row_id`).
    `question_ids` restricts to some questions (None: all). Hidden fields with `values` are
    segments too (`hidden_segments`, from `hidden_segment_columns`): a run each, its segment
    column read from the response's row (one value per response, as a segment question)."""
    responses, answers = qn(Response._meta.db_table), qn(Answer._meta.db_table)
    restrict, restrict_params = "", []
    if question_ids is not None:
        multi_ids = [q for q in multi_ids if q in question_ids]
        multi_row_ids = [q for q in multi_row_ids if q in question_ids]
        rank_ids = [q for q in rank_ids if q in question_ids]
        number_ids = [q for q in number_ids if q in question_ids]
        restrict, restrict_params = f" AND a.question_id IN ({marks(question_ids)})", list(question_ids)
    variants = [
        ("s.choice_id", f" LEFT JOIN {answers} s ON s.response_id = r.id AND s.question_id = %s", [sid])
        for sid in segment_ids
    ] + [(column, "", column_params) for column, column_params in hidden_segments] or [("NULL", "", [])]
    multi, multi_rows = set(multi_ids), set(multi_row_ids)
    for run, (segment_col, segment_join, segment_params) in enumerate(variants):

        def keyed(table: str, key: tuple, segment, n: int, totals: bool = run == 0):
            if segment is not None:
                yield table, (*key, int(segment)), n
            if totals:
                yield table, (*key, TOTAL), n

        answers_from = f"FROM {answers} a JOIN {responses} r ON r.id = a.response_id{segment_join} WHERE {where}"
        for v, q, row, choice, segment, n in fetch(
            f"SELECT r.version_id, a.question_id, COALESCE(a.row_id, 0), a.choice_id, {segment_col}, COUNT(*) "
            f"{answers_from}{restrict} GROUP BY 1, 2, 3, 4, 5",
            [*segment_params, *params, *restrict_params],
        ):
            v, q, row = int(v), int(q), int(row)
            if choice is not None:
                yield from keyed("cells", (v, q, row, int(choice)), segment, n)
            if (row and q not in multi_rows) or (not row and q not in multi):  # one answer per response and row
                yield from keyed("bases", (v, q, row), segment, n)
        if multi_row_ids:
            for v, q, row, segment, n in fetch(
                f"SELECT r.version_id, a.question_id, a.row_id, {segment_col}, COUNT(DISTINCT r.id) {answers_from} "
                f"AND a.question_id IN ({marks(multi_row_ids)}) GROUP BY 1, 2, 3, 4",
                [*segment_params, *params, *multi_row_ids],
            ):
                yield from keyed("bases", (int(v), int(q), int(row)), segment, n)
        if rank_ids:
            for v, q, rank, choice, segment, n in fetch(
                f"SELECT r.version_id, a.question_id, a.number, a.choice_id, {segment_col}, COUNT(*) {answers_from} "
                f"AND a.choice_id IS NOT NULL AND a.number IS NOT NULL AND a.question_id IN ({marks(rank_ids)}) "
                "GROUP BY 1, 2, 3, 4, 5",
                [*segment_params, *params, *rank_ids],
            ):
                yield from keyed("cells", (int(v), int(q), rank_row_id(int(rank)), int(choice)), segment, n)
        for q in multi_ids:  # one query per question: a semi-join the planner hashes
            for v, segment, n in fetch(
                f"SELECT r.version_id, {segment_col}, COUNT(*) FROM {responses} r{segment_join} WHERE {where} "
                f"AND r.id IN (SELECT a.response_id FROM {answers} a WHERE a.question_id = %s) GROUP BY 1, 2",
                [*segment_params, *params, q],
            ):
                yield from keyed("bases", (int(v), q, 0), segment, n)
        if number_ids:
            for v, q, row, number, segment, n in fetch(
                f"SELECT r.version_id, a.question_id, COALESCE(a.row_id, 0), a.number, {segment_col}, COUNT(*) "
                f"{answers_from} AND a.number IS NOT NULL AND a.question_id IN ({marks(number_ids)}) "
                f"GROUP BY 1, 2, 3, 4, 5",
                [*segment_params, *params, *number_ids],
            ):
                yield from keyed("numbers", (int(v), int(q), int(row), _decimal(number)), segment, n)


def hidden_segment_columns(compiled: list[CompiledVersion], code: str | None = None) -> list[tuple[str, list]]:
    """Per hidden field with `values` (by code, over the versions; only `code` when given):
    an SQL expression over the response alias `r` giving its segment key
    (`CompiledVersion.hidden_segment_ids`), or NULL for a response without one of the
    values, and its parameters."""
    keys: dict[str, list[tuple[int, str, int]]] = {}
    for version in compiled:
        for (field_code, value), key in version.hidden_segment_ids.items():
            if code is None or field_code == code:
                keys.setdefault(field_code, []).append((version.version_id, value, key))
    columns = []
    for field_code, triples in sorted(keys.items()):
        whens = " ".join(["WHEN r.version_id = %s AND r.hidden ->> %s = %s THEN %s"] * len(triples))
        columns.append((f"(CASE {whens} END)", [p for v, value, key in triples for p in (v, field_code, value, key)]))
    return columns


def counted_responses(survey_id: int):
    """The survey's counted responses (`responses.models.counted_q`)."""
    return Response.objects.filter(counted_q(), survey_id=survey_id)


def expected_days(survey_id: int, segment_ids: list[int], compiled: list[CompiledVersion] = ()) -> Counter:
    """Counted responses per (version, local completion day, segment choice): one GROUP BY
    for the totals, one over the segment questions' answers and one per hidden field with
    `values` of the `compiled` versions (keyed as `CompiledVersion.hidden_segment_ids`)."""
    counted = counted_responses(survey_id).annotate(day=TruncDate("completed_at"))
    days: Counter = Counter()
    for version_id, day, n in counted.values_list("version_id", "day").annotate(n=Count("pk")).order_by():
        days[(version_id, day, TOTAL)] += n
    if segment_ids:
        answers = Answer.objects.filter(
            question_id__in=segment_ids, choice_id__isnull=False,
            response__in=counted.values("pk"),
        ).annotate(day=TruncDate("response__completed_at"))
        for version_id, day, choice_id, n in (
            answers.values_list("response__version_id", "day", "choice_id").annotate(n=Count("pk")).order_by()
        ):
            days[(version_id, day, choice_id)] += n
    keys = {(c.version_id, *segment): key for c in compiled for segment, key in c.hidden_segment_ids.items()}
    for code in sorted({code for _, code, _ in keys}):
        values = counted.annotate(value=KT(f"hidden__{code}")).filter(value__isnull=False)
        grouped = values.values_list("version_id", "day", "value").annotate(n=Count("pk")).order_by()
        for version_id, day, value, n in grouped:
            if (version_id, code, value) in keys:
                days[(version_id, day, keys[(version_id, code, value)])] += n
    return days


def expected_statuses(survey_id: int) -> Counter:
    """Real responses per status count key (`StatusCount.key_of`): partial ones per
    (version, local day started, page they are on), the others per (version, local day
    ended): one GROUP BY per status."""
    real = Response.objects.filter(survey_id=survey_id, is_test=False)
    statuses: Counter = Counter()
    for status, (which, field) in StatusCount.KINDS.items():
        page = F("current_page") if status == StatusCount.PARTIAL else Value(0)
        for version_id, day, on_page, n in (
            real.filter(which).annotate(day=TruncDate(field), on_page=page).values_list("version_id", "day", "on_page")
            .annotate(n=Count("pk")).order_by()
        ):
            statuses[(version_id, status, day, on_page)] += n
    return statuses


def expected_durations(survey_id: int) -> Counter:
    """Timed counted responses per (version, duration bin). The bins are computed here from
    each response's times, as the counting does, so that both round alike."""
    durations: Counter = Counter()
    timed = counted_responses(survey_id).filter(timed=True)
    for version_id, started, completed in timed.values_list("version_id", "started_at", "completed_at").iterator():
        durations[(version_id, duration_bin((completed - started).total_seconds()))] += 1
    return durations


def _decimal(value) -> Decimal:
    return Decimal(str(value)).normalize() if value is not None else Decimal(0)


def _segment_question_ids(survey_id: int) -> list[int]:
    return _question_ids(survey_id, is_segment=True)


def _question_ids(survey_id: int, **filters) -> list[int]:
    return list(
        Question.objects.filter(version__survey_id=survey_id, **filters).order_by("pk").values_list("pk", flat=True)
    )


def expected_findings(survey_id: int, findings: list[Finding] | None = None) -> dict[int, tuple[int, int]]:
    """(base, target) of each finding from the raw answers of the survey's counted responses."""
    if findings is None:
        findings = list(Finding.objects.filter(survey_id=survey_id))
    if not findings:
        return {}
    versions = SurveyVersion.objects.filter(survey_id=survey_id).exclude(status=SurveyVersion.Status.DRAFT)
    counted = counted_sql("r")
    totals = findings_counts(findings, [compiled_version(v) for v in versions], lambda _: counted)
    return {finding.pk: total for finding, total in zip(findings, totals, strict=True)}


def expected_finding(finding: Finding) -> tuple[int, int]:
    return expected_findings(finding.survey_id, [finding])[finding.pk]


def findings_counts(findings: list[Finding], versions: list[CompiledVersion],
                    where: Callable[[CompiledVersion], tuple[str, list]]) -> list[tuple[int, int]]:
    """(base, target) of each finding, in the order given, over the responses (alias `r`)
    of each version that the predicate `where(version)` (sql, params) selects: the counted
    responses for the full recompute, the counted ones within the filters for pages.

    Per version, one GROUP BY over the responses' answers yields every condition leaf as a
    per-response flag; only the answers some leaf looks at are joined (the others would
    add 0 to every flag), which reads far fewer rows."""
    if not findings:
        return []
    parsed = [(conditions.parse(f.base_condition), conditions.parse(f.target_condition)) for f in findings]
    totals = [(0, 0)] * len(findings)
    responses, answers = qn(Response._meta.db_table), qn(Answer._meta.db_table)
    for version in versions:
        leaves = LeafSet()
        expressions = [
            (compile_condition(base, version, leaves), compile_condition(target, version, leaves))
            for base, target in parsed
        ]
        flags, flag_params = leaves.flag_columns()
        relevant, relevant_params = leaves.any_leaf()
        sums = ", ".join(
            f"COALESCE(SUM(CASE WHEN {b} THEN 1 ELSE 0 END), 0), "
            f"COALESCE(SUM(CASE WHEN {b} AND {t} THEN 1 ELSE 0 END), 0)"
            for b, t in expressions
        )
        selected, selected_params = where(version)
        row = fetch(
            f"SELECT {sums} FROM (SELECT r.id, {flags} FROM {responses} r "
            f"LEFT JOIN {answers} a ON a.response_id = r.id AND {relevant} "
            f"WHERE r.version_id = %s AND {selected} GROUP BY r.id) flags",
            [*flag_params, *relevant_params, version.version_id, *selected_params],
        )[0]
        totals = [(base + int(row[2 * i]), target + int(row[2 * i + 1])) for i, (base, target) in enumerate(totals)]
    return totals


def _stored_counts(survey_id: int) -> dict[str, Counter]:
    version_ids = list(SurveyVersion.objects.filter(survey_id=survey_id).values_list("pk", flat=True))
    stored = {}
    for name, (model, fields) in COUNT_TABLES.items():
        counter: Counter = Counter()
        for row in model.objects.filter(version_id__in=version_ids).values_list(*fields, "n"):
            key = tuple(_decimal(v) if f == "value" else v for f, v in zip(fields, row[:-1], strict=True))
            counter[key] = row[-1]
        stored[name] = counter
    return stored


@transaction.atomic
def survey_reconcile(*, survey_id: int, record: bool = True) -> Reconciliation | None:
    """Recompute every count of the survey, repair the tables, and record the repairs."""
    SurveyCounter.objects.get_or_create(survey_id=survey_id)
    counter = SurveyCounter.objects.select_for_update().get(survey_id=survey_id)
    expected, total = expected_counts(survey_id)
    stored = _stored_counts(survey_id)
    repairs: list[Repair] = []
    checked = 0
    describe = _Describer(survey_id)
    for name, (model, fields) in COUNT_TABLES.items():
        to_set, to_delete = [], []
        for key in set(expected[name]) | set(stored[name]):
            checked += 1
            want, have = expected[name].get(key, 0), stored[name].get(key, 0)
            if want == have:
                continue
            if want:
                to_set.append(model(**dict(zip(fields, key, strict=True)), n=want))
            else:
                to_delete.append(key)
            repairs.append(Repair(table=name, key=describe(name, key), found=have, expected=want))
        # Set the repaired cells to their recomputed value in one statement per batch.
        model.objects.bulk_create(
            to_set, batch_size=500, update_conflicts=True, unique_fields=list(fields), update_fields=["n"]
        )
        for key in to_delete:
            model.objects.filter(**dict(zip(fields, key, strict=True))).delete()
    findings = list(Finding.objects.filter(survey_id=survey_id))
    finding_totals = expected_findings(survey_id, findings)
    for finding in findings:
        base, target = finding_totals[finding.pk]
        row, _ = FindingCount.objects.get_or_create(finding=finding)
        checked += 2
        for column, want in (("base", base), ("target", target)):
            have = getattr(row, column)
            if have != want:
                repairs.append(Repair(table="findings", key=f"{finding.code}.{column}", found=have, expected=want))
        if (row.base, row.target) != (base, target):
            row.base, row.target = base, target
        row.recomputed_at = timezone.now()
        row.save()
    if counter.responses_counted != total:
        repairs.append(
            Repair(table="responses", key="responses_counted", found=counter.responses_counted, expected=total)
        )
        counter.responses_counted = total
    # Last, so that the cap's counter row (which every completion of a capped survey
    # waits for) is locked only for the rest of this transaction.
    for drift in quota_counters_repair(survey=Survey.objects.get(pk=survey_id)):
        repairs.append(Repair(table="quotas", key=drift.key, found=drift.found, expected=drift.expected))
    now = timezone.now()
    counter.last_reconciled_at = now
    counter.save()
    if not record:
        return None
    run = Reconciliation.objects.create(
        survey_id=survey_id, finished_at=now, cells_checked=checked, cells_repaired=len(repairs)
    )
    for repair in repairs:
        repair.reconciliation = run
    Repair.objects.bulk_create(repairs)
    return run


@transaction.atomic
def finding_recompute(*, finding_id: int) -> FindingCount | None:
    finding = Finding.objects.filter(pk=finding_id).first()
    if finding is None:
        return None
    SurveyCounter.objects.get_or_create(survey_id=finding.survey_id)
    SurveyCounter.objects.select_for_update().get(survey_id=finding.survey_id)
    base, target = expected_finding(finding)
    row, _ = FindingCount.objects.update_or_create(
        finding=finding, defaults={"base": base, "target": target, "recomputed_at": timezone.now()}
    )
    return row


class _Describer:
    """Names a cell's key by code, e.g. 'v1 company_usage.twitter=none [role=it]'."""

    def __init__(self, survey_id: int):
        self.versions = {
            v.pk: (v.number, code_maps(compiled_version(v)))
            for v in SurveyVersion.objects.filter(survey_id=survey_id).exclude(status=SurveyVersion.Status.DRAFT)
        }

    def __call__(self, table: str, key: tuple) -> str:
        number, (questions, rows, choices) = self.versions.get(key[0], ("?", ({}, {}, {})))
        if table == "statuses":
            page = f" on page {key[3] + 1}" if key[1] == StatusCount.PARTIAL else ""
            return f"v{number} {key[1]} {key[2]:%Y-%m-%d}{page}"
        if table == "durations":
            return f"v{number} duration from {key[1]} s"
        if table == "days":
            text = f"v{number} completed {key[1]:%Y-%m-%d}"
        else:
            text = f"v{number} {questions.get(key[1], f'#{key[1]}')}"
        if table in ("cells", "bases", "numbers") and key[2]:
            text += "." + rows.get(key[2], f"#{key[2]}")
        if table == "cells":
            text += "=" + choices.get(key[3], ("", f"#{key[3]}"))[1]
        elif table == "numbers":
            text += f"={key[3]:f}"
        if key[-1]:
            text += " [{}={}]".format(*choices.get(key[-1], ("?", f"#{key[-1]}")))
        return text


def surveys_with_counts() -> list[int]:
    return list(Survey.objects.filter(versions__status=SurveyVersion.Status.OPEN).values_list("pk", flat=True))
