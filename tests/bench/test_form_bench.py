"""bench/form runs: a handful of responses through the HTML form (and the bare page)
against gunicorn, PostgreSQL, Redis and a Celery worker, each stored once with exactly the
posted answers and counted. A smoke test of the benchmark, not a measurement.

It drops and creates its own database (the test run's name + `_bench_form`) and flushes
the benchmark's broker db: Redis dbs 10 and 11 unless BENCH_REDIS_DB="<broker>,<cache>"
says others (never the test run's own, whose worker's queues a flush would drop).
"""

import re

import pytest

from tests.kit.commands import bench


@pytest.mark.slow
@pytest.mark.worker
@pytest.mark.postgres
@pytest.mark.redis
def test_it_answers_the_form_and_checks_what_was_stored():
    stdout = bench("form", "4", "4")
    assert re.search(r"^bare Django page .*: [\d.]+ complete responses/s \(4 in", stdout, re.M)
    assert re.search(r"^survey form .*: [\d.]+ complete responses/s \(4 in", stdout, re.M)
    # As a browser running page-url.js: each page comes as the answer to the post before it.
    assert re.search(r"^survey form .*, 5\.0 requests a response\)", stdout, re.M)
    assert re.search(r"^bare Django page .*, 4\.0 requests a response\)", stdout, re.M)
    assert "responses: 20 posted (4 + 16 of the warm-up), problems: 0; counted by the worker: 20" in stdout
