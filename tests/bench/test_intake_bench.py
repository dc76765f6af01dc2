"""bench/intake runs: a handful of submissions through the JSON API and as many posts to
the bare insert view, against gunicorn, PostgreSQL, Redis and a Celery worker, each stored
once and the submissions counted. A smoke test of the benchmark, not a measurement.

It drops and creates its own database (the test run's name + `_bench_intake`) and flushes
the benchmark's broker db: Redis dbs 10 and 11 unless BENCH_REDIS_DB="<broker>,<cache>"
says others (never the test run's own, whose worker's queues a flush would drop).
"""

import os
import re
import shutil

import pytest

from tests.kit.commands import bench


@pytest.mark.slow
@pytest.mark.worker
@pytest.mark.postgres
@pytest.mark.redis
def test_it_submits_through_the_api_and_the_bare_view_and_prints_the_ratio():
    if shutil.which("wrk") is None and os.environ.get("CI") != "true":
        pytest.skip("bench/intake needs wrk")
    stdout = bench("intake", "20", "20")
    assert re.search(r"^intake API: [\d.]+ submissions/s \(20 stored in", stdout, re.M)
    assert re.search(r"^bare Django insert: [\d.]+ inserts/s \(20 stored in", stdout, re.M)
    assert re.search(r"^ratio intake API / bare insert: \d+\.\d\d$", stdout, re.M)
    assert "responses stored: 20 (expected 20); counted by the worker: 20" in stdout
    assert "bare rows: 20 (expected 20)" in stdout
