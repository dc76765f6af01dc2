"""Quotas: the places a survey has, held by counter rows and claimed in the very
transaction that completes a response.

A quota counts some completed responses of a survey and takes at most `cap` of them. The
survey's response cap is the quota whose condition is always true (code `_cap`): it
counts completed real responses, excluded ones too (an excluded response was fieldwork
done, as the cap always counted it); test responses never take a place. Quotas with a
condition (cells such as role × company size, `surveys.models.Quota`) are
`ConditionQuota`: they count the completed real responses that meet their condition and
are not excluded (excluding a response frees its place, restoring it takes the place
back even over the limit), and a closed one takes no more. `survey_quotas` lists them all;
the claim, the release and the repair below serve them alike.

Why a row: counting the completed responses and then inserting one lets two last
submissions both see a free place. Here a completion's last write is
`UPDATE … SET completes = completes + 1 WHERE completes < cap`: the row lock queues
concurrent completions, each re-reads the row its predecessor committed, and one that
finds no place raises QuotaFull, which rolls its whole completion back. A row is made
from the true count when the cap is set, or on first use (INSERT … ON CONFLICT DO
NOTHING); the reconciliation (analytics.recompute) resets it to the true count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import F, QuerySet

from core.sql import qn
from responses.models import Answer, QuotaCounter, Response
from surveys import conditions
from surveys.definition import QuotaDef, SurveyDef
from surveys.models import Quota as QuotaRow
from surveys.models import Survey
from surveys.selectors import CompiledVersion

CAP = "_cap"


class _Row(NamedTuple):
    response_id: Any
    question_id: int
    row_id: int | None
    choice_id: int | None
    number: Any
    date: Any
    text: str | None


class QuotaFull(Exception):
    """No place left in a quota the response falls in: its completion must roll back."""

    def __init__(self, codes: Sequence[str]):
        self.codes = list(codes)
        super().__init__(f"no place left in {', '.join(self.codes)}")


@dataclass(frozen=True)
class Quota:
    """A quota of a survey: its code, its cap, and which completed responses it counts.
    This base class is the response cap, whose condition is always true."""

    code: str
    cap: int
    # Whether an excluded response keeps its place (the cap's fieldwork done) or frees it.
    keeps_excluded = True

    def counted(self, survey_id: int) -> QuerySet[Response]:
        """The responses holding a place: what the counter is made from and repaired to."""
        return Response.objects.filter(survey_id=survey_id, status=Response.Status.COMPLETE, is_test=False)

    def holds(self, response: Response, answers: Mapping[str, Any] | None = None) -> bool:
        """Whether `response`, complete, takes a place in this quota (`answers`: its answers
        with its hidden values, which a quota with a condition reads)."""
        return response.is_complete and not response.is_test


@dataclass(frozen=True)
class ConditionQuota(Quota):
    """A quota of the completes meeting a condition (`surveys.models.Quota`); `cap` is its
    limit, or 0 when closed. An excluded response frees its place."""

    condition: str = ""
    keeps_excluded = False

    @cached_property
    def node(self) -> conditions.Node:
        return conditions.parse(self.condition)

    def counted(self, survey_id: int) -> QuerySet[Response]:
        # The condition read on stored answers in Python, over the survey's completes: only
        # for making and repairing a counter, never on a respondent's path.
        candidates = super().counted(survey_id).filter(excluded_at__isnull=True)
        held = [pk for pk, answers in responses_answers(candidates) if conditions.evaluate(self.node, answers)]
        return Response.objects.filter(pk__in=held)

    def holds(self, response: Response, answers: Mapping[str, Any] | None = None) -> bool:
        if not super().holds(response) or response.excluded_at is not None:
            return False
        if answers is None:
            answers = next(iter(responses_answers(Response.objects.filter(pk=response.pk))))[1]
        return conditions.evaluate(self.node, answers)


def responses_answers(responses: QuerySet[Response]):
    """(id, answers with hidden values) of each response, read back from its Answer rows."""
    # Imported here: responses.services claims places, and rebuilds answers from rows.
    from responses.services import ANSWER_FIELDS, answers_from_rows
    from surveys.selectors import compiled_version

    rows = list(responses.select_related("version"))
    by_response: dict = defaultdict(list)
    for answer in Answer.objects.filter(response__in=[r.pk for r in rows]).values_list(*ANSWER_FIELDS):
        by_response[answer[0]].append(_Row(*answer))
    for response in rows:
        compiled = compiled_version(response.version)
        yield response.pk, {**response.hidden_values, **answers_from_rows(compiled, by_response[response.pk])}


@dataclass
class QuotaDrift:
    """A counter found different from the truth by `quota_counters_repair`, and set right."""

    key: str
    found: int
    expected: int


def response_cap_quota(survey: Survey) -> Quota | None:
    return None if survey.response_cap is None else Quota(code=CAP, cap=survey.response_cap)


def condition_quota(quota: QuotaRow | QuotaDef) -> ConditionQuota:
    return ConditionQuota(code=quota.code, cap=0 if quota.closed else quota.limit, condition=quota.condition)


def survey_quotas(survey: Survey, definition: SurveyDef | None = None) -> list[Quota]:
    """The quotas of `survey`: its response cap (read from the survey row) and its quotas
    with a condition, read from `definition` (a compiled version's: no query) or else from
    their rows. A compiled definition is recompiled whenever a quota changes; and a
    completion compares with the counter row's own cap, never with these limits."""
    cap = response_cap_quota(survey)
    quotas: list[Quota] = [] if cap is None else [cap]
    rows = definition.quotas if definition is not None else QuotaRow.objects.filter(survey_id=survey.pk)
    return quotas + [condition_quota(row) for row in rows]


def quota_claim(*, response: Response, quotas: Sequence[Quota], answers: Mapping[str, Any] | None = None) -> None:
    """Take a place for `response` (just completed, in the open transaction) in each of
    `quotas` that holds it (`answers`: its answers and hidden values), or raise QuotaFull.
    No statement when none holds it; one UPDATE when its counters exist and have room.

    Run it as the completion's last write (the row lock is then held only until commit),
    and let QuotaFull leave the completion's atomic block: with several quotas, some may
    have been claimed before one was found full.
    """
    quotas = [quota for quota in quotas if quota.holds(response, answers)]
    if not quotas:
        return
    if not connection.in_atomic_block:
        raise RuntimeError("quota_claim must run inside the transaction that completes the response")
    survey_id = response.survey_id
    claimed = _claim(survey_id, [quota.code for quota in quotas])
    unclaimed = [quota for quota in quotas if quota.code not in claimed]
    if not unclaimed:
        return
    # Full, or a counter not made yet: make the missing ones (a concurrent first use may
    # make them too; ON CONFLICT keeps one) and try those places once more.
    existing = set(
        QuotaCounter.objects.filter(survey_id=survey_id, code__in=[q.code for q in unclaimed])
        .values_list("code", flat=True)
    )
    missing = [quota for quota in unclaimed if quota.code not in existing]
    if missing:
        _counters_create(survey_id, missing, leave_out=response.pk)
        claimed = _claim(survey_id, [quota.code for quota in unclaimed])
        unclaimed = [quota for quota in unclaimed if quota.code not in claimed]
    if unclaimed:
        raise QuotaFull([quota.code for quota in unclaimed])


def quota_full_after_page(
    survey: Survey, compiled: CompiledVersion, answers: Mapping[str, Any], index: int
) -> QuotaDef | None:
    """The early check: a quota decidable by the end of page `index` that `answers` (with the
    hidden values) fall in and that has no place left, so the respondent is not asked the
    rest of the survey for nothing. Advice only: no place is reserved (one that is free now
    may be gone at completion, where `quota_claim` decides). No query unless some decidable
    quota holds the answers; then one read of their counters."""
    holding = {
        quota.code: quota for quota, node, page in compiled.quota_pages
        if page <= index and conditions.evaluate(node, answers)
    }
    if not holding:
        return None
    closed = [quota for quota in holding.values() if quota.closed or quota.limit <= 0]
    if closed:
        return closed[0]
    full = QuotaCounter.objects.filter(survey_id=survey.pk, code__in=holding, completes__gte=F("cap"))
    code = full.order_by("code").values_list("code", flat=True).first()
    return holding[code] if code is not None else None


def _claim(survey_id: int, codes: list[str]) -> set[str]:
    """The codes among `codes` whose counter had room and now counts one more.

    The rows are locked in id order first (the subquery's FOR UPDATE): two completions
    falling in the same two quotas would otherwise lock them in whatever order each
    UPDATE's scan met them, and could deadlock."""
    table = qn(QuotaCounter._meta.db_table)
    marks = ", ".join(["%s"] * len(codes))
    # SQLite (`make run`) has no FOR UPDATE and needs none: it serialises writers.
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET completes = completes + 1 WHERE id IN ("
            f"SELECT id FROM {table} WHERE survey_id = %s AND code IN ({marks}) ORDER BY id{lock}"
            f") AND completes < cap RETURNING code",
            [survey_id, *codes],
        )
        return {code for (code,) in cursor.fetchall()}


def _counters_create(survey_id: int, quotas: Sequence[Quota], *, leave_out=None) -> None:
    """Counters for `quotas` from the true count, unless they exist. `leave_out`: the
    response being completed, which claims its own place afterwards."""
    rows = []
    for quota in quotas:
        counted = quota.counted(survey_id)
        if leave_out is not None:
            counted = counted.exclude(pk=leave_out)
        rows.append(QuotaCounter(survey_id=survey_id, code=quota.code, cap=quota.cap, completes=counted.count()))
    QuotaCounter.objects.bulk_create(rows, ignore_conflicts=True)


def quota_release(*, response: Response, excluding: bool = False) -> None:
    """Give back the places of `response` before it is deleted, or (`excluding`) those an
    excluded response no longer holds, in the deleting or excluding transaction: the
    response no longer counts there, so its place is free again."""
    quotas = [q for q in survey_quotas(response.survey) if not (excluding and q.keeps_excluded)]
    codes = [quota.code for quota in quotas if quota.holds(response)]
    if codes:
        # `completes > 0`: a counter that drifted low stays at zero until repaired.
        QuotaCounter.objects.filter(survey_id=response.survey_id, code__in=codes, completes__gt=0).update(
            completes=F("completes") - 1
        )


def quota_retake(*, response: Response) -> None:
    """A restored response takes back the places its exclusion freed, over the limit if
    others took them meanwhile (the quota table shows it): it was fieldwork done."""
    codes = [q.code for q in survey_quotas(response.survey) if not q.keeps_excluded and q.holds(response)]
    if codes:
        QuotaCounter.objects.filter(survey_id=response.survey_id, code__in=codes).update(
            completes=F("completes") + 1
        )


@transaction.atomic
def quota_counter_sync(*, survey: Survey, code: str) -> None:
    """Make the counter of the quota `code` follow its limit (or its closing) after an edit,
    and go when the quota is gone (`response_cap_sync` does the same for the cap)."""
    row = QuotaRow.objects.filter(survey=survey, code=code).first()
    counters = QuotaCounter.objects.filter(survey=survey, code=code)
    if row is None:
        counters.delete()
        return
    quota = condition_quota(row)
    if not counters.update(cap=quota.cap):
        _counters_create(survey.pk, [quota])
        counters.update(cap=quota.cap)


@transaction.atomic
def response_cap_sync(*, survey: Survey) -> None:
    """Make the cap's counter follow `survey.response_cap` after it was set, raised,
    lowered or removed (the claim compares with the counter's own cap)."""
    counters = QuotaCounter.objects.filter(survey=survey, code=CAP)
    if survey.response_cap is None:
        # Completions stop claiming: a counter kept would go stale, so a cap set again
        # later starts from a fresh count.
        counters.delete()
        return
    if not counters.update(cap=survey.response_cap):
        _counters_create(survey.pk, [response_cap_quota(survey)])
        # A first use may have made it between the UPDATE and the INSERT, with the old cap.
        counters.update(cap=survey.response_cap)


@transaction.atomic
def quota_counters_repair(*, survey: Survey) -> list[QuotaDrift]:
    """Set each counter of `survey` to the true count of the responses holding a place
    (and to its quota's cap); counters of quotas that no longer exist go. Returns what
    differed. Counters not made yet are left to their first use."""
    quotas = {quota.code: quota for quota in survey_quotas(survey)}
    # The row locks wait for completions that have claimed a place and not yet committed,
    # and hold back new claims: the counts below, each a statement of its own (a fresh
    # snapshot under READ COMMITTED), see exactly the places taken.
    counters = list(QuotaCounter.objects.select_for_update().filter(survey=survey).order_by("code"))
    drift: list[QuotaDrift] = []
    for counter in counters:
        quota = quotas.get(counter.code)
        if quota is None:
            drift.append(QuotaDrift(key=f"{counter.code} (no such quota)", found=counter.completes, expected=0))
            counter.delete()
            continue
        completes = quota.counted(survey.pk).count()
        changed = []
        if counter.completes != completes:
            drift.append(QuotaDrift(key=counter.code, found=counter.completes, expected=completes))
            counter.completes = completes
            changed.append("completes")
        if counter.cap != quota.cap:
            drift.append(QuotaDrift(key=f"{counter.code}.cap", found=counter.cap, expected=quota.cap))
            counter.cap = quota.cap
            changed.append("cap")
        if changed:
            counter.save(update_fields=changed)
    return drift


@dataclass
class QuotaLine:
    """A line of the live quota table: completes holding a place, the limit, what is left."""

    code: str
    label: str
    condition: str
    completes: int
    limit: int
    closed: bool = False

    @property
    def remaining(self) -> int:
        return 0 if self.closed else max(self.limit - self.completes, 0)

    @property
    def over(self) -> int:
        """Completes beyond the limit: restored responses, or a limit lowered under the count."""
        return max(self.completes - self.limit, 0)


def quota_table(survey: Survey) -> list[QuotaLine]:
    """The survey's quotas, the cap first, with the places taken read from the counter rows
    (two queries); a counter not made yet counts as none taken."""
    taken = dict(QuotaCounter.objects.filter(survey=survey).values_list("code", "completes"))
    lines = []
    if survey.response_cap is not None:
        lines.append(QuotaLine(code=CAP, label="Response cap", condition="", completes=taken.get(CAP, 0),
                               limit=survey.response_cap))
    for row in QuotaRow.objects.filter(survey=survey).order_by("position", "pk"):
        lines.append(QuotaLine(code=row.code, label=row.label, condition=row.condition,
                               completes=taken.get(row.code, 0), limit=row.limit, closed=row.closed))
    return lines
