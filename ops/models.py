from django.db import models


class Heartbeat(models.Model):
    """The last time a Celery worker ran the heartbeat task under this name.

    Beat schedules one every 30 seconds, so /healthz can tell a worker that consumes
    from one that only exists; tests use named beats to prove a real worker ran a task.
    """

    name = models.CharField(max_length=100, unique=True)
    seen_at = models.DateTimeField()
    runs = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"
