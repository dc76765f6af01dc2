"""PostgreSQL goes away under load, and nobody restarts anything.

`make run`'s web server, worker and beat (`run_all --no-setup`) reach the test database
through a fault-injecting proxy (tests/kit/faults.py): the shared PostgreSQL server, which this
test run itself uses, is never stopped; the proxy cuts every connection of the app and
refuses new ones for 20 s. Submissions go to the real gunicorn over HTTP at a steady pace:
during the outage they fail fast (503 with Retry-After, never a 500 or a hang), after it the web server
answers 201 again by itself, every submission that was answered 201 is stored, and the
findings equal a full recompute within a minute.
"""

import json
import random
import time
import urllib.error
import urllib.request
import uuid

import pytest
from django.conf import settings

from responses.models import Response
from tests.kit.commands import free_port
from tests.kit.counts import count_differences, uncounted
from tests.kit.demo import random_demo_answers
from tests.kit.faults import FaultProxy
from tests.kit.waiting import wait_for
from tests.kit.workers import RedisServer, celery_env, launcher_process, log_tail

pytestmark = [
    pytest.mark.worker, pytest.mark.postgres, pytest.mark.slow, pytest.mark.timing,
    pytest.mark.django_db(transaction=True),
]

OUTAGE_SECONDS = 20
SUBMIT_EVERY_SECONDS = 0.2


def _post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        try:
            refusal = json.loads(exc.read())
        except ValueError:
            refusal = {}
        return exc.code, {**refusal, "retry_after": exc.headers.get("Retry-After")}


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def test_it_reconnects_by_itself_and_loses_no_accepted_submission(demo_survey, tmp_path):
    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("postgresql"):
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    rng = random.Random(11)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/api/v1/surveys/{demo_survey.slug}/responses/"
    accepted: list[str] = []
    statuses: dict[str, list[int]] = {"before": [], "during": [], "after": []}
    refusals: list[dict] = []
    slowest_during = 0.0

    def submit(phase: str) -> int:
        nonlocal slowest_during
        started = time.monotonic()
        status, body = _post(url, {"submission_id": str(uuid.uuid4()), "answers": random_demo_answers(rng)})
        if phase == "during":
            slowest_during = max(slowest_during, time.monotonic() - started)
            refusals.append(body)
        statuses[phase].append(status)
        if status == 201:
            accepted.append(body["id"])
        return status

    with FaultProxy(int(db["PORT"] or 5432)) as proxy, RedisServer(tmp_path) as broker:
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        env = celery_env(
            DATABASE_URL=f"postgres://{auth}@127.0.0.1:{proxy.port}/{db['NAME']}",
            CELERY_BROKER_URL=broker.url, SWEEP_SECONDS="3", SUBMIT_RATE_LIMIT="0", PORT=str(port),
        )
        log = tmp_path / "launcher.log"
        with launcher_process(tmp_path, env=env, only="web,worker,beat") as launcher:
            try:
                wait_for(lambda: _get(f"{base}/healthz") == 200, timeout=60, interval=0.25)
                phase_ends = time.monotonic() + 5
                while time.monotonic() < phase_ends:
                    assert submit("before") == 201
                    time.sleep(SUBMIT_EVERY_SECONDS)

                proxy.cut()
                connections_cut = proxy.connections_cut
                phase_ends = time.monotonic() + OUTAGE_SECONDS
                while time.monotonic() < phase_ends:
                    submit("during")
                    time.sleep(SUBMIT_EVERY_SECONDS)
                proxy.restore()
                back = time.monotonic()

                # The web server reconnects by itself: 201 again within seconds, and then throughout.
                wait_for(lambda: submit("after") == 201, timeout=15, interval=SUBMIT_EVERY_SECONDS)
                web_back = time.monotonic() - back
                phase_ends = time.monotonic() + 5
                while time.monotonic() < phase_ends:
                    assert submit("after") == 201
                    time.sleep(SUBMIT_EVERY_SECONDS)

                wait_for(lambda: not uncounted(demo_survey) and not count_differences(demo_survey),
                         timeout=60, interval=0.5)
                exact_after = time.monotonic() - back
                assert launcher.poll() is None, "the launcher exited"
            except BaseException:
                print(log_tail(log, 80))
                raise

    stored = set(map(str, Response.objects.filter(pk__in=accepted).values_list("pk", flat=True)))
    assert stored == set(accepted), f"{len(set(accepted) - stored)} submission(s) answered 201 and lost"
    # Refused as "try again shortly" in the API's envelope, never a 500 (core/unavailable.py).
    assert statuses["during"] and set(statuses["during"]) == {503}, statuses["during"]
    assert all(body.get("errors", {}).get("service") and body["retry_after"] for body in refusals), refusals[:3]
    assert slowest_during < 5
    restarts = [line for line in log.read_text(errors="replace").splitlines() if " exited with code " in line]
    print(
        f"\nPostgreSQL down {OUTAGE_SECONDS} s ({connections_cut} connections cut): "
        f"{len(statuses['during'])} submissions meanwhile, answered {sorted(set(statuses['during']))} "
        f"(slowest {slowest_during:.2f} s); web answering 201 again {web_back:.1f} s after the return; "
        f"exact {exact_after:.1f} s after it ({len(accepted)} accepted); restarts: {restarts or 'none'}"
    )
