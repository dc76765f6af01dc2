"""Celery tasks: thin, idempotent, taking ids. The work lives in `invitations.sending`."""

from celery import shared_task

from invitations.sending import BatchSendFailed, invitation_batch_send


@shared_task(
    name="invitations.send_batch",
    autoretry_for=(BatchSendFailed,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=3,
)
def send_batch_task(invitation_ids: list[str], kind: str, campaign: str, base_url: str) -> int:
    """Send one batch; retried (with back-off) while some of its e-mails fail. A retry
    sends only the failed ones: the others are claimed as sent."""
    outcome = invitation_batch_send(invitation_ids=invitation_ids, kind=kind, campaign=campaign, base_url=base_url)
    if outcome.failed:
        raise BatchSendFailed(f"{len(outcome.failed)} of {len(invitation_ids)} {kind} e-mail(s) failed")
    return outcome.sent
