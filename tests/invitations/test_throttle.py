"""Guessing tokens: failed lookups are counted per client (behind a trusted proxy, the
client it names); from the tenth on, every lookup from that client is refused (429), a
valid token's too, so that the answer can never tell a good guess from a bad one, and no
other client's is. The throttle fails open when the cache is down."""

import pytest
from django.core.cache import cache

from invitations import selectors
from tests.kit.api import submit
from tests.kit.invitations import guessed_token, invitation_only, invite

pytestmark = pytest.mark.django_db

LIMIT = selectors.FAILURE_LIMIT


def _fail(client, times: int, address: str = "10.1.1.1") -> list[int]:
    return [client.get(f"/i/{guessed_token()}/", REMOTE_ADDR=address).status_code for _ in range(times)]


def test_it_refuses_lookups_after_ten_failures_from_a_client(client, demo_survey):
    assert _fail(client, LIMIT) == [404] * LIMIT

    response = client.get(f"/i/{guessed_token()}/", REMOTE_ADDR="10.1.1.1")

    assert response.status_code == 429
    assert response["Retry-After"] == str(selectors.FAILURE_WINDOW)


def test_it_refuses_even_a_valid_token_while_a_client_is_throttled(client, demo_survey):
    _, token = invite(demo_survey)
    _fail(client, LIMIT)

    assert client.get(f"/i/{token}/", REMOTE_ADDR="10.1.1.1").status_code == 429
    assert client.get(f"/i/{token}/", REMOTE_ADDR="10.2.2.2", follow=True).status_code == 200  # another client


def test_it_does_not_count_lookups_that_work(client, demo_survey):
    _, token = invite(demo_survey)
    _fail(client, LIMIT - 1)

    assert [client.get(f"/i/{token}/", REMOTE_ADDR="10.1.1.1", follow=True).status_code for _ in range(5)] == [200] * 5
    assert _fail(client, 2) == [404, 429]


def test_it_throttles_guessed_tokens_in_the_api_too(client, demo_survey):
    invitation_only(demo_survey)
    statuses = [
        submit(client, headers={"X-Invitation-Token": guessed_token()}, REMOTE_ADDR="10.1.1.1").status_code
        for _ in range(LIMIT + 1)
    ]

    assert statuses == [403] * LIMIT + [429]


def test_it_keeps_api_clients_behind_a_trusted_proxy_apart(client, demo_survey, settings):
    settings.TRUSTED_PROXIES = ("10.0.0.0/24",)
    invitation_only(demo_survey)
    _, token = invite(demo_survey)
    alice = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    bob = {"REMOTE_ADDR": "10.0.0.6", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    for _ in range(LIMIT):
        submit(client, headers={"X-Invitation-Token": guessed_token()}, **alice)

    assert submit(client, headers={"X-Invitation-Token": token}, **alice).status_code == 429
    assert submit(client, headers={"X-Invitation-Token": token}, **bob).status_code == 201


def test_it_throttles_the_opt_out_page_too(client, demo_survey):
    _fail(client, LIMIT)
    _, token = invite(demo_survey)

    assert client.get(f"/i/{token}/opt-out/", REMOTE_ADDR="10.1.1.1").status_code == 429


def test_it_fails_open_when_the_cache_is_down(client, demo_survey, monkeypatch):
    _, token = invite(demo_survey)

    def down(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    for method in ("get", "add", "incr"):
        monkeypatch.setattr(cache, method, down)

    assert _fail(client, LIMIT + 5) == [404] * (LIMIT + 5)
    assert client.get(f"/i/{token}/", REMOTE_ADDR="10.1.1.1", follow=True).status_code == 200
