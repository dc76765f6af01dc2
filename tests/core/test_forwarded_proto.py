"""X-Forwarded-Proto counts only from a trusted proxy: Django's SECURE_PROXY_SSL_HEADER
alone would believe any peer."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from core.middleware import TrustedProxyHeadersMiddleware

PROXY = "10.0.0.5"


@pytest.fixture
def production_like(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXIES = (f"{PROXY}/32",)


def _is_secure(remote_addr: str, proto: str) -> bool:
    request = RequestFactory().get("/", REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_PROTO=proto)
    seen = {}

    def view(request):
        seen["secure"] = request.is_secure()
        return HttpResponse()

    TrustedProxyHeadersMiddleware(view)(request)
    return seen["secure"]


def test_it_honours_the_header_from_a_trusted_proxy(production_like):
    assert _is_secure(PROXY, "https")
    assert not _is_secure(PROXY, "http")


def test_it_ignores_the_header_from_any_other_peer(production_like):
    assert not _is_secure("203.0.113.7", "https")


@pytest.mark.django_db
def test_it_redirects_a_plain_http_request_that_claims_https_straight_to_gunicorn(client, production_like):
    forged = client.get("/healthz", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_PROTO="https")
    proxied = client.get("/healthz", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")

    assert forged.status_code == 301
    assert forged["Location"] == "https://testserver/healthz"
    assert proxied.status_code in (200, 503)  # served (503: the health check's own verdict)
