"""Read-only records in the admin: who exported what and when (written by the application only)."""

from __future__ import annotations

from django.contrib import admin

from analytics.admin import ReadOnlyAdmin
from results.models import ExportRecord


@admin.register(ExportRecord)
class ExportRecordAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "survey", "kind", "parameters", "status", "rows")
    list_filter = ("kind", "status", "survey")
    list_select_related = ("user", "survey")
    search_fields = ("user__username", "survey__slug")
    date_hierarchy = "created_at"
    fields = (
        "survey", "user", "kind", "parameters", "status", "rows", "created_at", "started_at", "finished_at",
        "file_path", "error",
    )
