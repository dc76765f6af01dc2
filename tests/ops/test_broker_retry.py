"""Who waits for the broker: the worker and beat wait forever, the web side never waits."""

import time
import uuid

import pytest

from config.celery import app
from responses import counting_request
from tests.kit.faults import FaultProxy
from tests.kit.workers import RABBITMQ_PORT, celery_broker


def test_it_has_worker_and_beat_retry_a_lost_broker_forever():
    assert app.conf.broker_connection_retry is True
    assert app.conf.broker_connection_max_retries is None


@pytest.mark.timing
def test_it_keeps_the_web_side_publish_fail_fast_on_a_broker_that_refuses():
    # RabbitMQ through a proxy that refuses every connection: one attempt, no retries.
    with FaultProxy(RABBITMQ_PORT) as proxy, celery_broker(f"amqp://guest:guest@127.0.0.1:{proxy.port}//"):
        proxy.cut()
        counting_request._broker_down_until = 0.0
        started = time.monotonic()
        counting_request.request_counting(uuid.uuid4())
        elapsed = time.monotonic() - started
        paused = counting_request._broker_down_until > time.monotonic()
        counting_request._broker_down_until = 0.0
        if app._pool is not None:
            app._pool.force_close_all()
    assert paused, "the failed publish did not pause further attempts"
    assert elapsed < 2.5
