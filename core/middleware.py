"""Forwarding headers count only from a trusted proxy.

Django honours `SECURE_PROXY_SSL_HEADER` from any peer, so without this a client talking
plain HTTP straight to gunicorn could claim `X-Forwarded-Proto: https` and get what only
HTTPS requests should (secure cookies sent over HTTP, no redirect to HTTPS). First in the
middleware chain, so nothing reads the header before it is dropped.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from core.clients import is_trusted_proxy

FORWARDING_HEADERS = ("HTTP_X_FORWARDED_PROTO",)


class TrustedProxyHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_trusted_proxy(request):
            for header in FORWARDING_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)
