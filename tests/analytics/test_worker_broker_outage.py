"""The broker goes away under load, with each broker the README documents, and nobody
restarts anything.

The worker and beat run as `make run` runs them (`run_all --only worker,beat`: restarted if
they exit); submissions go through the API at a steady pace and count tasks start after
the production delay, so the worker always holds some that are not acknowledged yet, and
one held for longer is made sure of before each cut. The broker then stops for 30 s and,
after the findings are exact again, for 120 s: every submission is answered 201 throughout,
and within a minute of the broker's return the findings equal a full recompute.

- Redis: a private redis-server, stopped and started again (its queues are lost, as in a
  crash without persistence).
- RabbitMQ: the shared server is never stopped; a fault-injecting proxy in front of it
  cuts every connection of the app and refuses new ones (tests/kit/faults.py), on a private
  virtual host.

`BROKER_OUTAGES=5,10` shortens the outages for a quick local run.
"""

import os
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.urls import reverse

import responses.counting_request
from analytics.models import SurveyCounter
from analytics.recompute import expected_finding
from config.celery import app
from ops.models import Heartbeat
from ops.tasks import heartbeat_task
from surveys.models import Finding
from tests.kit.counts import assert_counts_exact, count_differences, uncounted
from tests.kit.data import submit_answers
from tests.kit.demo import random_demo_answers
from tests.kit.faults import FaultProxy
from tests.kit.waiting import wait_for
from tests.kit.workers import (
    RABBITMQ_PORT,
    RedisServer,
    app_broker,
    celery_env,
    launcher_process,
    log_tail,
    rabbitmq_vhost,
    worker_process,
)

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

OUTAGES = tuple(int(s) for s in os.environ.get("BROKER_OUTAGES", "30,120").split(","))
EXACT_WITHIN_SECONDS = 60
SUBMIT_EVERY_SECONDS = 0.5


@dataclass
class Broker:
    name: str
    url: str
    cut: Callable[[], None]
    restore: Callable[[], None]
    measured: list[str] = field(default_factory=list)


@pytest.fixture(params=["redis", "rabbitmq"])
def broker(request, tmp_path):
    if request.param == "redis":
        with RedisServer(tmp_path) as server:
            yield Broker("redis", server.url, server.stop, server.start)
    else:
        with rabbitmq_vhost() as vhost, FaultProxy(RABBITMQ_PORT) as proxy:
            yield Broker("rabbitmq", f"amqp://guest:guest@127.0.0.1:{proxy.port}/{vhost}", proxy.cut, proxy.restore)


@pytest.fixture
def broker_not_paused():
    responses.counting_request._broker_down_until = 0.0
    yield
    responses.counting_request._broker_down_until = 0.0


@pytest.fixture(autouse=True)
def _findings_unsuppressed(settings):
    """These tests compare the findings API's counts with the recompute at bases of 1 and
    up: no suppression under the minimum base here (the API's own tests check it)."""
    settings.MIN_BASE_FOR_PERCENT = 1


def _api_findings(client, survey) -> dict[str, tuple[int, int]]:
    response = client.get(reverse("results_api:findings", args=[survey.slug]))
    assert response.status_code == 200, response.content
    return {f["code"]: (f["base"], f["count"]) for f in response.json()["findings"]}


def _exact(client, survey, submitted: int) -> bool:
    """Every submitted response counted, the tables equal the recompute, and the API
    shows the recomputed findings."""
    if uncounted(survey) or SurveyCounter.objects.get(survey=survey).responses_counted != submitted:
        return False
    if count_differences(survey):
        return False
    expected = {f.code: expected_finding(f) for f in Finding.objects.filter(survey=survey)}
    return _api_findings(client, survey) == expected


def _hold_an_unacknowledged_task(log: Path) -> None:
    """A task the worker has received and holds, unacknowledged, until its countdown ends:
    what the worker almost always has under load (count tasks wait 0.4 s)."""
    task_id = str(uuid.uuid4())
    heartbeat_task.apply_async(args=[f"held-{task_id[:8]}"], countdown=20, task_id=task_id)
    wait_for(lambda: f"[{task_id}] received" in log.read_text(errors="replace"), timeout=30, interval=0.1)


def _publish_and_run(name: str) -> None:
    """The web side's own publishing works again (its pooled broker connection was not
    left broken), and the worker runs what it sends."""
    heartbeat_task.delay(name)
    wait_for(lambda: Heartbeat.objects.filter(name=name).exists(), timeout=30, interval=0.25)


def test_it_keeps_a_worker_that_holds_an_unacknowledged_task_alive_when_redis_goes(tmp_path, transactional_db):
    """The root cause, without the launcher to hide it: a bare worker holding a task it has
    not acknowledged used to exit on the lost connection (config/celery.py)."""
    with RedisServer(tmp_path) as server, app_broker(app, server.url):
        with worker_process("held", tmp_path, env=celery_env(CELERY_BROKER_URL=server.url)) as worker:
            log = tmp_path / "worker-held.log"
            _hold_an_unacknowledged_task(log)
            server.stop()
            wait_for(lambda: "Connection to broker lost" in log.read_text(errors="replace"), timeout=15)
            time.sleep(3)
            server.start()
            try:
                _publish_and_run("after-redis-returned")
            except BaseException:
                print(log_tail(log, 60))
                raise
            assert worker.poll() is None
    assert "Unrecoverable error" not in log.read_text(errors="replace")


def test_it_counts_exactly_within_a_minute_of_the_broker_coming_back(
    client, admin_user, demo_survey, tmp_path, broker, broker_not_paused, settings
):
    settings.COUNT_DELAY_SECONDS = 0.4  # as in production: count tasks wait in the worker, unacknowledged
    client.force_login(admin_user)
    rng = random.Random(5)
    submitted = 0

    def submit() -> None:
        nonlocal submitted
        submit_answers(demo_survey, random_demo_answers(rng), client=client)  # asserts 201
        submitted += 1

    log = tmp_path / "launcher.log"
    with app_broker(app, broker.url):
        env = celery_env(CELERY_BROKER_URL=broker.url, SWEEP_SECONDS="3")
        with launcher_process(tmp_path, env=env) as launcher:
            try:
                for _ in range(5):
                    submit()
                wait_for(lambda: _exact(client, demo_survey, submitted), timeout=30, interval=0.25)
                for seconds in OUTAGES:
                    _hold_an_unacknowledged_task(log)
                    submit()
                    broker.cut()
                    outage_ends = time.monotonic() + seconds
                    before = submitted
                    while time.monotonic() < outage_ends:
                        submit()
                        time.sleep(SUBMIT_EVERY_SECONDS)
                    broker.restore()
                    back = time.monotonic()
                    # Counting must resume through the worker and beat alone: this web
                    # process sends no count task until the findings are exact.
                    responses.counting_request._broker_down_until = float("inf")
                    for _ in range(3):
                        submit()
                    wait_for(lambda: _exact(client, demo_survey, submitted), timeout=EXACT_WITHIN_SECONDS,
                             interval=0.5)
                    responses.counting_request._broker_down_until = 0.0
                    broker.measured.append(
                        f"{seconds} s outage: {submitted - before} submissions meanwhile and after, all 201; "
                        f"exact {time.monotonic() - back:.1f} s after the broker's return"
                    )
                    assert launcher.poll() is None, "the launcher exited"
                    _publish_and_run(f"after-{seconds}")
            except BaseException:
                print(log_tail(log, 80))
                raise
    restarts = [line for line in log.read_text(errors="replace").splitlines() if " exited with code " in line]
    print(f"\n{broker.name}: " + "; ".join(broker.measured) + f"; restarts: {restarts or 'none'}")
    assert "Unrecoverable error" not in log.read_text(errors="replace")
    assert_counts_exact(demo_survey)
