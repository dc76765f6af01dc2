"""The process supervisor behind `make run`: a worker or beat that exits is restarted with a
doubling back-off, logged with its exit code; any other child exiting stops them all; and
stopping leaves no process behind."""

import os
import sys
import threading
import time

from ops.supervisor import Supervisor
from tests.kit.waiting import wait_for

PY = sys.executable


def _exits(code: int, after: float = 0.0) -> list[str]:
    return [PY, "-c", f"import sys, time; time.sleep({after}); sys.exit({code})"]


def _sleeps() -> list[str]:
    return [PY, "-c", "import time; time.sleep(60)"]


def _supervisor(commands, **options) -> tuple[Supervisor, list[str]]:
    lines: list[str] = []
    options = {"backoff_start": 0.1, "backoff_max": 0.4, "grace_seconds": 2, "poll_seconds": 0.02} | options
    return Supervisor(commands=commands, log=lines.append, **options), lines


def _run_in_thread(supervisor: Supervisor) -> tuple[threading.Event, threading.Thread, list[int]]:
    stop, result = threading.Event(), []
    thread = threading.Thread(target=lambda: result.append(supervisor.run(stop.is_set)), daemon=True)
    supervisor.start()
    thread.start()
    return stop, thread, result


def test_it_restarts_a_child_that_exits_and_logs_the_exit_code():
    supervisor, lines = _supervisor({"worker": _exits(3)}, restart=frozenset({"worker"}))
    stop, thread, result = _run_in_thread(supervisor)
    try:
        wait_for(lambda: supervisor.restarts("worker") >= 2, timeout=10)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert result == [0]
    assert lines[0].startswith("worker exited with code 3 after ")
    assert "restarting it in 0.1 s (restart 1)" in lines[0]


def test_it_doubles_the_delay_up_to_the_maximum_while_a_child_keeps_failing():
    supervisor, lines = _supervisor({"beat": _exits(1)}, restart=frozenset({"beat"}))
    stop, thread, _ = _run_in_thread(supervisor)
    try:
        wait_for(lambda: len(lines) >= 5, timeout=15)
    finally:
        stop.set()
        thread.join(timeout=10)
    delays = [line.split("restarting it in ")[1].split(" s")[0] for line in lines[:5]]
    assert delays == ["0.1", "0.2", "0.4", "0.4", "0.4"]


def test_it_starts_the_back_off_afresh_after_a_child_ran_stably():
    # Each run lasts 0.3 s, longer than `stable_seconds`: every exit is a first failure.
    supervisor, lines = _supervisor(
        {"worker": _exits(1, after=0.3)}, restart=frozenset({"worker"}), stable_seconds=0.25
    )
    stop, thread, _ = _run_in_thread(supervisor)
    try:
        wait_for(lambda: len(lines) >= 3, timeout=15)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert all("restarting it in 0.1 s" in line for line in lines[:3]), lines


def test_it_stops_everything_when_a_child_that_is_not_restarted_exits():
    supervisor, lines = _supervisor({"web": _exits(2, after=0.2), "worker": _sleeps()}, restart=frozenset({"worker"}))
    supervisor.start()
    worker = supervisor.pid("worker")
    assert supervisor.run(lambda: False) == 1
    assert lines == ["web exited with code 2; stopping the others."]
    wait_for(lambda: not _alive(worker), timeout=5)


def test_it_stops_every_child_and_its_process_group_when_asked():
    # A child that ignores SIGTERM and leaves a grandchild behind: both are killed.
    stubborn = [PY, "-c", (
        "import signal, subprocess, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        f"subprocess.Popen([{PY!r}, '-c', 'import time; time.sleep(60)']); time.sleep(60)"
    )]
    supervisor, _ = _supervisor({"worker": stubborn}, restart=frozenset({"worker"}), grace_seconds=0.5)
    supervisor.start()
    pgid = supervisor.pid("worker")
    time.sleep(0.5)
    assert supervisor.run(lambda: True) == 0
    wait_for(lambda: not _group_alive(pgid), timeout=5)


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True
