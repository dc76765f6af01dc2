"""The project as a subprocess sees it: its root, `manage.py`, a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`manage.py` in a subprocess with the given environment, and none of the database,
    broker, debug and e-mail settings of the test run's own."""
    clean = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "DEBUG", "EMAIL_BACKEND")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True,
        timeout=60,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench(script: str, *args: str) -> str:
    """`bench/<script> <args>` on PostgreSQL in a database of its own (the test run's name +
    `_bench_<script>`), as its smoke tests run it: skipped without PostgreSQL, failed
    unless it exits 0; its standard output."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip(f"bench/{script} needs PostgreSQL (DATABASE_URL)")
    env = {**os.environ, "BENCH_DATABASE": f"{urlsplit(url).path.strip('/')}_bench_{script}"}
    env.pop("BENCH_EXPERIMENTS", None)
    result = subprocess.run([sys.executable, f"bench/{script}", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=170)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout
