"""Concurrent submissions against a real server and PostgreSQL: sixteen copies of one
submission (a client retrying, a double tap) store one response; sixteen different ones
all land. SQLite serialises writers, so only PostgreSQL shows the race."""

import json
import threading
import urllib.error
import urllib.request
import uuid

import pytest

from responses.models import Response, UncountedResponse
from tests.kit.api import URL
from tests.kit.demo import demo_answers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 16


def _post(url: str, submission_id: str) -> tuple[int, dict]:
    body = json.dumps({"submission_id": submission_id, "answers": demo_answers()}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def _post_together(url: str, submission_ids: list[str]) -> list[tuple[int, dict]]:
    """Post from one thread per id, all released at the same moment."""
    barrier = threading.Barrier(len(submission_ids))
    results: list = [None] * len(submission_ids)

    def run(i: int) -> None:
        barrier.wait(timeout=30)
        results[i] = _post(url, submission_ids[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(submission_ids))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_it_stores_one_response_for_sixteen_copies_of_a_submission(demo_survey, live_server, counting_requests):
    results = _post_together(live_server.url + URL, [str(uuid.uuid4())] * THREADS)

    assert sorted(status for status, _ in results) == [200] * (THREADS - 1) + [201]
    assert len({body["id"] for _, body in results}) == 1
    assert Response.objects.count() == 1
    assert UncountedResponse.objects.count() == 1
    assert len(counting_requests) == 1


def test_it_stores_sixteen_different_submissions_sent_at_once(demo_survey, live_server, counting_requests):
    results = _post_together(live_server.url + URL, [str(uuid.uuid4()) for _ in range(THREADS)])

    assert [status for status, _ in results] == [201] * THREADS
    assert Response.objects.count() == THREADS
    assert UncountedResponse.objects.count() == THREADS
    assert len(counting_requests) == THREADS
