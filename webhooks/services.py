"""Writes of webhooks: keeping the survey's "notify" flag with its webhooks, the outbox rows
of a completion, sending a delivery (with its back-off) and replaying one.

The outbox row is written in the completion's transaction (the `response_ended` signal,
sent only for surveys with webhooks), and its task is sent after the commit. Sending takes
the delivery with a conditional UPDATE that pushes its next attempt a lease ahead: a task
and the sweep (or two copies of a task) never send it at the same time, and a worker that
dies mid-send leaves it to the sweep once the lease is over. A receiver may still get a
delivery twice (it answered, and the worker died before recording it): the
X-Survey-Delivery header identifies it.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from core.sql import fetch, qn
from core.tasks import enqueue, enqueue_on_commit
from responses.models import Response
from responses.sequence import survey_notify_set
from results.response_feed import personal_codes, responses_payloads
from results.responses_api import FeedResponseSerializer
from webhooks.models import Attempt, Delivery, Webhook
from webhooks.sending import post
from webhooks.signing import DELIVERY_HEADER, signature_headers
from webhooks.targets import TargetRefused, target_resolve

logger = logging.getLogger(__name__)

EVENT = "response.completed"


def _notify_sync(survey_id: int) -> None:
    survey_notify_set(survey_id=survey_id, notify=Webhook.objects.filter(survey_id=survey_id, is_active=True).exists())


@transaction.atomic
def webhook_save(webhook: Webhook) -> Webhook:
    """Save a webhook (checked already: `full_clean`), and have its survey's completions
    write outbox rows exactly while it has an active webhook."""
    webhook.save()
    _notify_sync(webhook.survey_id)
    return webhook


@transaction.atomic
def webhook_delete(webhook: Webhook) -> None:
    survey_id = webhook.survey_id
    webhook.delete()
    _notify_sync(survey_id)


def deliveries_write(response: Response) -> None:
    """The outbox rows of a completed response, one per active webhook of its survey, in
    the caller's transaction (one INSERT), each sent once it commits."""
    if not response.is_complete or response.is_test:
        return
    deliveries, webhooks = qn(Delivery._meta.db_table), qn(Webhook._meta.db_table)
    now = timezone.now()
    ids = fetch(
        f"INSERT INTO {deliveries} (webhook_id, response_id, status, attempts, next_attempt_at, created_at) "
        f"SELECT id, %s, %s, 0, %s, %s FROM {webhooks} WHERE survey_id = %s AND is_active "
        f"ON CONFLICT DO NOTHING RETURNING id",
        [Response._meta.pk.get_db_prep_value(response.pk, connection), Delivery.Status.PENDING,
         connection.ops.adapt_datetimefield_value(now), connection.ops.adapt_datetimefield_value(now),
         response.survey_id],
    )
    for (delivery_id,) in ids:
        delivery_enqueue(delivery_id)


_BROKER_PAUSE_SECONDS = 5.0
_broker_down_until = 0.0  # time.monotonic()


def delivery_enqueue(delivery_id: int, *, countdown: float | None = None) -> None:
    """Send the delivery's task after the commit. A failure to publish is only logged (the
    sweep sends what is due), and for a few seconds after one nothing is published: a
    broker that hangs costs intake one slow request, not one per completion (as for
    counting requests, responses/counting_request.py)."""
    from webhooks.tasks import deliver_task

    options = {"queue": settings.WEBHOOK_QUEUE, "retry": False}
    if countdown:
        options["countdown"] = countdown

    def send() -> None:
        global _broker_down_until
        if time.monotonic() < _broker_down_until:
            return

        def failed(exc: Exception) -> None:
            global _broker_down_until
            _broker_down_until = time.monotonic() + _BROKER_PAUSE_SECONDS
            logger.warning("webhook delivery %s not enqueued (the sweep will send it): %s", delivery_id, exc)

        enqueue(deliver_task, delivery_id, options=options, on_error=failed)

    enqueue_on_commit(send)


def backoff(attempts: int) -> int:
    """Seconds before the next attempt after `attempts` failed ones: doubling from
    WEBHOOK_BACKOFF_SECONDS, at most a day."""
    return min(settings.WEBHOOK_BACKOFF_SECONDS * 2 ** (attempts - 1), 86400)


def _lease() -> timedelta:
    return timedelta(seconds=2 * settings.WEBHOOK_TIMEOUT_SECONDS + 30)


def _claim(delivery_id: int) -> bool:
    now = timezone.now()
    # A webhook made inactive keeps its pending deliveries, sent once it is active again.
    return bool(Delivery.objects.filter(
        pk=delivery_id, status=Delivery.Status.PENDING, next_attempt_at__lte=now, webhook__is_active=True
    ).update(next_attempt_at=now + _lease()))


def delivery_body(delivery: Delivery) -> bytes:
    """The JSON a webhook receives: the response as the responses API gives it."""
    webhook = delivery.webhook
    left_out = set() if webhook.include_personal_data else personal_codes(webhook.survey)
    response = Response.objects.select_related("version").get(pk=delivery.response_id)
    (payload,) = responses_payloads([response], left_out=left_out)
    # Through the API's own serializer: the same JSON, to the microsecond, as the API gives.
    body = {"event": EVENT, "delivery": delivery.pk, "survey": webhook.survey.slug,
            "response": FeedResponseSerializer(payload).data}
    return json.dumps(body, cls=DjangoJSONEncoder, separators=(",", ":")).encode()


def delivery_send(delivery_id: int) -> int | None:
    """Send a due delivery once; None when it is done with (delivered, out of attempts, not
    due, taken by another sender), else the seconds until its next attempt."""
    if not _claim(delivery_id):
        return None
    delivery = Delivery.objects.select_related("webhook__survey").get(pk=delivery_id)
    webhook = delivery.webhook
    body = delivery_body(delivery)
    started = time.monotonic()
    try:
        address = target_resolve(webhook.url)  # checked again at each send, after resolving
    except TargetRefused as exc:
        status_code, error = None, str(exc)
    else:
        headers = {**signature_headers(webhook.secret, body), DELIVERY_HEADER: str(delivery.pk)}
        reply = post(webhook.url, address, body, headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS)
        status_code, error = reply.status_code, reply.error
    return _record(delivery, status_code, error, duration=time.monotonic() - started)


@transaction.atomic
def _record(delivery: Delivery, status_code: int | None, error: str, *, duration: float) -> int | None:
    now = timezone.now()
    attempt = Attempt.objects.create(delivery=delivery, at=now, status_code=status_code, error=error,
                                     duration_ms=int(duration * 1000))
    delivery.attempts += 1
    retry_in = None
    if attempt.succeeded:
        delivery.status, delivery.delivered_at = Delivery.Status.DELIVERED, now
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status = Delivery.Status.FAILED
        logger.warning("webhook delivery %s failed %d times; giving up", delivery.pk, delivery.attempts)
    else:
        retry_in = backoff(delivery.attempts)
        delivery.next_attempt_at = now + timedelta(seconds=retry_in)
    delivery.save(update_fields=["status", "attempts", "next_attempt_at", "delivered_at"])
    return retry_in


@transaction.atomic
def delivery_replay(delivery: Delivery) -> None:
    """Send a delivery again from its first attempt (delivered or failed alike); its past
    attempts stay on record."""
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now(), delivered_at=None
    )
    delivery_enqueue(delivery.pk)


def deliveries_due(*, older_than: timedelta, limit: int) -> list[int]:
    """Pending deliveries due for longer than `older_than`: their task was lost (broker
    down at the commit, a worker that died) or is late."""
    due = Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=timezone.now() - older_than,
                                  webhook__is_active=True)
    return list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
