"""Invitations: a personal link per invitee, the e-mails that carry it, and their log.

An invitation belongs to a survey and holds who was invited (e-mail address, optional
name, optional external id from a panel) and the moments of its life: sent, opened,
started, completed, opted out, revoked, erased. Its token is never stored (see
`invitations.tokens`). A response points to its invitation (`Response.invitation`,
unique), so an invitee answers at most once, which the database guarantees.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from core.tokens import hash_token
from invitations import tokens
from surveys.models import Survey


class InvitationStatus(models.TextChoices):
    NOT_SENT = "not_sent", "Not sent"
    SENT = "sent", "Sent"
    SEND_FAILED = "send_failed", "Send failed"
    OPENED = "opened", "Opened"
    STARTED = "started", "Started"
    EXPIRED = "expired", "Expired"
    OPTED_OUT = "opted_out", "Opted out"
    COMPLETED = "completed", "Completed"
    SCREENED_OUT = "screened_out", "Screened out"
    QUOTA_FULL = "quota_full", "Quota full"
    REVOKED = "revoked", "Revoked"
    ERASED = "erased", "Erased"


def _status_conditions(now: datetime) -> list[tuple[str, Q]]:
    """Each status and its condition, strongest first: an invitation has the first status
    whose condition it meets (an erased invitation is also revoked; a completed one was
    also opened and started; a screened-out or quota-full one also ended, as a completed one)."""
    return [
        (InvitationStatus.ERASED, Q(erased_at__isnull=False)),
        (InvitationStatus.REVOKED, Q(revoked_at__isnull=False)),
        (InvitationStatus.SCREENED_OUT, Q(completed_at__isnull=False, outcome=InvitationStatus.SCREENED_OUT)),
        (InvitationStatus.QUOTA_FULL, Q(completed_at__isnull=False, outcome=InvitationStatus.QUOTA_FULL)),
        (InvitationStatus.COMPLETED, Q(completed_at__isnull=False)),
        (InvitationStatus.OPTED_OUT, Q(opted_out_at__isnull=False)),
        (InvitationStatus.EXPIRED, Q(expires_at__lte=now)),
        (InvitationStatus.STARTED, Q(started_at__isnull=False)),
        (InvitationStatus.OPENED, Q(opened_at__isnull=False)),
        (InvitationStatus.SEND_FAILED, ~Q(send_error="")),
        (InvitationStatus.SENT, Q(sent_at__isnull=False)),
        (InvitationStatus.NOT_SENT, Q()),
    ]


class InvitationQuerySet(models.QuerySet):
    def with_status(self, status: str, now: datetime | None = None) -> InvitationQuerySet:
        stronger = Q()
        for name, condition in _status_conditions(now or timezone.now()):
            if name == status:
                return self.filter(stronger & condition)
            stronger &= ~condition
        return self.none()

    def usable(self, now: datetime | None = None) -> InvitationQuerySet:
        """Invitations whose link works: not revoked, not erased, not expired."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, erased_at__isnull=True).exclude(expires_at__lte=now)

    def mailable(self, now: datetime | None = None) -> InvitationQuerySet:
        """Invitations that may receive e-mail: usable, with an address, not opted out."""
        return self.usable(now).filter(opted_out_at__isnull=True).exclude(email="")


class Invitation(models.Model):
    # A UUID is known before the row is written, so the token (derived from the id) and
    # its hash go in with the row, also in a bulk insert of a whole list.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(blank=True, help_text="Removed when the invitee is erased.")
    name = models.CharField(max_length=200, blank=True, help_text="Optional; used in the e-mails as {name}.")
    external_id = models.CharField(
        max_length=200, blank=True,
        help_text="The respondent's id at a panel provider: copied to the response and to exports, "
        "and substituted into the panel redirect URLs.",
    )
    hidden = models.JSONField(
        default=dict, blank=True,
        help_text="Hidden field values by code (extra columns of the CSV import), copied to the response.",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_nonce = models.CharField(max_length=32, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="First successful e-mail.")
    send_error = models.TextField(blank=True, help_text="The last send's error; empty once an e-mail went out.")
    opened_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, help_text="When its response ended (any outcome).")
    outcome = models.CharField(
        max_length=20, blank=True,
        help_text="How its response ended: complete, screened_out or quota_full (empty before it ends).",
    )
    opted_out_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="The link stops working at this time.")

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["survey", "created_at", "email"]
        constraints = [
            models.UniqueConstraint(
                F("survey"), Lower("email"), condition=~Q(email=""), name="invitation_email_unique_per_survey",
                violation_error_message="This address is already invited to this survey.",
            ),
            models.UniqueConstraint(
                fields=["survey", "external_id"], condition=~Q(external_id=""),
                name="invitation_external_id_unique_per_survey",
                violation_error_message="This external id is already invited to this survey.",
            ),
        ]

    def __str__(self) -> str:
        return self.email or (f"external id {self.external_id}" if self.external_id else f"invitation {self.pk}")

    def save(self, *args, **kwargs) -> None:
        if not self.token_nonce:
            self.assign_token()
        super().save(*args, **kwargs)

    def assign_token(self) -> None:
        self.token_nonce = tokens.new_nonce()
        self.token_hash = hash_token(self.token())

    def token(self) -> str:
        """The token for the link: recomputed, never read from the database."""
        return tokens.derive_token(self.pk, self.token_nonce)

    def status_at(self, now: datetime) -> str:
        ended = self.completed_at is not None
        values = {
            InvitationStatus.ERASED: self.erased_at is not None,
            InvitationStatus.REVOKED: self.revoked_at is not None,
            InvitationStatus.SCREENED_OUT: ended and self.outcome == InvitationStatus.SCREENED_OUT,
            InvitationStatus.QUOTA_FULL: ended and self.outcome == InvitationStatus.QUOTA_FULL,
            InvitationStatus.COMPLETED: self.completed_at is not None,
            InvitationStatus.OPTED_OUT: self.opted_out_at is not None,
            InvitationStatus.EXPIRED: self.expires_at is not None and self.expires_at <= now,
            InvitationStatus.STARTED: self.started_at is not None,
            InvitationStatus.OPENED: self.opened_at is not None,
            InvitationStatus.SEND_FAILED: bool(self.send_error),
            InvitationStatus.SENT: self.sent_at is not None,
        }
        return next((status for status, met in values.items() if met), InvitationStatus.NOT_SENT)

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    def get_status_display(self) -> str:
        return InvitationStatus(self.status).label

    def is_usable(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        expired = self.expires_at is not None and self.expires_at <= now
        return self.revoked_at is None and self.erased_at is None and not expired


class EmailKind(models.TextChoices):
    INVITATION = "invitation", "Invitation"
    REMINDER = "reminder", "Reminder"


class EmailTemplate(models.Model):
    """The subject and body of a survey's invitation or reminder e-mail.

    Placeholders: {name}, {link}, {close_date}, {opt_out_link}. The e-mail is plain text;
    an opt-out line is added when the body has no {opt_out_link}."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="email_templates")
    kind = models.CharField(max_length=12, choices=EmailKind.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="Plain text. Placeholders: {name}, {link}, {close_date}, {opt_out_link}.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["survey", "kind"]
        verbose_name = "e-mail template"
        constraints = [
            models.UniqueConstraint(fields=["survey", "kind"], name="email_template_unique_per_survey_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.survey.slug}: {self.get_kind_display()}"


class EmailMessage(models.Model):
    """One e-mail to one invitee: the claim that makes a retried or duplicated send task
    send it once. A row is created (or a failed one reclaimed) before sending and marked
    sent or failed after; a campaign is one click on "Send invitations" or "Send reminder"."""

    class Status(models.TextChoices):
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=12, choices=EmailKind.choices)
    campaign = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENDING)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["invitation", "created_at"]
        verbose_name = "e-mail message"
        constraints = [
            models.UniqueConstraint(fields=["invitation", "kind", "campaign"], name="email_message_sent_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.campaign} ({self.get_status_display()})"
