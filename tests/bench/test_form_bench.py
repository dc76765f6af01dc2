"""bench/form runs: a handful of responses through the HTML form (and the bare page)
against gunicorn, PostgreSQL, Redis and a Celery worker, each stored once with exactly the
posted answers and counted. A smoke test of the benchmark, not a measurement.

It drops and creates its own database (the test run's name + `_bench_form`) and flushes
the benchmark's broker db: Redis dbs 10 and 11 unless BENCH_REDIS_DB="<broker>,<cache>"
says others (never the test run's own, whose worker's queues a flush would drop).
"""

import os
import re
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from tests.kit.commands import ROOT


@pytest.mark.slow
@pytest.mark.worker
@pytest.mark.postgres
@pytest.mark.redis
def test_it_answers_the_form_and_checks_what_was_stored():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("bench/form needs PostgreSQL (DATABASE_URL)")
    env = {**os.environ, "BENCH_DATABASE": urlsplit(url).path.strip("/") + "_bench_form"}
    env.pop("BENCH_EXPERIMENTS", None)
    result = subprocess.run([sys.executable, "bench/form", "4", "4"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=170)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert re.search(r"^bare Django page .*: [\d.]+ complete responses/s \(4 in", result.stdout, re.M)
    assert re.search(r"^survey form .*: [\d.]+ complete responses/s \(4 in", result.stdout, re.M)
    assert "responses: 20 posted (4 + 16 of the warm-up), problems: 0; counted by the worker: 20" in result.stdout
