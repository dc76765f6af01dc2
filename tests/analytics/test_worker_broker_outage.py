"""The broker goes away for twenty seconds (a private redis-server, stopped and started
again with its queues lost): every submission still succeeds, and once the broker is back
the worker and beat pick up, and the findings are exact again within seconds."""

import random
import time

import pytest
from django.urls import reverse

import responses.counting_request
from analytics.models import SurveyCounter
from analytics.recompute import expected_finding
from analytics.tasks import SWEEP_GRACE
from config.celery import app
from surveys.models import Finding
from tests.analytics.checks import assert_counts_exact, count_differences, uncounted
from tests.analytics.factories import demo_answers, submit_answers
from tests.analytics.workers import RedisServer, app_broker, beat_process, celery_env, log_tail, worker_process
from tests.helpers import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

OUTAGE_SECONDS = 20


@pytest.fixture
def broker_not_paused():
    responses.counting_request._broker_down_until = 0.0
    yield
    responses.counting_request._broker_down_until = 0.0


def _api_findings(client, survey) -> dict[str, tuple[int, int]]:
    response = client.get(reverse("analytics_api:findings", args=[survey.slug]))
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


def test_it_is_exact_again_within_seconds_of_a_broker_outage(client, admin_user, demo_survey, tmp_path,
                                                             broker_not_paused):
    client.force_login(admin_user)
    rng = random.Random(5)
    submitted = 0

    def submit() -> float:
        nonlocal submitted
        started = time.monotonic()
        submit_answers(demo_survey, demo_answers(rng), client=client)  # asserts 201
        submitted += 1
        return time.monotonic() - started

    with RedisServer(tmp_path) as broker, app_broker(app, broker.url):
        env = celery_env(CELERY_BROKER_URL=broker.url, SWEEP_SECONDS="3")
        with worker_process("outage", tmp_path, env=env), beat_process(tmp_path, env=env):
            try:
                for _ in range(5):
                    submit()
                # Sooner than the sweep's grace: counted by their own tasks, through this broker.
                wait_for(lambda: _exact(client, demo_survey, submitted), timeout=SWEEP_GRACE.total_seconds() - 1.5)

                broker.stop()
                outage_ends = time.monotonic() + OUTAGE_SECONDS
                slowest = 0.0
                while time.monotonic() < outage_ends:
                    slowest = max(slowest, submit())
                    time.sleep(0.3)
                during = submitted - 5
                assert uncounted(demo_survey) >= during

                broker.start()
                restarted = time.monotonic()
                for _ in range(3):
                    submit()
                wait_for(lambda: _exact(client, demo_survey, submitted), timeout=30, interval=0.25)
                recovery = time.monotonic() - restarted
            except BaseException:
                print(log_tail(tmp_path / "worker-outage.log"), log_tail(tmp_path / "beat.log"), sep="\n")
                raise

    print(f"\nbroker down {OUTAGE_SECONDS} s: {during} submissions meanwhile (slowest {slowest:.2f} s); "
          f"exact {recovery:.2f} s after the restart ({submitted} responses)")
    assert_counts_exact(demo_survey)
