"""Production-like: gunicorn (DEBUG off, TRUSTED_PROXIES=127.0.0.1, several worker
processes sharing the Redis cache) receives every request from the proxy's address, as
behind nginx, with the client in X-Forwarded-For and X-Forwarded-Proto: https. Each
client keeps its own submission rate limit and invitation-token throttle."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from invitations import selectors, tokens
from tests.kit.api import URL
from tests.kit.commands import ROOT, free_port
from tests.kit.demo import demo_answers
from tests.kit.invitations import invitation_only, invite
from tests.kit.workers import database_url

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def gunicorn(request, tmp_path):
    redis_url = settings.CACHES["default"].get("LOCATION", "")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,  # invitation tokens are derived from it
        "ALLOWED_HOSTS": "127.0.0.1",
        "TRUSTED_PROXIES": "127.0.0.1",
        "SUBMIT_RATE_LIMIT": getattr(request, "param", "0"),
        "VAR_DIR": str(tmp_path),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",  # required with DEBUG off
    }
    # Without Redis each worker process would keep its own counters.
    workers = "2" if redis_url.startswith("redis") else "1"
    gunicorn_bin = str(Path(sys.executable).parent / "gunicorn")
    proc = subprocess.Popen(
        [gunicorn_bin, "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", workers, "--threads", "2",
         "--forwarded-allow-ips", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=(tmp_path / "gunicorn.log").open("w"),
    )
    deadline = time.monotonic() + 30
    while True:
        if proc.poll() is not None:
            pytest.fail(f"gunicorn exited: {(tmp_path / 'gunicorn.log').read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                pytest.fail("gunicorn did not start listening")
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def _post(base: str, client: str, headers: dict | None = None) -> int:
    body = json.dumps({"submission_id": str(uuid.uuid4()), "answers": demo_answers()}).encode()
    request = urllib.request.Request(
        base + URL, data=body, method="POST",
        headers={"Content-Type": "application/json", "X-Forwarded-For": client, "X-Forwarded-Proto": "https",
                 **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


# An hour's window: a minute boundary in the middle of the test cannot reset it.
@pytest.mark.parametrize("gunicorn", ["2/h"], indirect=True)
def test_it_keeps_each_client_s_rate_limit_its_own(demo_survey, gunicorn):
    alice = [_post(gunicorn, "198.51.100.1") for _ in range(3)]
    forged = [_post(gunicorn, f"192.0.2.{n}, 198.51.100.1") for n in range(2)]
    bob = [_post(gunicorn, "203.0.113.7") for _ in range(3)]

    assert alice == [201, 201, 429]
    assert forged == [429, 429]  # a header Alice writes herself does not make her someone else
    assert bob == [201, 201, 429]


def test_it_keeps_each_client_s_token_throttle_its_own(demo_survey, gunicorn):
    invitation_only(demo_survey)
    _, token = invite(demo_survey)
    guesses = [
        _post(gunicorn, "198.51.100.1", {"X-Invitation-Token": tokens.derive_token("guess", tokens.new_nonce())})
        for _ in range(selectors.FAILURE_LIMIT)
    ]

    assert guesses == [403] * selectors.FAILURE_LIMIT
    assert _post(gunicorn, "198.51.100.1", {"X-Invitation-Token": token}) == 429
    assert _post(gunicorn, "203.0.113.7", {"X-Invitation-Token": token}) == 201
