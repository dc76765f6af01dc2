"""Celery tasks: thin, idempotent, taking ids. The work lives in counting/recompute."""

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from analytics.counting import COUNT_BATCH, pending_count
from analytics.recompute import finding_recompute, survey_reconcile, surveys_with_counts

logger = logging.getLogger(__name__)

SWEEP_GRACE = timedelta(seconds=5)
SWEEP_BATCH = 2000


@shared_task(name="analytics.count_response")
def count_response_task(response_id: str | None = None) -> int:
    """Sent a moment after a submission (responses/counting_request.py): counts every
    pending response, oldest first, in batches, the ones submitted since it was sent too.
    Returns how many "uncounted" markers it claimed.

    `response_id`, the submission that sent the task, is deliberately unused: the task
    counts the whole backlog (so one task serves a burst of submissions, and a response
    that an earlier task counted is simply not pending any more). It stays in the
    signature so that the name and arguments that senders and already queued messages
    use keep working."""
    total = 0
    while claimed := pending_count():
        total += claimed
        if claimed < COUNT_BATCH:
            break
    return total


@shared_task(name="analytics.sweep_uncounted")
def sweep_uncounted_task() -> int:
    """Counts completed responses still marked uncounted after a few seconds: their task
    was never sent (broker down), lost, or died with its worker. They are claimed as the
    count tasks claim them, so a sweep beside those tasks counts nothing twice."""
    counted = pending_count(limit=SWEEP_BATCH, older_than=timezone.now() - SWEEP_GRACE)
    if counted:
        logger.info("sweep counted %d response(s) left uncounted", counted)
    return counted


@shared_task(name="analytics.reconcile_survey")
def reconcile_survey_task(survey_id: int) -> int:
    run = survey_reconcile(survey_id=survey_id)
    if run and run.cells_repaired:
        logger.warning("reconciliation of survey %s repaired %d cell(s)", survey_id, run.cells_repaired)
    return run.cells_repaired if run else 0


@shared_task(name="analytics.reconcile_all")
def reconcile_all_task() -> None:
    for survey_id in surveys_with_counts():
        reconcile_survey_task.delay(survey_id)


@shared_task(name="analytics.recompute_finding")
def recompute_finding_task(finding_id: int) -> None:
    finding_recompute(finding_id=finding_id)
