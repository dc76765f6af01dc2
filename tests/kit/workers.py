"""Extra Celery worker and beat processes, a private redis-server and RabbitMQ virtual
hosts, for the fault tests; and pointing this process's Celery app at another broker.

Processes are started like the session worker in tests/conftest.py (the test database, the
configured broker), each in its own session so that stopping one also reaps its pool
children, with its output in a log file that a failing test can show. Use them as context
managers: they are always stopped, whatever the test does.
"""

from __future__ import annotations

import email
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from celery import Celery
from kombu import Connection

from tests.kit.commands import ROOT, free_port
from tests.kit.waiting import wait_for

CELERY = str(Path(sys.executable).parent / "celery")
_READY = re.compile(r"@\S+ ready\.")


def database_url() -> str:
    """The URL of the test database, for a process started by a test."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def celery_env(**extra: str) -> dict[str, str]:
    """The environment of a worker on the test database and the configured broker."""
    from django.conf import settings

    env = {**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": settings.CELERY_BROKER_URL}
    if settings.CELERY_BROKER_URL == "filesystem://":
        env.pop("CELERY_BROKER_URL")
    env.update(extra)
    return env


def file_mail_env(mail_dir: Path) -> dict[str, str]:
    """A worker's environment that sends e-mail through Django's file backend into `mail_dir`."""
    return celery_env(EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=str(mail_dir))


def file_mails(mail_dir: Path) -> list[email.message.Message]:
    """The messages the file backend wrote (each followed by a line of 79 dashes)."""
    found = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk))
    return found


def drain(queue: str, timeout: float = 30) -> None:
    """Wait until a worker of `queue` (one task at a time, in order) ran everything sent before."""
    from ops.models import Heartbeat
    from ops.tasks import heartbeat_task

    name = f"drained-{uuid.uuid4().hex[:8]}"
    heartbeat_task.apply_async(args=[name], queue=queue)
    wait_for(lambda: Heartbeat.objects.filter(name=name).exists(), timeout=timeout)


def log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


def _spawn(args: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(args, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop_processes(procs: list[subprocess.Popen], timeout: float = 15) -> None:
    """Warm shutdown (SIGTERM to all at once), then SIGKILL; and whatever is left of each
    process group (prefork children whose parent was killed) goes too."""
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    deadline = time.monotonic() + timeout
    for proc in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def stop_process(proc: subprocess.Popen, timeout: float = 15) -> None:
    stop_processes([proc], timeout)


def _worker_args(name: str, queues: tuple[str, ...], concurrency: int, include: tuple[str, ...]) -> list[str]:
    return [
        CELERY, "-A", "config", "worker", "--loglevel", "INFO", "--pool", "prefork",
        "--concurrency", str(concurrency), "-n", f"{name}@%h", "-Q", ",".join(queues),
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        *(["--include", ",".join(include)] if include else []),
    ]


def _wait_ready(proc: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not _READY.search(log.read_text(errors="replace")):
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"worker did not start ({log.name}):\n{log_tail(log)}")
        time.sleep(0.1)


@contextmanager
def worker_processes(
    names: list[str],
    log_dir: Path,
    *,
    queues: tuple[str, ...] = ("celery",),
    concurrency: int = 1,
    env: dict[str, str] | None = None,
    include: tuple[str, ...] = (),
    ready_timeout: float = 60,
) -> Iterator[list[subprocess.Popen]]:
    """`celery worker` processes consuming `queues`, started together and yielded once
    each reports ready. Each one logs to `<log_dir>/worker-<name>.log`. `include`: test
    modules each worker imports at startup (e.g. `tests.analytics.count_hold`)."""
    procs: list[subprocess.Popen] = []
    try:
        for name in names:
            log = log_dir / f"worker-{name}.log"
            procs.append(_spawn(_worker_args(name, queues, concurrency, include), log, env or celery_env()))
        for name, proc in zip(names, procs, strict=True):
            _wait_ready(proc, log_dir / f"worker-{name}.log", ready_timeout)
        yield procs
    finally:
        stop_processes(procs)


@contextmanager
def worker_process(name: str, log_dir: Path, **options) -> Iterator[subprocess.Popen]:
    with worker_processes([name], log_dir, **options) as (proc,):
        yield proc


@contextmanager
def beat_process(log_dir: Path, *, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen]:
    """`celery beat` with its schedule file in `log_dir` (a fresh schedule: every entry
    first runs one interval after start)."""
    log = log_dir / "beat.log"
    args = [CELERY, "-A", "config", "beat", "--loglevel", "INFO", "-s", str(log_dir / "beat-schedule")]
    proc = _spawn(args, log, env or celery_env())
    try:
        yield proc
    finally:
        stop_process(proc)


class RedisServer:
    """A private `redis-server` without persistence: stopping it loses every queued task,
    as a crashed broker would."""

    def __init__(self, directory: Path):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        self.binary = binary
        self.directory = directory
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10) -> None:
        import redis

        args = [
            self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", str(self.directory),
        ]
        self.proc = _spawn(args, self.directory / "redis.log", dict(os.environ))
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + timeout
        while True:
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"redis-server did not start:\n{log_tail(self.directory / 'redis.log')}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc, timeout=5)
            self.proc = None

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


@contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Point this process's Celery app at another broker for the duration.

    Celery reads CELERY_BROKER_URL from the environment before its own setting: with the
    variable set (as under CI), changing only `conf.broker_url` changes nothing. The app
    also caches its connection and producer pools for the first broker URL it used."""
    from config.celery import app

    def reset() -> None:
        app._pool = None
        app.amqp._producer_pool = None

    saved = app.conf.broker_url
    with mock.patch.dict(os.environ, {"CELERY_BROKER_URL": url}):
        reset()
        app.conf.broker_url = url
        try:
            assert app.connection_for_write().as_uri() == Connection(url).as_uri()
            yield
        finally:
            reset()
            app.conf.broker_url = saved


@contextmanager
def app_broker(app: Celery, url: str) -> Iterator[None]:
    """Point this process's Celery app at another broker for the duration."""
    with celery_broker(url):
        yield


def _unacked(channel) -> dict[bytes, str]:
    """Redis only: delivery tag -> routing key of the messages delivered but not acked."""
    client = channel.client
    return {tag: json.loads(raw)[2] for tag, raw in client.hgetall(channel.unacked_key).items()}


def broker_pending(app: Celery, queue: str = "celery") -> int:
    """Messages of `queue` not yet done: waiting in the queue, or (Redis) delivered to a
    worker and not acknowledged yet, which with late acks means still running."""
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        waiting = channel._size(queue)
        if conn.transport.driver_type != "redis":
            return waiting
        return waiting + sum(1 for key in _unacked(channel).values() if key == queue)


def broker_forget(app: Celery, queue: str) -> None:
    """Drop the messages of a test's private queue, including (Redis) the one a killed
    worker took and never acknowledged, so that no later run ever receives it."""
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        channel.queue_purge(queue)
        if conn.transport.driver_type == "redis":
            for tag, key in _unacked(channel).items():
                if key == queue:
                    channel.client.hdel(channel.unacked_key, tag)
                    channel.client.zrem(channel.unacked_index_key, tag)


def wait_until_worker_idle(timeout: float = 20) -> None:
    """Sends a heartbeat and waits for it. The session worker runs one task at a time in
    the order sent, so once it has run, every task sent before it has run too."""
    from ops.models import Heartbeat
    from ops.tasks import heartbeat_task

    name = f"idle-{uuid.uuid4().hex[:12]}"
    heartbeat_task.delay(name)
    wait_for(lambda: Heartbeat.objects.filter(name=name).exists(), timeout=timeout)
    Heartbeat.objects.filter(name=name).delete()


@contextmanager
def launcher_process(log_dir: Path, *, env: dict[str, str], only: str = "worker,beat") -> Iterator[subprocess.Popen]:
    """`manage.py run_all --only worker,beat`: the worker and beat of `make run`, restarted
    when they exit (ops/supervisor.py), yielded once the worker reports ready. Logs to
    `<log_dir>/launcher.log`; SIGTERM at the end stops the launcher and its children."""
    log = log_dir / "launcher.log"
    args = [sys.executable, "manage.py", "run_all", "--no-setup", "--only", only]
    proc = _spawn(args, log, {"VAR_DIR": str(log_dir), **env})
    try:
        if "worker" in only:
            _wait_ready(proc, log, timeout=90)
        yield proc
    finally:
        stop_process(proc, timeout=30)


RABBITMQ_PORT = 5672


@contextmanager
def rabbitmq_vhost() -> Iterator[str]:
    """A private virtual host on the shared RabbitMQ (127.0.0.1:5672, guest): its queues
    are this test's alone, and deleting it at the end drops whatever was left in them."""
    rabbitmqctl = shutil.which("rabbitmqctl")
    try:
        socket.create_connection(("127.0.0.1", RABBITMQ_PORT), timeout=1).close()
    except OSError:
        rabbitmqctl = None
    if rabbitmqctl is None:
        pytest.skip("RabbitMQ is not running on 127.0.0.1:5672 (.ci/run starts it)")
    vhost = f"survey-test-{uuid.uuid4().hex[:8]}"

    def ctl(*args: str) -> None:
        subprocess.run([rabbitmqctl, *args], check=True, capture_output=True, timeout=60)

    ctl("add_vhost", vhost)
    try:
        ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        yield vhost
    finally:
        ctl("delete_vhost", vhost)
