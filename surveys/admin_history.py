"""Changes made in the admin go into the survey's history too (surveys.history), in the
words of Django's own change message ("Changed Response cap and Title.", "Added question
“role”."), each in the transaction of the change: the admin wraps its add, change and
delete pages in one, and its actions here get one each.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.contrib.admin.models import LogEntry
from django.db import transaction
from django.http import HttpRequest

from surveys.history import change_record, target_of
from surveys.models import Survey, SurveyVersion

IN_ADMIN = "in the administration"


def message_lines(message: list | str) -> list[str]:
    """Django's change message (as `construct_change_message` makes it) as sentences."""
    if isinstance(message, str):
        return [message] if message else []
    return [text for part in message if (text := LogEntry(change_message=json.dumps([part])).get_change_message())]


class HistoryAdmin:
    """Mixin for the ModelAdmin of Survey or SurveyVersion (before it in the bases)."""

    def _survey_and_version(self, obj) -> tuple[Survey, SurveyVersion | None]:
        if isinstance(obj, SurveyVersion):
            return obj.survey, obj
        return obj, None

    def _record(self, request: HttpRequest, obj, action: str, summary: str, lines: list[str]) -> None:
        survey, version = self._survey_and_version(obj)
        change_record(
            survey=survey, user=request.user, action=action, summary=summary, version=version,
            details={"notes": lines} if lines else {}, target=target_of(obj),
        )

    def _name(self, obj) -> str:
        return f"version {obj.number}" if isinstance(obj, SurveyVersion) else "the survey"

    def log_addition(self, request, obj, message):
        lines = message_lines(message)
        if isinstance(obj, SurveyVersion):
            self._record(request, obj, "version_added", f"Added version {obj.number} {IN_ADMIN}", lines)
        else:
            self._record(request, obj, "survey_created", f"Created the survey {IN_ADMIN}", lines)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        lines = message_lines(message)
        if lines:  # "Save" with nothing changed is no change
            summary = f"Changed {self._name(obj)} {IN_ADMIN}: {' '.join(lines)}"
            self._record(request, obj, "admin_changed", summary, lines)
        return super().log_change(request, obj, message)


class VersionHistoryAdmin(HistoryAdmin):
    """Deleting a draft in the admin is recorded on its survey (a survey deleted takes its
    history with it, so that one is not)."""

    def _record_deletion(self, request: HttpRequest, version: SurveyVersion) -> None:
        change_record(
            survey=version.survey, user=request.user, action="version_deleted", target=target_of(version),
            summary=f"Deleted {version.get_status_display().lower()} version {version.number} {IN_ADMIN}",
        )

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._record_deletion(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for version in queryset.select_related("survey"):
                self._record_deletion(request, version)
            super().delete_queryset(request, queryset)


def run_and_record(
    request: HttpRequest, version: SurveyVersion, service: Callable, action: str, summary: Callable
) -> SurveyVersion:
    """An admin action's service on one version, with its record in the same transaction:
    `summary(version, result)` words it (result: what the service returned)."""
    with transaction.atomic():
        result = service(version=version)
        change_record(
            survey=version.survey, user=request.user, action=action, version=result, target=target_of(result),
            summary=f"{summary(version, result)} {IN_ADMIN}",
        )
    return result
