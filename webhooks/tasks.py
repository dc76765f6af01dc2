"""Celery tasks of webhooks: thin, taking ids; the work is in webhooks.services."""

import logging
from datetime import timedelta

from celery import shared_task

from webhooks.services import deliveries_due, delivery_enqueue, delivery_send

logger = logging.getLogger(__name__)

SWEEP_GRACE = timedelta(seconds=10)
SWEEP_BATCH = 500


@shared_task(name="webhooks.deliver")
def deliver_task(delivery_id: int) -> None:
    """Send one delivery; after a failure, send this task again when the back-off is over
    (lost, the sweep sends it then)."""
    retry_in = delivery_send(delivery_id)
    if retry_in is not None:
        delivery_enqueue(delivery_id, countdown=retry_in)


@shared_task(name="webhooks.sweep")
def sweep_deliveries_task() -> int:
    """Send the deliveries due for a while whose task never came: one task each."""
    due = deliveries_due(older_than=SWEEP_GRACE, limit=SWEEP_BATCH)
    for delivery_id in due:
        delivery_enqueue(delivery_id)
    if due:
        logger.info("webhook sweep sent %d delivery task(s)", len(due))
    return len(due)
