"""Shared pieces of the benchmark scripts: a throwaway PostgreSQL database, gunicorn and a
Celery worker started against it, and the header every benchmark prints."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
# bench/urls.py's /bench/insert/ writes here: bench/intake's bare view, the stack's limit.
BARE_INSERT_TABLE = (
    "CREATE TABLE bench_insert (id bigserial PRIMARY KEY, submission_id uuid NOT NULL UNIQUE, body jsonb NOT NULL, "
    "created_at timestamptz NOT NULL DEFAULT clock_timestamp())"
)
CHANNELS = ["twitter", "facebook", "linkedin", "blogs", "video", "wikis", "communities"]


def header(name: str, commands: list[str]) -> None:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    print(f"# {name}")
    print(f"nproc: {os.cpu_count()}")
    print(f"commit: {commit.stdout.strip() or 'unknown'}")
    for command in commands:
        print(f"command: {command}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_env(database: str, broker: str | None = None) -> dict[str, str]:
    # BENCH_REDIS_DB="<broker>,<cache>" moves the benchmark off Redis dbs 10 and 11 (say,
    # where tests run at the same time); the broker's db is flushed by fresh_database.
    broker_db, cache_db = os.environ.get("BENCH_REDIS_DB", "10,11").split(",")
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "CELERY_BROKER_URL": broker or f"redis://127.0.0.1:6379/{int(broker_db)}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{int(cache_db)}",
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "x" * 50,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",  # required with DEBUG off; none is sent
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SUBMIT_RATE_LIMIT": "0",
        "LOG_LEVEL": "WARNING",
        "VAR_DIR": str(ROOT / "var" / "bench"),
    }


def manage(env: dict, *args: str) -> str:
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def fresh_database(env: dict, name: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
    manage(env, "migrate", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")  # pages render with DEBUG off
    manage(env, "import_survey", "surveys/demo/ddiq-2010.yaml")
    subprocess.run(["redis-cli", "-n", env["CELERY_BROKER_URL"].rsplit("/", 1)[1], "flushdb"], capture_output=True)


@contextmanager
def processes(env: dict, *, port: int, web_workers: int = 4, worker_concurrency: int = 2, worker: bool = True,
              app: str = "config.wsgi"):
    """gunicorn (and a Celery worker) for the duration of the block."""
    commands = [[str(BIN / "gunicorn"), app, "--bind", f"127.0.0.1:{port}", "--workers", str(web_workers),
                 "--log-level", "warning"]]
    if worker:
        commands.append([str(BIN / "celery"), "-A", "config", "worker", "--loglevel", "WARNING", "--concurrency",
                         str(worker_concurrency), "--without-gossip", "--without-mingle"])
    # A benchmark stopped by SIGTERM (e.g. `timeout`) still stops what it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped by SIGTERM"))
    procs = [subprocess.Popen(c, cwd=ROOT, env=env, start_new_session=True) for c in commands]
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    sys.exit("the web server did not start")
                time.sleep(0.3)
        yield procs
    finally:
        for p in procs:
            os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)


def demo_answers(rng: random.Random) -> dict:
    twitter = rng.choice(["never", "never", "less_monthly", "weekly", "daily"])
    answers = {
        "role": rng.choice(["it", "business"]),
        "seniority": rng.choice(["c_level", "vp", "director", "manager", "other"]),
        "industry": rng.choice(["financial", "healthcare", "retail", "technology", "public"]),
        "revenue": rng.choice(["lt_100m", "100m_1b", "1b_10b", "gt_10b"]),
        "company_usage": {c: rng.choice(["none", "experimenting", "some", "widespread"]) for c in CHANNELS},
        "personal_use": {c: rng.choice(["never", "less_monthly", "monthly", "weekly", "daily"]) for c in CHANNELS},
        "barriers": rng.sample(["time_waster", "roi", "security", "monitoring", "policy"], rng.randint(0, 3)),
        "comments": "",
    }
    answers["personal_use"]["twitter"] = twitter
    if twitter != "never":
        answers["twitter_uses"] = rng.sample(["news", "peers", "recruiting"], rng.randint(1, 2))
    return answers


def submission(rng: random.Random) -> bytes:
    return json.dumps({"submission_id": str(uuid.uuid4()), "answers": demo_answers(rng)}).encode()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]
