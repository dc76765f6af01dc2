"""Behind a trusted reverse proxy every request comes from the proxy's address; each
client still has its own rate limit, token throttle and stored address, named by the
proxy in X-Forwarded-For. From any other peer the header changes nothing."""

import pytest
from django.test import Client

from invitations import selectors
from responses.models import Response
from tests.kit.api import submit
from tests.kit.form import complete, only_response
from tests.kit.invitations import guessed_token, invite

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"
ALICE = "198.51.100.1"
BOB = "203.0.113.7"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = (f"{PROXY}/32",)


def _via_proxy(client_address: str) -> dict:
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_address}


def test_it_rate_limits_each_client_behind_the_proxy_on_its_own(client, demo_survey, behind_proxy, rate_limited):
    assert [submit(client, **_via_proxy(ALICE)).status_code for _ in range(3)] == [201, 201, 429]

    assert [submit(client, **_via_proxy(BOB)).status_code for _ in range(3)] == [201, 201, 429]


def test_it_rate_limits_a_client_that_forges_the_header_through_the_proxy(client, demo_survey, behind_proxy,
                                                                           rate_limited):
    # Alice sends her own X-Forwarded-For; the proxy appends her real address after it.
    statuses = [submit(client, **_via_proxy(f"192.0.2.{n}, {ALICE}")).status_code for n in range(3)]

    assert statuses == [201, 201, 429]


def test_it_ignores_the_header_from_a_peer_that_is_not_a_trusted_proxy(client, demo_survey, behind_proxy,
                                                                        rate_limited):
    # Straight to gunicorn, a client cannot escape its limit by naming other addresses.
    statuses = [
        submit(client, REMOTE_ADDR=ALICE, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(3)
    ]

    assert statuses == [201, 201, 429]


def test_it_does_not_read_the_header_without_trusted_proxies(client, demo_survey, rate_limited):
    # The default: TRUSTED_PROXIES is empty, the peer is the client.
    assert [submit(client, **_via_proxy(f"192.0.2.{n}")).status_code for n in range(3)] == [201, 201, 429]


def test_it_throttles_one_client_s_bad_tokens_without_refusing_another_s_valid_link(client, demo_survey,
                                                                                     behind_proxy):
    _, token = invite(demo_survey)
    failures = [
        client.get(f"/i/{guessed_token()}/", **_via_proxy(ALICE)).status_code for _ in range(selectors.FAILURE_LIMIT)
    ]

    assert failures == [404] * selectors.FAILURE_LIMIT
    assert client.get(f"/i/{token}/", **_via_proxy(ALICE)).status_code == 429  # confirms no guess
    assert client.get(f"/i/{token}/", follow=True, **_via_proxy(BOB)).status_code == 200


def test_it_stores_the_client_s_address_not_the_proxy_s(client, demo_survey, behind_proxy, settings):
    settings.STORE_IP_ADDRESS = True

    submit(client, **_via_proxy(f"192.0.2.1, {BOB}"))

    assert Response.objects.get().ip_address == BOB


def test_it_stores_the_peer_s_address_when_the_peer_is_not_a_trusted_proxy(client, demo_survey, behind_proxy,
                                                                            settings):
    settings.STORE_IP_ADDRESS = True

    submit(client, REMOTE_ADDR=BOB, HTTP_X_FORWARDED_FOR="192.0.2.1")

    assert Response.objects.get().ip_address == BOB


def test_it_stores_the_client_s_address_from_the_html_form(demo_survey, behind_proxy, settings):
    settings.STORE_IP_ADDRESS = True

    complete(Client(**_via_proxy(ALICE)))

    assert only_response().ip_address == ALICE
