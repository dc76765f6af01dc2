"""A worker killed in the middle of counting a response: its transaction dies with it, the
"uncounted" marker is back, and the sweep counts the response exactly once."""

import os
import random
import signal
import time
from unittest import mock

import pytest
from django.utils import timezone

from analytics.models import SurveyCounter
from analytics.tasks import SWEEP_GRACE, sweep_uncounted_task
from config.celery import app
from responses.models import UncountedResponse
from tests.kit.counts import assert_counts_exact, uncounted
from tests.kit.data import submit_answers
from tests.kit.demo import random_demo_answers
from tests.kit.waiting import wait_for
from tests.kit.workers import broker_forget, celery_env, log_tail, wait_until_worker_idle, worker_process

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

QUEUE = "killtest"
HOLD_MODULE = "tests.analytics.count_hold"  # imported by the worker only: it patches counting


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A killed child stays a zombie until whoever inherits it from its killed parent reaps it.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_it_counts_a_response_once_after_its_worker_was_killed_mid_count(demo_survey, tmp_path,
                                                                        celery_worker_process):
    rng = random.Random(4)
    for _ in range(5):
        submit_answers(demo_survey, random_demo_answers(rng))
    wait_for(lambda: uncounted(demo_survey) == 0, timeout=30)
    # The first count task may have counted all five: the others must have run too, or
    # one of them would count the victim (a task counts whatever is pending).
    wait_until_worker_idle()
    with mock.patch("responses.services.request_counting"):  # counted only through the killtest queue
        victim = submit_answers(demo_survey, random_demo_answers(rng, role="it", twitter="never"))

    hold_dir = tmp_path / "hold"
    hold_dir.mkdir()
    (hold_dir / "hold").touch()
    # The worker's counting waits inside its claiming transaction while `hold` exists.
    env = celery_env(COUNT_HOLD_DIR=str(hold_dir))
    try:
        with worker_process("killtest", tmp_path, queues=(QUEUE,), env=env, include=(HOLD_MODULE,)) as proc:
            app.send_task("analytics.count_response", args=[victim], queue=QUEUE)
            try:
                holding = wait_for(lambda: list(hold_dir.glob("holding-*")), timeout=30)
            except BaseException:
                print(log_tail(tmp_path / "worker-killtest.log"))
                raise
            pool_pid = int(holding[0].name.removeprefix("holding-"))
            assert pool_pid != proc.pid
            # The claim is made but not committed: everyone else still sees the marker.
            assert UncountedResponse.objects.filter(response_id=victim).exists()

            # The parent first, so that it cannot hand the message back to the queue.
            os.kill(proc.pid, signal.SIGKILL)
            os.kill(pool_pid, signal.SIGKILL)
            killed = time.monotonic()
            proc.wait(timeout=10)
            wait_for(lambda: _gone(pool_pid), timeout=10)
    finally:
        (hold_dir / "hold").unlink(missing_ok=True)
        broker_forget(app, QUEUE)

    assert UncountedResponse.objects.filter(response_id=victim).exists()  # rolled back with the process
    assert SurveyCounter.objects.get(survey=demo_survey).responses_counted == 5
    assert_counts_exact(demo_survey)

    marker = UncountedResponse.objects.get(response_id=victim)
    time.sleep(max(0.0, (marker.created_at + SWEEP_GRACE - timezone.now()).total_seconds() + 0.2))
    sweep_uncounted_task.delay()
    wait_for(lambda: uncounted(demo_survey) == 0, timeout=20)
    print(f"\nkilled mid-count; counted by the sweep {time.monotonic() - killed:.2f} s after the kill")
    assert SurveyCounter.objects.get(survey=demo_survey).responses_counted == 6
    assert_counts_exact(demo_survey)

    # Sent again, counting and sweeping change nothing.
    app.send_task("analytics.count_response", args=[victim])
    sweep_uncounted_task.delay()
    wait_until_worker_idle()
    assert SurveyCounter.objects.get(survey=demo_survey).responses_counted == 6
    assert_counts_exact(demo_survey)
