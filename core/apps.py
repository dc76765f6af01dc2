from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The lowest layer: what several apps need and none owns (who the client is, counters
    and throttles, token hashing, sending tasks after commit, admin pages). It imports
    nothing from the apps above it."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core import login_throttle  # noqa: F401  (connects the failed sign-in counter)
