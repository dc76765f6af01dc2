"""Private, loopback and link-local targets are refused when a webhook is saved and again
at each send after resolving the host, unless WEBHOOKS_ALLOW_PRIVATE."""

import pytest
from django.core.exceptions import ValidationError

from tests.kit.data import submit_answers
from tests.kit.demo import demo_answers
from tests.kit.webhooks import webhook_for
from webhooks.models import Attempt, Delivery, Webhook
from webhooks.services import delivery_send
from webhooks.targets import TargetRefused, target_resolve

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/hook",
    "http://localhost:8000/hook",
    "http://10.1.2.3/hook",
    "http://192.168.0.10/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://0.0.0.0/hook",
    "http://100.64.0.1/hook",
])
def test_it_refuses_an_inside_address_at_save(demo_survey, url):
    with pytest.raises(ValidationError) as refused:
        Webhook(survey=demo_survey, url=url).full_clean()
    assert "url" in refused.value.message_dict


@pytest.mark.parametrize("url", ["ftp://example.org/", "http://user:pw@example.org/", "javascript:alert(1)"])
def test_it_refuses_what_is_not_a_plain_http_address(url):
    with pytest.raises(TargetRefused):
        target_resolve(url)


def test_it_takes_a_public_address():
    assert target_resolve("http://93.184.215.14/hook") == "93.184.215.14"


def test_the_setting_lets_an_inside_address_through(settings, demo_survey):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    Webhook(survey=demo_survey, url="http://127.0.0.1:9/hook").full_clean()


def test_it_refuses_at_send_a_target_that_became_inside(settings, demo_survey, receiver):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    webhook_for(demo_survey, receiver.url)
    submit_answers(demo_survey, demo_answers())
    settings.WEBHOOKS_ALLOW_PRIVATE = False  # as if its host now resolved to 127.0.0.1

    retry_in = delivery_send(Delivery.objects.get().pk)

    assert retry_in is not None and receiver.received == []
    attempt = Attempt.objects.get()
    assert attempt.status_code is None and "127.0.0.1" in attempt.error
