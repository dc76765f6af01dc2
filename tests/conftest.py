"""Shared fixtures: named actors, the demo survey, the session's Celery worker.

- `manager`: alice, a staff user in the "Survey managers" group, an editor of the demo
  survey (when the test has both); she edits no other survey unless a test says so.
  `alice` is a test client signed in as her.
- `viewer`: bob, a user in the "Results viewers" group (sees results of surveys shared
  with him).
- `outsider`: charlie, a logged-in user with no permissions (must see nothing).
- `demo_survey`: the shipped ddiq-2010 survey, imported and open.
- `every_type_survey`: a small open survey with one question of every type.

Markers (pyproject.toml): a test marked `postgres` is skipped on SQLite; under CI=true
a skip fails instead (a test that would skip there hides that what it guards was never
checked). Helpers that tests share are in `tests/kit/`, not here.
"""

import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.kit.demo import DEMO_FILE
from tests.kit.surveys import EVERY_TYPE
from tests.kit.users import make_user
from tests.kit.workers import database_url, wait_until_worker_idle

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config, items):
    # Under CI a test that needs PostgreSQL, Redis, a worker or Chromium must run: a skip
    # there would hide that the thing it guards was never checked.
    if IN_CI:
        config.pluginmanager.register(_FailSkipsInCI(), "fail-skips-in-ci")


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres"):
        from django.conf import settings

        if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
            pytest.skip("needs PostgreSQL (set DATABASE_URL)")


class _FailSkipsInCI:
    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if report.skipped and not hasattr(report, "wasxfail"):
            report.outcome = "failed"
            report.longrepr = f"skipped under CI=true, which is not allowed: {report.longrepr}"


@pytest.fixture
def manager(db) -> User:
    return make_user("alice", group="Survey managers", staff=True)


@pytest.fixture
def viewer(db) -> User:
    return make_user("bob", group="Results viewers")


@pytest.fixture
def outsider(db) -> User:
    return make_user("charlie", staff=True)


@pytest.fixture
def alice(client, manager) -> Client:
    """A test client signed in as alice, the survey manager."""
    client.force_login(manager)
    return client


@pytest.fixture
def demo_definition():
    from surveys.definition_files import definition_from_yaml

    return definition_from_yaml(DEMO_FILE.read_text())


@pytest.fixture
def demo_survey(db, demo_definition, request):
    from surveys.services import survey_import

    # A manager edits only the surveys they are an editor of: alice manages the demo survey.
    editors = [request.getfixturevalue("manager")] if "manager" in request.fixturenames else []
    version, _ = survey_import(definition=demo_definition, editors=editors)
    return version.survey


@pytest.fixture
def every_type_survey(db):
    from surveys.definition_files import definition_from_data
    from surveys.services import survey_import

    version, _ = survey_import(definition=definition_from_data(EVERY_TYPE))
    return version.survey


_session_worker_started = False


@pytest.fixture(autouse=True)
def _session_worker_idle_before_flush(request, _django_db_helper):
    """After a transactional test, wait until the session worker has run what the test
    queued: a task still running while the database is emptied for the next test can
    deadlock with the flush (set up after pytest-django's helper, so torn down before)."""
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if _session_worker_started and transactional:
        try:
            wait_until_worker_idle(timeout=5)
        except BaseException:  # a worker a test stopped on purpose: flush as before
            pass


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real `celery -A config worker` process on the test database and the configured
    broker, started once per session. Tests using it need `transactional_db` so that
    what they write is committed and visible to the worker."""
    import subprocess
    import sys
    import time

    from django.conf import settings

    from ops.models import Heartbeat

    env = {**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": settings.CELERY_BROKER_URL}
    if settings.CELERY_BROKER_URL == "filesystem://":
        env.pop("CELERY_BROKER_URL")
    celery = str(Path(sys.executable).parent / "celery")
    proc = subprocess.Popen(
        [celery, "-A", "config", "worker", "--loglevel", "WARNING", "--concurrency", "1", "--without-gossip",
         "--without-mingle", "--without-heartbeat"],
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
    )
    from ops.tasks import heartbeat_task

    with django_db_blocker.unblock():
        heartbeat_task.delay("worker-ready")
        deadline = time.monotonic() + 60
        while not Heartbeat.objects.filter(name="worker-ready").exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("the Celery worker did not start")
            time.sleep(0.2)
        Heartbeat.objects.filter(name="worker-ready").delete()
    global _session_worker_started
    _session_worker_started = True
    yield proc
    _session_worker_started = False
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """No throttle or sign-in counter of an earlier test (the cache is Redis under CI,
    kept between tests) refuses this test's requests, which all come from 127.0.0.1."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    """Tests submit many responses from one address; the rate-limit tests turn it back on."""
    settings.SUBMIT_RATE_LIMIT = (0, 0)


@pytest.fixture
def rate_limited(settings, monkeypatch):
    """Two submissions a minute per client, in one fixed window for the whole test (so
    that a minute boundary cannot reset it)."""
    from core import counters

    settings.SUBMIT_RATE_LIMIT = (2, 60)
    monkeypatch.setattr(counters, "time", SimpleNamespace(time=lambda: 1_000_000_000.0))


@pytest.fixture(autouse=True)
def _counting_requests_reset(settings):
    """Each test asks for counting afresh: no task of an earlier test stands in for its
    own (responses/counting_request.py), no broker pause carries over, and count tasks
    start at once (a delayed one could run while the next test empties the database)."""
    from responses import counting_request

    settings.COUNT_DELAY_SECONDS = 0
    counting_request._task_starts_at = counting_request._broker_down_until = 0.0
