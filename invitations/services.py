"""Writes on invitations: their life (opened, started, completed, opted out), revoking,
erasing, and queueing e-mail campaigns.

The moments are set with conditional UPDATEs (`... WHERE opened_at IS NULL`), so the
first one stands however many requests race. `responses` calls `invitation_started` and
`invitation_completed` inside the transaction that writes the response.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.tasks import enqueue_on_commit
from invitations.models import EmailKind, EmailMessage, Invitation
from invitations.signals import invitations_erased
from invitations.tasks import send_batch_task

BATCH_SIZE = 100
INVITATION_CAMPAIGN = "invitation"  # an invitation e-mail goes to each invitee once


def invitation_opened(*, invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(opened_at=timezone.now())


def invitation_started(*, invitation: Invitation, at: datetime) -> None:
    Invitation.objects.filter(pk=invitation.pk, started_at__isnull=True).update(started_at=at)


def invitation_completed(*, invitation: Invitation, at: datetime, outcome: str = "complete") -> None:
    """The invitee's response ended with `outcome` (complete, screened_out or quota_full)."""
    Invitation.objects.filter(pk=invitation.pk, completed_at__isnull=True).update(
        started_at=Coalesce(F("started_at"), Value(at)), completed_at=at, outcome=outcome
    )


def invitation_opt_out(*, invitation: Invitation) -> bool:
    """No more e-mail for this survey. True the first time."""
    return bool(
        Invitation.objects.filter(pk=invitation.pk, opted_out_at__isnull=True).update(opted_out_at=timezone.now())
    )


def invitations_revoke(*, invitations: QuerySet[Invitation]) -> int:
    return invitations.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def invitations_erase(*, invitations: QuerySet[Invitation]) -> int:
    """Remove every piece of personal data held about these invitees, and revoke their links.

    Here: the e-mail address, name and external id, the last send error and the e-mail
    log (an SMTP error can quote the address, and the log says when this person was
    written to; the erased invitation is never mailed again, so its "sent once" claims
    are no longer needed). `responses`, told by `invitations_erased`, blanks what the
    invitee's response holds: the IP address, the panel id it copied, and the answers to
    e-mail questions and to questions marked personal data, the hidden values copied from the
    invitee list (then emptied here too) and the client key. The response stays counted
    and keeps its link to the now empty invitation (which still stops a second response).
    """
    now = timezone.now()
    ids = list(invitations.filter(erased_at__isnull=True).values_list("pk", flat=True))
    if not ids:
        return 0
    Invitation.objects.filter(pk__in=ids).update(
        email="", name="", external_id="", send_error="", erased_at=now,
        revoked_at=Coalesce(F("revoked_at"), Value(now)),
    )
    EmailMessage.objects.filter(invitation_id__in=ids).delete()
    invitations_erased.send(sender=Invitation, invitation_ids=ids)
    # After the responses dropped the hidden values they copied from it (they compare).
    Invitation.objects.filter(pk__in=ids).update(hidden={})
    return len(ids)


@dataclass
class Campaign:
    campaign: str
    recipients: int
    batches: int


def invitations_send(*, invitations: QuerySet[Invitation], kind: str, base_url: str) -> Campaign:
    """Queue e-mails for `invitations` in batches of `BATCH_SIZE`, after commit.

    Invitations go once to each invitee who has not had one (the campaign is always
    `INVITATION_CAMPAIGN`); each reminder is a new campaign, to invitees who have not
    completed. Both skip the opted out, revoked, erased and expired, here and again
    when the batch is sent. A broker that cannot be reached raises (outside a
    transaction, at once) so that the caller can say so.
    """
    eligible = invitations.mailable()
    if kind == EmailKind.INVITATION:
        campaign = INVITATION_CAMPAIGN
        had_one = EmailMessage.objects.filter(
            kind=EmailKind.INVITATION, status__in=[EmailMessage.Status.SENT, EmailMessage.Status.SENDING]
        )
        eligible = eligible.exclude(pk__in=had_one.values("invitation_id"))
    else:
        campaign = f"reminder-{timezone.now():%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
        eligible = eligible.filter(completed_at__isnull=True)
    ids = [str(pk) for pk in eligible.order_by("created_at", "pk").values_list("pk", flat=True)]
    batches = [ids[i : i + BATCH_SIZE] for i in range(0, len(ids), BATCH_SIZE)]
    for batch in batches:
        enqueue_on_commit(send_batch_task, batch, kind, campaign, base_url)
    return Campaign(campaign=campaign, recipients=len(ids), batches=len(batches))
