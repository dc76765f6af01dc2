"""Guessing resume tokens (in the resume link or the cookie): failed lookups are counted
per client, like invitation tokens; from the tenth on every lookup from that client is
refused (429), a valid token's too, and only that client's. Fails open without a cache."""

import secrets

import pytest
from django.core.cache import cache
from django.test import Client

from responses.views import flow
from tests.kit.form import FORM, PAGE1, html_of, post_page

pytestmark = pytest.mark.django_db

LIMIT = flow.RESUME_FAILURE_LIMIT
PROXY = "10.0.0.5"


def _resume(client: Client, token: str, **extra):
    return client.get(f"/s/ddiq-2010/resume/{token}/", **extra)


def _fail(client: Client, times: int, **extra) -> list[int]:
    return [_resume(client, secrets.token_urlsafe(24), **extra).status_code for _ in range(times)]


@pytest.fixture
def token(demo_survey) -> str:
    respondent = Client(REMOTE_ADDR="192.0.2.99")
    post_page(respondent, PAGE1)
    return respondent.cookies["resume-ddiq-2010"].value


def test_it_refuses_every_resume_link_after_ten_failures_from_a_client(client, token):
    assert _fail(client, LIMIT, REMOTE_ADDR="10.1.1.1") == [404] * LIMIT

    refused = _resume(client, token, REMOTE_ADDR="10.1.1.1")

    assert refused.status_code == 429
    assert refused["Retry-After"] == str(flow.RESUME_FAILURE_WINDOW)
    assert "Please wait 10 minutes" in html_of(refused)
    assert _resume(client, token, REMOTE_ADDR="10.2.2.2").status_code == 302  # another client


def test_it_counts_malformed_resume_links_as_failures(client, token):
    statuses = [_resume(client, "short", REMOTE_ADDR="10.1.1.1").status_code for _ in range(LIMIT + 1)]

    assert statuses == [404] * LIMIT + [429]


def test_it_throttles_guessed_resume_cookies_too(demo_survey):
    guesser = Client(REMOTE_ADDR="10.1.1.1")
    statuses = []
    for _ in range(LIMIT + 1):
        guesser.cookies["resume-ddiq-2010"] = secrets.token_urlsafe(24)
        statuses.append(guesser.get(FORM, follow=True).status_code)

    assert statuses == [200] * LIMIT + [429]
    assert Client(REMOTE_ADDR="10.2.2.2").get(FORM, follow=True).status_code == 200


def test_it_drops_a_resume_cookie_that_finds_nothing_so_that_it_counts_once(demo_survey):
    respondent = Client(REMOTE_ADDR="10.1.1.1")
    respondent.cookies["resume-ddiq-2010"] = secrets.token_urlsafe(24)  # its response was deleted

    statuses = [respondent.get(FORM, follow=True).status_code for _ in range(LIMIT + 2)]

    assert statuses == [200] * (LIMIT + 2)
    assert "resume-ddiq-2010" not in respondent.cookies or not respondent.cookies["resume-ddiq-2010"].value


def test_it_does_not_count_resume_links_that_work(client, token):
    _fail(client, LIMIT - 1, REMOTE_ADDR="10.1.1.1")

    assert [_resume(client, token, REMOTE_ADDR="10.1.1.1").status_code for _ in range(3)] == [302] * 3
    assert _fail(client, 2, REMOTE_ADDR="10.1.1.1") == [404, 429]


def test_it_keeps_clients_behind_a_trusted_proxy_apart(client, token, settings):
    settings.TRUSTED_PROXIES = (PROXY,)
    _fail(client, LIMIT, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")

    assert _resume(client, token, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    assert _resume(client, token, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 302


def test_it_fails_open_when_the_cache_is_down(client, token, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    for method in ("get", "add", "incr"):
        monkeypatch.setattr(cache, method, down)

    assert _fail(client, LIMIT + 2, REMOTE_ADDR="10.1.1.1") == [404] * (LIMIT + 2)
    assert _resume(client, token, REMOTE_ADDR="10.1.1.1").status_code == 302
