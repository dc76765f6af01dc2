"""Runs a few long-lived processes together and restarts the ones that may be restarted.

`make run` (ops/management/commands/run_all.py) runs web, worker and beat with it, and the
broker-outage tests run worker and beat with it, so that what they test is what `make run`
does. In production a process manager plays this part (README, "Running in production").

Why restart at all: a Celery worker or beat can exit on a fault it cannot recover from (a
broker or database outage meeting a bug, an out-of-memory kill); counting must not stop
until someone at a keyboard notices. A process that keeps failing is restarted after a
delay that doubles (1 s, 2 s, 4 s ... up to 30 s) so that a crash loop does not hog the
machine or flood the log; once a process has run for `stable_seconds`, its next exit is
treated as a first failure again.

Each child runs in its own process group (gunicorn and Celery fork children of their own):
stopping sends SIGTERM to each group, waits up to `grace_seconds`, then kills what is left
of the group, so no process stays behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass
class _Child:
    name: str
    argv: list[str]
    restart: bool
    proc: subprocess.Popen | None = None
    started_at: float = 0.0
    restart_at: float | None = None  # time.monotonic() of a restart that is due
    delay: float = 0.0  # the back-off before the next restart
    restarts: int = 0


@dataclass
class Supervisor:
    """`commands` maps a name to its argv; the children named in `restart` are restarted
    when they exit, any other child exiting stops them all (`run` then returns 1)."""

    commands: Mapping[str, Sequence[str]]
    restart: frozenset[str] = frozenset()
    log: Callable[[str], None] = print
    env: Mapping[str, str] | None = None
    backoff_start: float = 1.0
    backoff_max: float = 30.0
    stable_seconds: float = 60.0
    grace_seconds: float = 10.0
    poll_seconds: float = 0.2
    _children: dict[str, _Child] = field(default_factory=dict, init=False)

    def start(self) -> None:
        for name, argv in self.commands.items():
            child = _Child(name=name, argv=list(argv), restart=name in self.restart)
            self._children[name] = child
            self._spawn(child)

    def pid(self, name: str) -> int | None:
        child = self._children.get(name)
        return child.proc.pid if child and child.proc and child.proc.poll() is None else None

    def restarts(self, name: str) -> int:
        return self._children[name].restarts

    def check(self) -> str | None:
        """Reaps and restarts children; returns the name of a child whose exit stops all."""
        now = time.monotonic()
        for child in self._children.values():
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.restart_at = None
                    child.restarts += 1
                    self._spawn(child)
                continue
            code = child.proc.poll() if child.proc else None
            if code is None:
                continue
            if not child.restart:
                self.log(f"{child.name} exited with code {code}; stopping the others.")
                return child.name
            # What the leader left behind (pool processes of a killed worker) goes before a
            # new one starts, so that no task runs in a process that nothing supervises.
            _signal_group(child.proc, signal.SIGKILL)
            ran = now - child.started_at
            # A process that ran stably and then exited had a fault, not a start-up loop.
            child.delay = self.backoff_start if ran >= self.stable_seconds or not child.delay else min(
                child.delay * 2, self.backoff_max
            )
            child.restart_at = now + child.delay
            child.proc = None
            self.log(
                f"{child.name} exited with code {code} after {ran:.1f} s; restarting it in {child.delay:g} s "
                f"(restart {child.restarts + 1})."
            )
        return None

    def run(self, stopping: Callable[[], bool]) -> int:
        """Supervises until `stopping()` is true (0) or a child that is not restarted
        exits (1); stops every child before returning."""
        exit_code = 0
        try:
            while not stopping():
                if self.check() is not None:
                    exit_code = 1
                    break
                time.sleep(self.poll_seconds)
        finally:
            self.stop_all()
        return exit_code

    def stop_all(self) -> None:
        running = [c.proc for c in self._children.values() if c.proc is not None]
        for proc in running:
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + self.grace_seconds
        for proc in running:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            # Whatever the leader left behind (a pool process still finishing) goes too.
            _signal_group(proc, signal.SIGKILL)
            proc.wait()
        for child in self._children.values():
            child.proc, child.restart_at = None, None

    def _spawn(self, child: _Child) -> None:
        env = dict(self.env) if self.env is not None else None
        child.proc = subprocess.Popen(child.argv, start_new_session=True, env=env)
        child.started_at = time.monotonic()


def _signal_group(proc: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(proc.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass
