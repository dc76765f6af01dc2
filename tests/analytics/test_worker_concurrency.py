"""Many workers counting the same responses at once, each task sent three times and sweeps
racing them, still count every response exactly once (PostgreSQL: real row locks)."""

import random
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from analytics.models import SurveyCounter
from config.celery import app
from responses.models import UncountedResponse
from tests.kit.counts import assert_counts_exact, uncounted
from tests.kit.data import submit_answers
from tests.kit.demo import random_demo_answers
from tests.kit.waiting import wait_for
from tests.kit.workers import broker_pending, log_tail, worker_processes

pytestmark = [pytest.mark.worker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RESPONSES = 60


def test_it_counts_each_response_once_with_duplicate_tasks_on_many_workers(demo_survey, tmp_path,
                                                                           celery_worker_process):
    rng = random.Random(3)
    with mock.patch("responses.services.request_counting"):  # the test sends the tasks itself
        ids = [submit_answers(demo_survey, random_demo_answers(rng)) for _ in range(RESPONSES)]
    # Old enough for the sweep, so that sweeps race the count tasks for the same markers.
    UncountedResponse.objects.update(created_at=timezone.now() - timedelta(seconds=60))

    names = [f"concurrency-{i}" for i in range(3)]
    with worker_processes(names, tmp_path, concurrency=2):
        started = time.monotonic()
        for _ in range(3):
            for response_id in ids:
                app.send_task("analytics.count_response", args=[response_id])
            app.send_task("analytics.sweep_uncounted")
        try:
            wait_for(lambda: uncounted(demo_survey) == 0, timeout=45)
            wait_for(lambda: broker_pending(app) == 0, timeout=30)
        except BaseException:
            for name in names:
                print(log_tail(tmp_path / f"worker-{name}.log"))
            raise
        print(f"\n{RESPONSES} responses x 3 tasks + 3 sweeps on 7 processes: {time.monotonic() - started:.2f} s")
        logs = "".join((tmp_path / f"worker-{name}.log").read_text() for name in names)

    assert "analytics.count_response" in logs  # the extra workers took part
    assert "Traceback" not in logs
    assert SurveyCounter.objects.get(survey=demo_survey).responses_counted == RESPONSES
    assert_counts_exact(demo_survey)
