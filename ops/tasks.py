from celery import shared_task
from django.db.models import F
from django.utils import timezone

from ops.models import Heartbeat


@shared_task(name="ops.heartbeat")
def heartbeat_task(name: str = "worker") -> None:
    now = timezone.now()
    updated = Heartbeat.objects.filter(name=name).update(seen_at=now, runs=F("runs") + 1)
    if not updated:
        Heartbeat.objects.get_or_create(name=name, defaults={"seen_at": now, "runs": 1})
