"""The Celery application: `celery -A config worker` and `celery -A config beat`.

Settings come from Django's settings module (the CELERY_ namespace). Tasks are enqueued
only after the transaction that produced their input commits (`delay_on_commit`).
"""

import os

from celery import Celery, signals
from django.db import close_old_connections

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
