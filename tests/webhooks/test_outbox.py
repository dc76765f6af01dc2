"""The outbox: a completed response writes one delivery per active webhook of its survey,
in the completion's own transaction and with one statement; a survey without webhooks
pays nothing; screened-out, quota-full and test responses are not sent."""

import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from responses.models import CompletionSequence
from responses.services import response_submit
from tests.kit.data import submit_answers
from tests.kit.demo import demo_answers
from tests.kit.webhooks import webhook_for
from webhooks.models import Delivery
from webhooks.services import webhook_delete, webhook_save

pytestmark = pytest.mark.django_db
URL = "https://receiver.example.org/hook"


@pytest.fixture(autouse=True)
def _public_example_org(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True  # no DNS lookup of example.org needed here


def _submit_statements(survey) -> list[str]:
    submit_answers(survey, demo_answers())  # the definition compiled and cached
    with CaptureQueriesContext(connection) as queries:
        submit_answers(survey, demo_answers())
    return [q["sql"] for q in queries]


def test_it_writes_one_delivery_per_active_webhook_in_one_statement(demo_survey):
    without = _submit_statements(demo_survey)
    first, second = webhook_for(demo_survey, URL), webhook_for(demo_survey, URL + "2")
    webhook_for(demo_survey, URL + "3", is_active=False)
    Delivery.objects.all().delete()

    with_webhooks = _submit_statements(demo_survey)

    assert len(with_webhooks) == len(without) + 1
    assert any("webhooks_delivery" in sql for sql in with_webhooks)
    assert not any("webhooks" in sql for sql in without)
    by_response: dict = {}
    for response_id, webhook_id in Delivery.objects.values_list("response", "webhook"):
        by_response.setdefault(response_id, set()).add(webhook_id)
    assert list(by_response.values()) == [{first.pk, second.pk}] * 2  # the two responses submitted


def test_a_rolled_back_completion_leaves_no_delivery(demo_survey):
    webhook_for(demo_survey, URL)

    with pytest.raises(RuntimeError), transaction.atomic():
        submit_answers(demo_survey, demo_answers())
        assert Delivery.objects.count() == 1
        raise RuntimeError

    assert not Delivery.objects.exists()


def test_test_responses_are_not_sent(demo_survey):
    webhook_for(demo_survey, URL)
    response_submit(survey=demo_survey, version=demo_survey.open_version(), submission_id=uuid.uuid4(),
                    answers=demo_answers(), is_test=True)
    assert not Delivery.objects.exists()


def test_the_survey_stops_notifying_with_its_last_active_webhook(demo_survey):
    webhook = webhook_for(demo_survey, URL)
    assert CompletionSequence.objects.get(survey=demo_survey).notify

    webhook.is_active = False
    webhook_save(webhook)
    assert not CompletionSequence.objects.get(survey=demo_survey).notify
    webhook.is_active = True
    webhook_save(webhook)
    webhook_delete(webhook)
    assert not CompletionSequence.objects.get(survey=demo_survey).notify
