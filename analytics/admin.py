"""Read-only records in the admin: what reconciliation runs found and repaired (written by
the application only)."""

from __future__ import annotations

from django.contrib import admin

from analytics.models import Reconciliation, Repair


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class RepairInline(admin.TabularInline):
    model = Repair
    fields = ("table", "key", "found", "expected")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Reconciliation)
class ReconciliationAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "survey", "finished_at", "cells_checked", "cells_repaired")
    list_filter = ("survey",)
    list_select_related = ("survey",)
    date_hierarchy = "started_at"
    fields = ("survey", "started_at", "finished_at", "cells_checked", "cells_repaired")
    inlines = [RepairInline]
