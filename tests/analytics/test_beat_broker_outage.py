"""Beat sends again after a RabbitMQ outage, without a restart.

Beat publishes on one long-lived connection. With publish retries off, after the proxy
cut every connection for 40 s, beat failed on the dead connection at every tick ("Server
unexpectedly closed connection") long after RabbitMQ was reachable again, so the counting
sweep never ran again (config/settings.py, `_BEAT_PUBLISH`)."""

import time

import pytest
from kombu import Connection, Exchange, Queue

from tests.kit.faults import FaultProxy
from tests.kit.waiting import wait_for
from tests.kit.workers import RABBITMQ_PORT, beat_process, celery_env, log_tail, rabbitmq_vhost

pytestmark = [pytest.mark.worker, pytest.mark.slow]

OUTAGE_SECONDS = 40


def _declare_queue(url: str) -> None:
    """Celery's default queue, as a worker would declare it (beat only publishes to it)."""
    with Connection(url, connect_timeout=2) as conn:
        Queue("celery", Exchange("celery", "direct"), routing_key="celery")(conn.default_channel).declare()


def _queued(url: str) -> int:
    with Connection(url, connect_timeout=2) as conn:
        return conn.default_channel.queue_declare("celery", passive=True).message_count


def test_it_has_beat_send_again_once_rabbitmq_is_back(tmp_path, transactional_db):
    with rabbitmq_vhost() as vhost, FaultProxy(RABBITMQ_PORT) as proxy:
        url = f"amqp://guest:guest@127.0.0.1:{proxy.port}/{vhost}"
        direct = f"amqp://guest:guest@127.0.0.1:{RABBITMQ_PORT}/{vhost}"
        _declare_queue(direct)
        with beat_process(tmp_path, env=celery_env(CELERY_BROKER_URL=url, SWEEP_SECONDS="2")):
            log = tmp_path / "beat.log"
            try:
                wait_for(lambda: _queued(direct) > 0, timeout=30, interval=0.5)  # beat sends
                proxy.cut()
                time.sleep(OUTAGE_SECONDS)
                proxy.restore()
                before = _queued(direct)
                wait_for(lambda: _queued(direct) > before, timeout=15, interval=0.5)
            except BaseException:
                print(log_tail(log, 60))
                raise
