"""The Celery application: `celery -A config worker` and `celery -A config beat`.

Settings come from Django's settings module (the CELERY_ namespace). Tasks are enqueued
only after the transaction that produced their input commits (`core.tasks.enqueue_on_commit`).
"""

import os
from queue import Empty

from celery import Celery, signals
from django.db import close_old_connections
from kombu.transport import redis as kombu_redis

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
@signals.task_postrun.connect
def _close_old_db_connections(**kwargs) -> None:
    """Keep a worker's database connection between tasks, as Django keeps a web worker's
    between requests: closed only when broken or older than CONN_MAX_AGE. (Celery's own
    Django fixup reconnects for every task unless CELERY_DB_REUSE_MAX is set; a new
    PostgreSQL connection per task costs more than counting a response.)"""
    close_old_connections()


def _close_redis_channel(self) -> None:
    """kombu's Redis `Channel.close`, made safe to call on a connection the broker dropped.

    Why: with a task delivered and not yet acknowledged (late acks, or a count task waiting
    for its countdown), losing Redis killed the worker with `AttributeError: 'NoneType'
    object has no attribute 'hostname'`. On a connection error Celery's consumer calls
    `connection.collect()` and then `connection.close()`. `collect()` closes the default
    channel, whose first step reads the reply of the BRPOP in flight (kombu PR #1733, so
    that a popped message is not lost); on a dead socket that read raises, so the close
    stops before the channel is marked closed, and `collect()` then detaches the transport
    (`transport.client = None`). The second close, from `connection.close()`, gets past the
    read and restores the unacknowledged messages, which needs connection parameters from
    the detached `transport.client`: AttributeError, which is no connection error, so
    Celery treats it as unrecoverable and the worker exits.

    Reading that reply here, and ignoring the connection error (there is no reply on a
    dead socket), lets the first close run to its end while the transport is attached.
    The restore then fails with a connection error (the broker is down), which Celery
    handles: it reconnects, retrying until the broker is back. The messages stay in
    Redis's unacked set and are restored after the visibility timeout; the counting sweep
    counts their responses long before that. Present in kombu 5.7.0 (the newest release);
    remove this once a release closes the channel even when that read fails.
    """
    if getattr(self, "_in_poll", None):
        try:
            self._brpop_read()
        except Empty:
            pass
        except self.connection_errors:
            pass
    _redis_channel_close(self)


_redis_channel_close = kombu_redis.Channel.close
kombu_redis.Channel.close = _close_redis_channel
