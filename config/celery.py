"""The Celery application: `celery -A config worker` and `celery -A config beat`.

Settings come from Django's settings module (the CELERY_ namespace). Tasks are enqueued
only after the transaction that produced their input commits (`delay_on_commit`).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
