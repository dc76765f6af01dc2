"""Webhooks in the admin: survey managers add a survey's webhooks (the URL checked as it is
saved), read each delivery with its attempts, and replay deliveries (an action).

Saves and deletes go through webhooks.services, which keeps the survey's "notify" flag
(whether completions write outbox rows) in step with its active webhooks."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from surveys.admin_scope import EditableSurveyFilter, SurveyScopedAdmin
from webhooks.models import Attempt, Delivery, Webhook
from webhooks.services import delivery_replay, webhook_delete, webhook_save


@admin.register(Webhook)
class WebhookAdmin(SurveyScopedAdmin, admin.ModelAdmin):
    list_display = ["url", "survey", "is_active", "include_personal_data", "created_at"]
    list_filter = [("survey", EditableSurveyFilter), "is_active"]
    search_fields = ["url", "description"]
    fields = ["survey", "url", "description", "is_active", "include_personal_data", "secret"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_readonly_fields(self, request: HttpRequest, obj: Webhook | None = None):
        # The secret is made here and shown to be copied to the receiver, never typed.
        return ["secret"] if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: Webhook | None = None):
        return self.fields if obj is not None else [f for f in self.fields if f != "secret"]

    def save_model(self, request: HttpRequest, obj: Webhook, form, change: bool) -> None:
        webhook_save(obj)

    def delete_model(self, request: HttpRequest, obj: Webhook) -> None:
        webhook_delete(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Webhook]) -> None:
        for webhook in queryset:
            webhook_delete(webhook)


class AttemptInline(admin.TabularInline):
    model = Attempt
    fields = ["at", "status_code", "error", "duration_ms"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(SurveyScopedAdmin, admin.ModelAdmin):
    survey_path = "webhook__survey"
    list_display = ["response", "webhook", "status", "attempts", "next_attempt_at", "delivered_at"]
    list_filter = ["status", ("webhook__survey", EditableSurveyFilter)]
    readonly_fields = ["webhook", "response", "status", "attempts", "next_attempt_at", "created_at", "delivered_at"]
    fields = readonly_fields
    inlines = [AttemptInline]
    actions = ["replay"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Replay the selected deliveries", permissions=["change"])
    def replay(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = 0
        for delivery in queryset:
            delivery_replay(delivery)
            count += 1
        self.message_user(request, f"{count} deliveries will be sent again.", messages.SUCCESS)
