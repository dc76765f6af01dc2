"""Sign-in throttling on every login form (/accounts/login/ and /admin/login/): a client
is locked out after LOGIN_FAILURE_LIMIT failures, for that username and for all of them,
with a page that says how long to wait; the right password is refused meanwhile; other
clients are not affected; the cool-off ends it. Failures for one username from many
clients only slow its sign-ins down, never lock the user out."""

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
LIMIT = 5
PROXY = "10.0.0.5"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    # Fast hashing: these tests sign in dozens of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _sign_in(username: str, password: str, *, address: str = "203.0.113.7", url: str = LOGIN, **extra):
    return Client(REMOTE_ADDR=address, **extra).post(url, {"username": username, "password": password})


def _signed_in(response) -> bool:
    return response.status_code == 302


def test_it_locks_a_client_out_after_five_failures_with_the_time_to_wait(viewer):
    statuses = [_sign_in("bob", "wrong").status_code for _ in range(LIMIT)]

    assert statuses == [200] * (LIMIT - 1) + [429]
    refused = _sign_in("bob", "pw-bob")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "900"
    assert "Too many sign-in attempts" in refused.content.decode()
    assert "Please wait 15 minutes" in refused.content.decode()


def test_it_refuses_the_right_password_while_locked_but_not_from_another_client(viewer):
    for _ in range(LIMIT):
        _sign_in("bob", "wrong")

    assert _sign_in("bob", "pw-bob").status_code == 429
    assert _signed_in(_sign_in("bob", "pw-bob", address="198.51.100.1"))


def test_it_locks_a_client_out_that_tries_many_usernames(viewer):
    for n in range(LIMIT):
        _sign_in(f"user{n}", "wrong")

    assert _sign_in("bob", "pw-bob").status_code == 429
    assert _signed_in(_sign_in("bob", "pw-bob", address="198.51.100.1"))


def test_it_locks_out_on_the_admin_login_too(manager):
    statuses = [_sign_in("alice", "wrong", url=ADMIN_LOGIN).status_code for _ in range(LIMIT)]

    assert statuses == [200] * (LIMIT - 1) + [429]
    assert _sign_in("alice", "pw-alice", url=ADMIN_LOGIN).status_code == 429
    assert _sign_in("alice", "pw-alice", url=LOGIN).status_code == 429  # one count for every form
    assert _signed_in(_sign_in("alice", "pw-alice", url=ADMIN_LOGIN, address="198.51.100.1"))


def test_it_lets_the_client_in_again_after_the_cool_off(viewer):
    for _ in range(LIMIT):
        _sign_in("bob", "wrong")
    assert _sign_in("bob", "pw-bob").status_code == 429

    # Fourteen minutes later, still locked; fifteen after the last attempt, not.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=14))
    assert _sign_in("bob", "pw-bob").status_code == 429  # and this attempt starts the wait again
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=14))
    assert _sign_in("bob", "pw-bob").status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=15, seconds=1))

    assert _signed_in(_sign_in("bob", "pw-bob"))


def test_it_keeps_clients_behind_a_trusted_proxy_apart(viewer, settings):
    settings.TRUSTED_PROXIES = (PROXY,)
    for _ in range(LIMIT):
        _sign_in("bob", "wrong", address=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")

    assert _sign_in("bob", "pw-bob", address=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    assert _signed_in(_sign_in("bob", "pw-bob", address=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9"))


def test_it_ignores_a_forged_header_from_a_client_talking_to_gunicorn_directly(viewer, settings):
    settings.TRUSTED_PROXIES = (PROXY,)
    for n in range(LIMIT):
        _sign_in("bob", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

    assert _sign_in("bob", "pw-bob", HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 429


def test_it_never_locks_a_user_out_for_failures_from_many_clients(viewer):
    for n in range(3 * LIMIT):
        _sign_in("bob", "wrong", address=f"192.0.2.{n}")

    assert _signed_in(_sign_in("bob", "pw-bob", address="198.51.100.1"))


def test_it_slows_down_sign_ins_for_a_username_failing_from_many_clients(viewer, settings):
    settings.LOGIN_SLOWDOWN_AFTER = 3
    settings.LOGIN_SLOWDOWN_SECONDS = 0.6
    for n in range(3):
        _sign_in("bob", "wrong", address=f"192.0.2.{n}")

    started = time.monotonic()
    response = _sign_in("bob", "pw-bob", address="198.51.100.1")

    assert _signed_in(response)
    assert time.monotonic() - started >= 0.6


def test_it_signs_in_without_a_lockout_after_a_few_mistakes(viewer):
    for _ in range(LIMIT - 1):
        _sign_in("bob", "wrong")

    assert _signed_in(_sign_in("bob", "pw-bob"))
