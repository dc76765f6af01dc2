"""`make run` on the embedded default (SQLite + filesystem broker): the site and the
admin answer, the worker consumes a task, a worker that dies is restarted and consumes
again, and Ctrl-C leaves no process behind."""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.kit.commands import ROOT, free_port
from tests.kit.waiting import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.worker]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except OSError:
        return 0


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def _heartbeat_seen(db_path: Path, name: str) -> bool:
    if not db_path.exists():
        return False
    try:
        with sqlite3.connect(db_path, timeout=5) as conn:
            return conn.execute("SELECT 1 FROM ops_heartbeat WHERE name = ?", (name,)).fetchone() is not None
    except sqlite3.OperationalError:
        return False


def _cmdline(pid: int) -> list[str]:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def _worker_leader(launcher_root: int) -> int | None:
    """The `celery worker` main process among the launcher's descendants (not a pool child:
    its parent is the launcher, not another worker process)."""
    for pid in _descendants(launcher_root):
        args = _cmdline(pid)
        if "worker" in args and any(a.endswith("celery") for a in args):
            parent = int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if "run_all" in _cmdline(parent):
                return pid
    return None


def _send_heartbeat(env: dict[str, str], name: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         f"from ops.tasks import heartbeat_task; heartbeat_task.delay({name!r})"],
        cwd=ROOT, env=env, check=True, timeout=60,
    )


def test_it_serves_runs_tasks_and_stops_cleanly(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env.update(VAR_DIR=str(tmp_path / "var"), PORT=str(port), DEMO_ADMIN_PASSWORD="smoke-test-password")
    log = open(tmp_path / "make-run.log", "w")
    started = time.monotonic()
    proc = subprocess.Popen(["make", "run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    pgid = os.getpgid(proc.pid)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: _get(base + "/") == 200, timeout=120, interval=0.5)
        print(f"make run: first page after {time.monotonic() - started:.1f}s")
        assert _get(base + "/admin/login/") == 200
        assert _get(base + "/preview/1/") in (200, 302)

        _send_heartbeat(env, "smoke")
        wait_for(lambda: _heartbeat_seen(tmp_path / "var" / "db.sqlite3", "smoke"), timeout=60, interval=0.5)

        # The worker dies (as by the out-of-memory killer): the launcher restarts it, logs
        # why, and the new worker consumes.
        worker = _worker_leader(proc.pid)
        assert worker is not None
        os.kill(worker, signal.SIGKILL)
        wait_for(lambda: re.search(r"worker exited with code -9 after [\d.]+ s; restarting it in 1 s",
                                   (tmp_path / "make-run.log").read_text()), timeout=10)
        wait_for(lambda: _worker_leader(proc.pid) not in (None, worker), timeout=30, interval=0.5)
        _send_heartbeat(env, "after-restart")
        wait_for(lambda: _heartbeat_seen(tmp_path / "var" / "db.sqlite3", "after-restart"), timeout=90, interval=0.5)
        processes = _descendants(proc.pid)
        assert len(processes) >= 5  # launcher, gunicorn and its workers, worker and its pool, beat
    finally:
        # Ctrl-C in a terminal signals the whole foreground process group.
        os.killpg(pgid, signal.SIGINT)
        try:
            proc.wait(timeout=30)
        finally:
            log.close()
    left = _alive(processes)
    assert not left, f"processes left behind after Ctrl-C: {sorted(left)}"
    output = (tmp_path / "make-run.log").read_text()
    assert "Stopped web, worker and beat." in output
    assert "/admin/" in output
