from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: health checks, worker heartbeats and the all-in-one dev launcher."""

    name = "ops"
    verbose_name = "Operations"
