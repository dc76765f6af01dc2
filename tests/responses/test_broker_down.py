"""A respondent never waits on the broker: with Redis gone, submissions are still stored
(with their uncounted marker, for the counting sweep) at normal speed.

The test runs its own `redis-server` on a spare port and points the Celery app at it, so
that it can stop the broker in the middle of the test without touching anything else."""

import json
import logging
import shutil
import socket
import statistics
import subprocess
import time
import uuid
from datetime import datetime
from types import SimpleNamespace

import pytest
import redis

from config.celery import app
from responses import counting_request
from responses.models import UncountedResponse
from tests.kit.api import URL
from tests.kit.commands import free_port
from tests.kit.demo import demo_answers
from tests.kit.workers import celery_broker

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _wait_until_listening(port: int, proc: subprocess.Popen, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"redis-server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    pytest.fail("redis-server did not start listening")


@pytest.fixture
def redis_broker():
    if shutil.which("redis-server") is None:
        pytest.skip("needs the redis-server binary")
    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no", "--daemonize", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_listening(port, proc)
        counting_request._broker_down_until = 0.0
        with celery_broker(f"redis://127.0.0.1:{port}/0"):
            yield proc, port
            # Pools are shared through kombu's registry by URL: close only our own.
            if app._pool is not None:
                app._pool.force_close_all()
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)
        counting_request._broker_down_until = 0.0


def _submit(client):
    body = json.dumps({"submission_id": str(uuid.uuid4()), "answers": demo_answers()})
    started = time.perf_counter()
    r = client.post(URL, data=body, content_type="application/json")
    return r, time.perf_counter() - started


def _queued_task_names(port: int) -> list[str]:
    queued = redis.Redis(host="127.0.0.1", port=port).lrange("celery", 0, -1)
    return [json.loads(message)["headers"]["task"] for message in queued]


def test_it_asks_for_counting_through_the_broker_when_it_is_up(demo_survey, client, redis_broker):
    _, port = redis_broker

    r, _ = _submit(client)

    assert r.status_code == 201
    assert _queued_task_names(port) == [counting_request.COUNT_TASK]


def test_it_sends_one_delayed_count_task_for_submissions_close_together(demo_survey, client, redis_broker,
                                                                        monkeypatch, settings):
    settings.COUNT_DELAY_SECONDS = 0.4
    _, port = redis_broker
    clock = [1_800_000_000.0]
    monkeypatch.setattr(counting_request, "time", SimpleNamespace(time=lambda: clock[0], monotonic=time.monotonic))

    first, _ = _submit(client)
    second, _ = _submit(client)  # the task sent for the first one has not started: it counts both
    assert (first.status_code, second.status_code) == (201, 201)
    assert _queued_task_names(port) == [counting_request.COUNT_TASK]
    message = json.loads(redis.Redis(host="127.0.0.1", port=port).lrange("celery", 0, 0)[0])
    eta = datetime.fromisoformat(message["headers"]["eta"]).timestamp()
    assert 0 < eta - time.time() <= settings.COUNT_DELAY_SECONDS  # Celery's clock: the real one

    # Once that task may be starting (within the clock margin), the next submission sends another.
    clock[0] += settings.COUNT_DELAY_SECONDS - counting_request.CLOCK_MARGIN_SECONDS + 0.001
    third, _ = _submit(client)
    assert third.status_code == 201
    assert _queued_task_names(port) == [counting_request.COUNT_TASK] * 2


def _submit_while_the_broker_is_down(client, redis_broker, n: int) -> list[tuple]:
    """One submission while the broker is up, then `n` once it is gone: (answer, seconds) of those."""
    proc, port = redis_broker
    r, _ = _submit(client)
    assert r.status_code == 201 and _queued_task_names(port) == [counting_request.COUNT_TASK]
    counting_request._task_starts_at = 0.0  # the next submission asks for a task of its own

    proc.terminate()
    proc.wait(timeout=10)
    return [_submit(client) for _ in range(n)]


def test_it_takes_submissions_while_the_broker_is_down(demo_survey, client, redis_broker, caplog):
    with caplog.at_level(logging.WARNING, logger="responses.counting_request"):
        results = _submit_while_the_broker_is_down(client, redis_broker, 20)

    assert [r.status_code for r, _ in results] == [201] * 20
    ids = [r.json()["id"] for r, _ in results]
    assert UncountedResponse.objects.filter(response_id__in=ids).count() == 20
    # The failure was noticed and logged, once: later requests skip the broker for a while.
    assert len([r for r in caplog.records if "Could not ask for counting" in r.getMessage()]) == 1


@pytest.mark.timing
def test_it_takes_submissions_at_normal_speed_while_the_broker_is_down(demo_survey, client, redis_broker):
    results = _submit_while_the_broker_is_down(client, redis_broker, 20)

    latencies = [seconds for _, seconds in results]
    print(  # shown with -s
        f"\nbroker down: first {latencies[0] * 1000:.1f} ms, median {statistics.median(latencies) * 1000:.1f} ms, "
        f"max {max(latencies) * 1000:.1f} ms; all {[round(x * 1000) for x in latencies]}"
    )
    assert [r.status_code for r, _ in results] == [201] * 20
    # What this guards against is waiting on the broker: kombu's connection retries sleep
    # 2 s and more per request. The bounds leave room for a loaded CI machine.
    assert max(latencies) < 1.5
    assert statistics.median(latencies) < 0.25


@pytest.mark.timing
def test_it_fails_fast_on_every_publish_while_the_broker_is_down(demo_survey, client, redis_broker, monkeypatch):
    # Without the pause after a failure every submission tries the broker: each try must
    # still fail at once (kombu must not retry the connection inside the request).
    monkeypatch.setattr(counting_request, "_BROKER_PAUSE_SECONDS", 0.0)
    proc, _ = redis_broker
    proc.terminate()
    proc.wait(timeout=10)

    results = [_submit(client) for _ in range(5)]

    assert [r.status_code for r, _ in results] == [201] * 5
    assert max(seconds for _, seconds in results) < 1.5
