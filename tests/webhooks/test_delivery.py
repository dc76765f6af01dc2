"""Sending a delivery (the worker's task calls `delivery_send`): a signed POST of the
response as the responses API gives it; after a failure, the next attempt waits an
exponentially growing back-off, each attempt recorded; out of attempts it is kept as
failed; an admin replays it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.kit.data import submit_answers
from tests.kit.demo import demo_answers
from tests.kit.webhooks import HANG, webhook_for
from webhooks.models import Attempt, Delivery
from webhooks.services import backoff, delivery_send, webhook_save
from webhooks.signing import DELIVERY_HEADER

pytestmark = pytest.mark.django_db


@pytest.fixture
def hooked(demo_survey, receiver, allow_private):
    return webhook_for(demo_survey, receiver.url)


def _due_now(delivery: Delivery) -> None:
    """As if its back-off were over (the clock is not mocked: the row is moved)."""
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_it_posts_the_signed_response_as_the_api_gives_it(admin_client, demo_survey, hooked, receiver):
    response_id = submit_answers(demo_survey, demo_answers())
    delivery = Delivery.objects.get()

    assert delivery_send(delivery.pk) is None

    (received,) = receiver.received
    assert received.signed_by(hooked.secret)
    assert not received.signed_by("another secret")
    assert received.headers[DELIVERY_HEADER] == str(delivery.pk)
    body = received.json
    (listed,) = admin_client.get(f"/api/v1/surveys/{demo_survey.slug}/responses/").json()["responses"]
    assert (body["event"], body["survey"], body["response"]["id"]) == ("response.completed", demo_survey.slug,
                                                                       response_id)
    assert body["response"] == listed
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.DELIVERED, 1)
    assert Attempt.objects.get().status_code == 200


def test_it_retries_a_failure_after_a_growing_back_off(demo_survey, hooked, receiver, settings):
    settings.WEBHOOK_BACKOFF_SECONDS = 30
    receiver.script = [500, 502, 200]
    submit_answers(demo_survey, demo_answers())
    delivery = Delivery.objects.get()

    waits = []
    for _ in range(2):
        before = timezone.now()
        waits.append(delivery_send(delivery.pk))
        delivery.refresh_from_db()
        assert delivery.status == Delivery.Status.PENDING
        assert delivery.next_attempt_at >= before + timedelta(seconds=waits[-1])
        assert delivery_send(delivery.pk) is None  # not due yet: nothing sent
        _due_now(delivery)
    assert delivery_send(delivery.pk) is None

    assert waits == [30, 60] == [backoff(1), backoff(2)]
    assert len(receiver.received) == 3
    assert [a.status_code for a in Attempt.objects.order_by("at")] == [500, 502, 200]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.DELIVERED, 3)


def test_it_records_a_timeout_and_gives_up_after_the_last_attempt(demo_survey, hooked, receiver, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    receiver.script = [HANG, 500]
    submit_answers(demo_survey, demo_answers())
    delivery = Delivery.objects.get()

    assert delivery_send(delivery.pk) is not None
    _due_now(delivery)
    assert delivery_send(delivery.pk) is None

    first, second = Attempt.objects.order_by("at")
    assert first.status_code is None and "timed out" in first.error
    assert second.status_code == 500
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 2)


def test_an_admin_replays_a_failed_delivery(admin_client, demo_survey, hooked, receiver, settings,
                                            django_capture_on_commit_callbacks):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    receiver.script = [500, 200]
    submit_answers(demo_survey, demo_answers())
    delivery = Delivery.objects.get()
    delivery_send(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED

    with django_capture_on_commit_callbacks() as callbacks:
        page = admin_client.post("/admin/webhooks/delivery/", {"action": "replay", "_selected_action": [delivery.pk]})
    assert page.status_code == 302
    assert len(callbacks) == 1  # the delivery's task, sent once the replay commits
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.PENDING, 0)

    assert delivery_send(delivery.pk) is None  # what the task does
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    assert [a.status_code for a in Attempt.objects.order_by("at")] == [500, 200]


def test_the_admin_shows_a_delivery_with_its_attempts(admin_client, demo_survey, hooked, receiver):
    submit_answers(demo_survey, demo_answers())
    delivery = Delivery.objects.get()
    delivery_send(delivery.pk)

    page = admin_client.get(f"/admin/webhooks/delivery/{delivery.pk}/change/")
    assert page.status_code == 200
    assert "Delivered" in page.content.decode()
    assert admin_client.get("/admin/webhooks/webhook/").status_code == 200
    assert admin_client.get(f"/admin/webhooks/webhook/{hooked.pk}/change/").status_code == 200


def test_an_inactive_webhook_keeps_its_deliveries_until_it_is_active_again(demo_survey, hooked, receiver):
    submit_answers(demo_survey, demo_answers())
    delivery = Delivery.objects.get()
    hooked.is_active = False
    webhook_save(hooked)

    assert delivery_send(delivery.pk) is None
    assert receiver.received == []
    hooked.is_active = True
    webhook_save(hooked)
    assert delivery_send(delivery.pk) is None

    assert len(receiver.received) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED


def test_a_survey_manager_manages_the_webhooks_of_a_survey_they_edit_and_replays(
    alice, demo_survey, hooked, receiver, outsider, client
):
    submit_answers(demo_survey, demo_answers())
    delivery = Delivery.objects.get()

    assert alice.get("/admin/webhooks/webhook/").status_code == 200
    assert alice.get(f"/admin/webhooks/webhook/{hooked.pk}/change/").status_code == 200
    assert alice.get(f"/admin/webhooks/delivery/{delivery.pk}/change/").status_code == 200
    replayed = alice.post("/admin/webhooks/delivery/", {"action": "replay", "_selected_action": [delivery.pk]})
    assert replayed.status_code == 302

    client.force_login(outsider)  # staff, not a manager: no webhooks
    assert client.get("/admin/webhooks/webhook/").status_code == 403
