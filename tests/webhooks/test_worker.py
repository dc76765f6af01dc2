"""Webhooks with a real Celery worker (on the configured broker, a private queue):

- isolation from intake: while the receiver hangs (held until the test releases it, with
  the web side's timeout set to an hour), submissions through a live server still all
  complete, so the web side never waits on the receiver; once released it fails a few
  times, then recovers, and every response arrives, signed, through the worker's retries;
- the sweep sends a delivery whose task was lost (sent to a queue nobody consumes, as if
  the broker had dropped it)."""

import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from config.celery import app
from responses import services
from tests.kit.api import URL
from tests.kit.data import submit_answers
from tests.kit.demo import demo_answers
from tests.kit.races import post_answers
from tests.kit.waiting import wait_for
from tests.kit.webhooks import HANG, webhook_for
from tests.kit.workers import broker_forget, celery_env, worker_process
from webhooks.models import Attempt, Delivery
from webhooks.tasks import SWEEP_GRACE, sweep_deliveries_task

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SUBMISSIONS = 6


@pytest.fixture
def queue(settings, allow_private, monkeypatch):
    """A private queue for the webhook tasks, on the web side and in the test's worker."""
    monkeypatch.setattr(services, "request_counting", lambda response_id: None)  # no counting worker here
    name = f"webhooks-{uuid.uuid4().hex[:8]}"
    settings.WEBHOOK_QUEUE = name
    yield name
    broker_forget(app, name)


def _worker_env(queue: str) -> dict[str, str]:
    return celery_env(WEBHOOK_QUEUE=queue, WEBHOOKS_ALLOW_PRIVATE="true", WEBHOOK_TIMEOUT_SECONDS="1",
                      WEBHOOK_BACKOFF_SECONDS="1", WEBHOOK_MAX_ATTEMPTS="20")


def _all_delivered() -> bool:
    return not Delivery.objects.exclude(status=Delivery.Status.DELIVERED).exists()


def test_a_hanging_then_failing_receiver_never_holds_up_intake_and_gets_everything(
    demo_survey, live_server, receiver, queue, settings, tmp_path
):
    settings.WEBHOOK_TIMEOUT_SECONDS = 3600  # were the web side to send, it would wait on the hanging receiver
    receiver.script = [HANG, HANG, 500, 500, 200]
    assert post_answers(live_server.url + URL, demo_answers())[0] == 201  # warm-up: the server's first request
    hook = webhook_for(demo_survey, receiver.url)

    with worker_process("webhooks", tmp_path, queues=(queue,), env=_worker_env(queue)):
        took = []
        for _ in range(SUBMISSIONS):
            started = time.monotonic()
            status, body = post_answers(live_server.url + URL, demo_answers())
            took.append(time.monotonic() - started)
            assert status == 201, body
        print(f"\nintake while the receiver hangs (ms): {[round(t * 1000) for t in took]}")
        # All submitted before the receiver answered anything: no submission waited for it.
        assert Delivery.objects.filter(status=Delivery.Status.DELIVERED).count() == 0
        wait_for(lambda: Attempt.objects.filter(error__icontains="timed out").exists(), timeout=60)
        receiver.release()
        wait_for(_all_delivered, timeout=120, interval=0.2)

    submitted = {str(pk) for pk in Delivery.objects.values_list("response_id", flat=True)}
    assert len(submitted) == SUBMISSIONS
    assert receiver.delivered_responses() == submitted
    assert all(r.signed_by(hook.secret) for r in receiver.received)
    errors = list(Attempt.objects.exclude(status_code=200).values_list("status_code", "error"))
    assert [e for e in errors if e[0] is None and "timed out" in e[1]], errors  # the hanging ones
    assert [e for e in errors if e[0] == 500], errors


def test_the_sweep_sends_a_delivery_whose_task_was_lost(demo_survey, receiver, queue, settings, tmp_path):
    hook = webhook_for(demo_survey, receiver.url)
    lost = f"lost-{uuid.uuid4().hex[:8]}"
    settings.WEBHOOK_QUEUE = lost  # the task goes where no worker listens
    try:
        response_id = submit_answers(demo_survey, demo_answers())
    finally:
        broker_forget(app, lost)
    settings.WEBHOOK_QUEUE = queue
    # Due for longer than the sweep's grace (the row moved back, not the clock).
    Delivery.objects.update(next_attempt_at=timezone.now() - SWEEP_GRACE - timedelta(seconds=1))

    with worker_process("webhooks", tmp_path, queues=(queue,), env=_worker_env(queue)):
        assert receiver.received == []
        assert sweep_deliveries_task() == 1
        wait_for(_all_delivered, timeout=60, interval=0.2)

    (received,) = receiver.received
    assert received.json["response"]["id"] == response_id and received.signed_by(hook.secret)
