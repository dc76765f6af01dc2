"""Operational endpoints that belong to no app."""

import logging

from django.db import connection
from django.http import JsonResponse
from django.utils import timezone

from config.celery import app as celery_app
from ops.models import Heartbeat

logger = logging.getLogger(__name__)


def healthz(request):
    """Database and broker status as JSON; 503 when either is down.

    The broker probe has a one-second budget so that a stopped Redis makes this page
    slow by at most that much, never hang.
    """
    status = {"database": "ok", "broker": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any driver error means "down" here
        logger.warning("healthz: database unavailable: %s", exc)
        status["database"] = "unavailable"
    try:
        with celery_app.connection_for_write(connect_timeout=1) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1)
    except Exception as exc:
        logger.warning("healthz: broker unavailable: %s", exc)
        status["broker"] = "unavailable"
    healthy = all(value == "ok" for value in status.values())
    body = {"status": "ok" if healthy else "degraded", **status}
    if status["database"] == "ok":
        beat = Heartbeat.objects.filter(name="worker").first()
        body["worker_last_seen_seconds"] = round((timezone.now() - beat.seen_at).total_seconds()) if beat else None
    return JsonResponse(body, status=200 if healthy else 503)
