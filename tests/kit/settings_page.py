"""The builder's settings page as a test reads it: its address, and the messages a
response carries."""

from __future__ import annotations

from django.urls import reverse

from surveys.models import Survey


def settings_url(survey: Survey, name: str = "settings") -> str:
    return reverse(f"builder:{name}", args=[survey.slug])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []
