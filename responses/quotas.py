"""Quotas: the places a survey has, held by counter rows and claimed in the very
transaction that completes a response.

A quota counts some completed responses of a survey and takes at most `cap` of them. The
survey's response cap is the quota whose condition is always true (code `_cap`): it
counts completed real responses, excluded ones too (an excluded response was fieldwork
done, as the cap always counted it); test responses never take a place. Quotas with a
condition (cells such as role × company size) are further `Quota` subclasses with their
own `counted()` and `holds()`, listed by `survey_quotas`; the claim, the release and the
repair below serve them unchanged.

Why a row: counting the completed responses and then inserting one lets two last
submissions both see a free place. Here a completion's last write is
`UPDATE … SET completes = completes + 1 WHERE completes < cap`: the row lock queues
concurrent completions, each re-reads the row its predecessor committed, and one that
finds no place raises QuotaFull, which rolls its whole completion back. A row is made
from the true count when the cap is set, or on first use (INSERT … ON CONFLICT DO
NOTHING); the reconciliation (analytics.recompute) resets it to the true count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F, QuerySet

from responses.models import QuotaCounter, Response
from surveys.models import Survey

CAP = "_cap"


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

    def counted(self, survey_id: int) -> QuerySet[Response]:
        """The responses holding a place: what the counter is made from and repaired to."""
        return Response.objects.filter(survey_id=survey_id, status=Response.Status.COMPLETE, is_test=False)

    def holds(self, response: Response) -> bool:
        """Whether `response`, complete, takes a place in this quota."""
        return response.is_complete and not response.is_test


@dataclass
class QuotaDrift:
    """A counter found different from the truth by `quota_counters_repair`, and set right."""

    key: str
    found: int
    expected: int


def response_cap_quota(survey: Survey) -> Quota | None:
    return None if survey.response_cap is None else Quota(code=CAP, cap=survey.response_cap)


def survey_quotas(survey: Survey) -> list[Quota]:
    """The quotas of `survey` (no query: read from the survey row)."""
    cap = response_cap_quota(survey)
    return [] if cap is None else [cap]


def quota_claim(*, response: Response, quotas: Sequence[Quota]) -> None:
    """Take a place for `response` (just completed, in the open transaction) in each of
    `quotas` that holds it, or raise QuotaFull. No statement when none holds it; one
    UPDATE when its counters exist and have room.

    Run it as the completion's last write (the row lock is then held only until commit),
    and let QuotaFull leave the completion's atomic block: with several quotas, some may
    have been claimed before one was found full.
    """
    quotas = [quota for quota in quotas if quota.holds(response)]
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


def _claim(survey_id: int, codes: list[str]) -> set[str]:
    """The codes among `codes` whose counter had room and now counts one more."""
    table = connection.ops.quote_name(QuotaCounter._meta.db_table)
    marks = ", ".join(["%s"] * len(codes))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET completes = completes + 1 "
            f"WHERE survey_id = %s AND code IN ({marks}) AND completes < cap RETURNING code",
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


def quota_release(*, response: Response) -> None:
    """Give back the places of `response` before it is deleted (in the deleting
    transaction): a deleted response no longer counts, so its place is free again."""
    codes = [quota.code for quota in survey_quotas(response.survey) if quota.holds(response)]
    if codes:
        # `completes > 0`: a counter that drifted low stays at zero until repaired.
        QuotaCounter.objects.filter(survey_id=response.survey_id, code__in=codes, completes__gt=0).update(
            completes=F("completes") - 1
        )


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
