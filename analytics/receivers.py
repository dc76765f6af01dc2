"""Keeps counts exact when a respondent starts or completes a partial response and when
an admin excludes, restores or deletes a response. The receivers run inside the
transaction of the change (see responses.signals)."""

import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from analytics.counting import (
    response_recount_on_restore,
    response_status,
    response_uncount_on_exclusion,
    status_move,
)
from analytics.models import StatusCount
from responses.signals import (
    response_completed,
    response_deleting,
    response_excluded,
    response_restored,
    response_started,
)
from surveys.models import Finding

logger = logging.getLogger(__name__)


@receiver(response_started)
def _on_started(sender, response, **kwargs):
    status_move(response, None, response_status(response))


@receiver(response_completed)
def _on_completed(sender, response, **kwargs):
    status_move(response, None if response.is_test else StatusCount.PARTIAL, response_status(response))


@receiver(response_excluded)
def _on_excluded(sender, response, **kwargs):
    response_uncount_on_exclusion(response)
    status_move(response, response_status(response, excluded=False), response_status(response))


@receiver(response_deleting)
def _on_deleting(sender, response, **kwargs):
    if response.excluded_at is None:
        response_uncount_on_exclusion(response)
    status_move(response, response_status(response), None)


@receiver(response_restored)
def _on_restored(sender, response, **kwargs):
    response_recount_on_restore(response)
    status_move(response, response_status(response, excluded=True), response_status(response))


@receiver(post_save, sender=Finding)
def _on_finding_saved(sender, instance, **kwargs):
    """A new or edited finding definition is recomputed from the raw answers."""
    from analytics.tasks import recompute_finding_task

    finding_id = instance.pk

    def enqueue() -> None:
        try:
            recompute_finding_task.apply_async(args=[finding_id], retry=False)
        except Exception as exc:  # the hourly reconciliation recomputes it anyway
            logger.warning("could not enqueue the recompute of finding %s: %s", finding_id, exc)

    transaction.on_commit(enqueue)
