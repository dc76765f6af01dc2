"""Webhooks: addresses that receive each completed response of a survey, signed.

A completion writes one Delivery (the outbox row) per active webhook of its survey in its
own transaction; a worker sends it (webhooks.services), recording each Attempt, and
retries with exponential back-off until it is delivered or out of attempts. A sweep sends
the deliveries whose task was lost, so a broker outage delays deliveries and loses none.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from responses.models import Response
from surveys.models import Survey
from webhooks.targets import TargetRefused, target_resolve


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Webhook(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(
        "URL", max_length=500,
        help_text="Receives a POST of each completed response (JSON, as the responses API gives it). "
        "Public http(s) addresses only.",
    )
    secret = models.CharField(
        max_length=100, default=new_secret,
        help_text="Signs each delivery (HMAC-SHA256, header X-Survey-Signature): give it to the receiver.",
    )
    is_active = models.BooleanField("active", default=True)
    include_personal_data = models.BooleanField(
        default=False, help_text="Also send answers to personal-data questions (e-mail, and questions marked so).",
    )
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["survey", "url"]

    def __str__(self) -> str:
        return f"{self.survey.slug} → {self.url}"

    def clean(self) -> None:
        # Checked again at each send: a host's addresses can change after it was saved.
        try:
            target_resolve(self.url)
        except TargetRefused as exc:
            raise ValidationError({"url": ValidationError(str(exc), code="target_refused")}) from None


class Delivery(models.Model):
    """One response to send to one webhook: the outbox row, and its state."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"  # out of attempts; replayable from the admin

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        default=timezone.now, help_text="A pending delivery is sent from then on (the sweep sends late ones)."
    )
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "deliveries"
        constraints = [models.UniqueConstraint(fields=["webhook", "response"], name="one_delivery_per_webhook")]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="pending"), name="delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.response_id} → {self.webhook.url} ({self.status})"


class Attempt(models.Model):
    """One try at sending a delivery: the receiver's status code, or why it failed."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_set")
    at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error[:40]}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
