from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The lowest layer: what every app needs about the request itself (who the client is,
    throttles). It imports nothing from the apps above it."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core import login_throttle  # noqa: F401  (connects the failed sign-in counter)
