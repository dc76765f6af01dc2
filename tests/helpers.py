"""Small helpers shared by tests."""

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from kombu import Connection


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.1):
    """Poll until predicate() is truthy; returns its value or fails the test."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout}s")
        time.sleep(interval)


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
