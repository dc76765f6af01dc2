from django.apps import AppConfig


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = "Responses"

    def ready(self) -> None:
        from responses import receivers  # noqa: F401  (connects the signal receivers)
