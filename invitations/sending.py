"""Sending one batch of invitation or reminder e-mails: the work behind the send task.

Each e-mail is claimed before it is sent: an `EmailMessage` row, unique per (invitation,
kind, campaign), is inserted (or a failed one taken back with a conditional UPDATE), and
only the request that claimed it sends. So a task that runs twice, or two copies of it at
once, send each e-mail once; a failed e-mail is sent again by the task's retry. A worker
that dies between claiming and marking leaves the row "sending": that e-mail is not sent
again, since it may have gone out (at most once, never twice).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core import mail
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.tokens import hash_token
from invitations import emails
from invitations.models import EmailKind, EmailMessage, Invitation

logger = logging.getLogger(__name__)

MAX_ERROR_LENGTH = 1000


class BatchSendFailed(Exception):
    """Some e-mails of the batch failed; the task retries them (and only them)."""


@dataclass
class BatchOutcome:
    sent: int = 0
    skipped: int = 0
    failed: list[str] = field(default_factory=list)  # invitation ids


def recipients(kind: str, invitation_ids: list) -> list[Invitation]:
    """Who may get this e-mail now (checked when sending, not when queueing: an invitee
    who opted out or completed in between gets nothing)."""
    invitations = Invitation.objects.mailable().filter(pk__in=invitation_ids)
    if kind == EmailKind.REMINDER:
        invitations = invitations.filter(completed_at__isnull=True)
    return list(invitations.select_related("survey").order_by("created_at", "pk"))


def _claim(invitation: Invitation, kind: str, campaign: str) -> EmailMessage | None:
    with transaction.atomic():
        message, created = EmailMessage.objects.get_or_create(
            invitation=invitation, kind=kind, campaign=campaign, defaults={"status": EmailMessage.Status.SENDING}
        )
    if created:
        return message
    retaken = EmailMessage.objects.filter(pk=message.pk, status=EmailMessage.Status.FAILED).update(
        status=EmailMessage.Status.SENDING, attempts=F("attempts") + 1
    )
    return message if retaken else None


def _mark_sent(message: EmailMessage, invitation: Invitation) -> None:
    now = timezone.now()
    with transaction.atomic():
        EmailMessage.objects.filter(pk=message.pk).update(status=EmailMessage.Status.SENT, error="", sent_at=now)
        Invitation.objects.filter(pk=invitation.pk).update(sent_at=Coalesce(F("sent_at"), Value(now)), send_error="")


def _mark_failed(message: EmailMessage, invitation: Invitation, error: str) -> None:
    with transaction.atomic():
        EmailMessage.objects.filter(pk=message.pk).update(status=EmailMessage.Status.FAILED, error=error)
        Invitation.objects.filter(pk=invitation.pk).update(send_error=error)


def _refresh_token_hash(invitation: Invitation) -> None:
    # After a SECRET_KEY rotation the recomputed token differs from the stored hash: the
    # link in this e-mail must be the one that works from now on.
    hashed = hash_token(invitation.token())
    if hashed != invitation.token_hash:
        Invitation.objects.filter(pk=invitation.pk).update(token_hash=hashed)
        invitation.token_hash = hashed


def invitation_batch_send(*, invitation_ids: list, kind: str, campaign: str, base_url: str) -> BatchOutcome:
    outcome = BatchOutcome()
    invitations = recipients(kind, invitation_ids)
    outcome.skipped = len(set(map(str, invitation_ids))) - len(invitations)
    templates: dict[int, emails.Content] = {}
    connection = mail.get_connection()
    try:
        if invitations:
            # One connection for the batch. If it cannot open, each send tries again and
            # its failure is recorded against its own e-mail.
            try:
                connection.open()
            except Exception as exc:
                logger.warning("could not open the e-mail connection: %s", exc)
        for invitation in invitations:
            message = _claim(invitation, kind, campaign)
            if message is None:  # sent already, or being sent by another run
                outcome.skipped += 1
                continue
            if invitation.survey_id not in templates:
                templates[invitation.survey_id] = emails.template_for(invitation.survey, kind)
            _refresh_token_hash(invitation)
            email = emails.message_for(invitation, templates[invitation.survey_id], base_url=base_url,
                                       connection=connection)
            try:
                email.send()
            except Exception as exc:  # SMTP refusal, connection refused, timeout...
                # The error names the failure, never the link (it is not in SMTP errors).
                error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
                _mark_failed(message, invitation, error)
                outcome.failed.append(str(invitation.pk))
                logger.warning("%s e-mail for invitation %s failed: %s", kind, invitation.pk, error)
            else:
                _mark_sent(message, invitation)
                outcome.sent += 1
    finally:
        try:
            connection.close()
        except Exception:  # closing a connection that never opened
            pass
    return outcome
