"""Sign-in throttling around django-axes (settings: AXES_*, LOGIN_*).

Axes locks out per (username, client) and per client, with the client as
`core.clients.client_address` names it. What axes cannot do is the third limit: failures
for one username from many clients (a botnet guessing one viewer's password). Locking the
username would let anyone lock any viewer out, so past `LOGIN_SLOWDOWN_AFTER` failures
in a cool-off period every sign-in attempt for that username waits
`LOGIN_SLOWDOWN_SECONDS` before its password is checked: guessing slows down, the real
user still gets in.
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.counters import window_count, window_count_add

logger = logging.getLogger(__name__)

COUNTER = "login-failures"  # per hashed username (core.counters)


def lockout_response(request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
                     ) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the lockout page of every login form, with the time to wait.
    The whole cool-off is right: the refused attempt itself started it again."""
    seconds = _window()
    response = render(request, "registration/locked_out.html", {"wait_minutes": -(-seconds // 60)}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def _window() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def _subject(username: str) -> str:
    # Hashed: usernames of arbitrary length and characters, and no usernames in the cache.
    return hashlib.sha256(username.casefold().encode()).hexdigest()[:32]


def username_failures(username: str) -> int:
    try:
        return window_count(COUNTER, _subject(username), _window())
    except Exception as exc:  # the cache is down: no delay
        logger.warning("sign-in slowdown unavailable: %s", exc)
        return 0


@receiver(user_login_failed, dispatch_uid="core.login_throttle.count_username_failure")
def count_username_failure(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    username = credentials.get("username")
    if not username:
        return
    try:
        window_count_add(COUNTER, _subject(username), _window())
    except Exception as exc:
        logger.warning("sign-in slowdown unavailable, not counting a failure: %s", exc)


class UsernameSlowdownBackend:
    """An authentication backend that authenticates no one: placed before ModelBackend,
    it delays the password check of a username under attack, then lets the next backend
    decide."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, **kwargs) -> None:
        if username and username_failures(username) >= settings.LOGIN_SLOWDOWN_AFTER:
            time.sleep(settings.LOGIN_SLOWDOWN_SECONDS)
        return None

    def get_user(self, user_id: int) -> None:
        return None
