"""Sending invitations and reminders, in this process with Django's locmem backend: one
task per batch of 100 queued after commit, each e-mail claimed once, statuses moving, a
failed send recorded and sent again by the retry. (tests/invitations/test_worker.py
runs the same through a real worker.)"""

import re
import uuid

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from invitations import services
from invitations.models import EmailKind, EmailMessage, EmailTemplate, Invitation, InvitationStatus
from invitations.selectors import invitation_by_token
from invitations.sending import invitation_batch_send
from invitations.services import invitation_opt_out, invitations_revoke, invitations_send
from invitations.tasks import send_batch_task
from tests.kit.invitations import invite

pytestmark = pytest.mark.django_db

BASE = "https://surveys.example.org"
LINK_RE = re.compile(r"https://surveys\.example\.org/i/([A-Za-z0-9_-]{43})/")


class FailingBackend(BaseEmailBackend):
    """An SMTP server that refuses every message."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")


def _invitees(survey, n: int) -> list[Invitation]:
    return [invite(survey, f"p{i:03}@example.org", name=f"Person {i}")[0] for i in range(n)]


def _send(survey, kind: str = EmailKind.INVITATION, queued=None, capture=None):
    """Queue a campaign for the survey's invitees and run its batches here."""
    with capture(execute=True):
        campaign = invitations_send(invitations=Invitation.objects.filter(survey=survey), kind=kind, base_url=BASE)
    for args in queued:
        invitation_batch_send(invitation_ids=args[0], kind=args[1], campaign=args[2], base_url=args[3])
    queued.clear()
    return campaign


def test_it_queues_one_task_per_batch_of_100_after_commit(demo_survey, queued, django_capture_on_commit_callbacks):
    _invitees(demo_survey, 250)

    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            campaign = invitations_send(invitations=Invitation.objects.all(), kind=EmailKind.INVITATION, base_url=BASE)
            assert queued == []  # nothing before commit

    assert (campaign.recipients, campaign.batches) == (250, 3)
    assert [len(args[0]) for args in queued] == [100, 100, 50]
    assert {args[1:] for args in queued} == {("invitation", "invitation", BASE)}


def test_it_never_puts_a_token_in_a_task(demo_survey, queued, django_capture_on_commit_callbacks):
    tokens = [i.token() for i in _invitees(demo_survey, 3)]

    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(invitations=Invitation.objects.all(), kind=EmailKind.INVITATION, base_url=BASE)

    assert not any(token in repr(queued) for token in tokens)


def test_it_sends_each_invitee_their_own_link_and_an_opt_out_link(demo_survey, queued,
                                                                   django_capture_on_commit_callbacks):
    invitations = _invitees(demo_survey, 3)

    _send(demo_survey, queued=queued, capture=django_capture_on_commit_callbacks)

    assert sorted(m.to[0] for m in mail.outbox) == [i.email for i in invitations]
    for message in mail.outbox:
        invitation = Invitation.objects.get(email=message.to[0])
        token = invitation.token()
        assert LINK_RE.findall(message.body) == [token, token]  # the form, and the opt-out link
        assert f"{BASE}/i/{token}/opt-out/" in message.body
        assert message.extra_headers["List-Unsubscribe"] == f"<{BASE}/i/{token}/opt-out/>"
        assert message.subject == "Invitation: Digital IQ 2010 — social media"
        assert f"Hello {invitation.name}," in message.body
    assert {i.status for i in Invitation.objects.all()} == {InvitationStatus.SENT}
    assert set(EmailMessage.objects.values_list("status", flat=True)) == {EmailMessage.Status.SENT}


def test_it_sends_nothing_twice_when_a_batch_runs_twice(demo_survey):
    ids = [str(i.pk) for i in _invitees(demo_survey, 5)]

    first = invitation_batch_send(invitation_ids=ids, kind=EmailKind.REMINDER, campaign="r-1", base_url=BASE)
    second = invitation_batch_send(invitation_ids=ids, kind=EmailKind.REMINDER, campaign="r-1", base_url=BASE)

    assert (first.sent, second.sent, second.skipped) == (5, 0, 5)
    assert len(mail.outbox) == 5
    assert EmailMessage.objects.count() == 5


def test_it_sends_an_invitation_once_however_often_it_is_asked(demo_survey, queued,
                                                               django_capture_on_commit_callbacks):
    _invitees(demo_survey, 2)
    _send(demo_survey, queued=queued, capture=django_capture_on_commit_callbacks)

    again = _send(demo_survey, queued=queued, capture=django_capture_on_commit_callbacks)

    assert again.recipients == 0
    assert len(mail.outbox) == 2


def test_it_reminds_only_those_who_have_not_completed_or_opted_out(demo_survey, queued,
                                                                   django_capture_on_commit_callbacks):
    waiting, completed, opted_out, revoked = _invitees(demo_survey, 4)
    services.invitation_completed(invitation=completed, at=completed.created_at)
    invitation_opt_out(invitation=opted_out)
    invitations_revoke(invitations=Invitation.objects.filter(pk=revoked.pk))

    campaign = _send(demo_survey, EmailKind.REMINDER, queued=queued, capture=django_capture_on_commit_callbacks)

    assert campaign.recipients == 1
    assert [m.to for m in mail.outbox] == [[waiting.email]]
    assert mail.outbox[0].subject.startswith("Reminder: ")


def test_it_makes_each_reminder_a_new_campaign(demo_survey, queued, django_capture_on_commit_callbacks):
    _invitees(demo_survey, 1)

    first = _send(demo_survey, EmailKind.REMINDER, queued=queued, capture=django_capture_on_commit_callbacks)
    second = _send(demo_survey, EmailKind.REMINDER, queued=queued, capture=django_capture_on_commit_callbacks)

    assert first.campaign != second.campaign
    assert len(mail.outbox) == 2


def test_it_checks_who_may_get_mail_when_sending_not_when_queueing(demo_survey, queued,
                                                                     django_capture_on_commit_callbacks):
    (invitation,) = _invitees(demo_survey, 1)
    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(invitations=Invitation.objects.all(), kind=EmailKind.REMINDER, base_url=BASE)
    invitation_opt_out(invitation=invitation)  # between queueing and sending

    outcome = invitation_batch_send(invitation_ids=queued[0][0], kind=queued[0][1], campaign=queued[0][2],
                                    base_url=BASE)

    assert (outcome.sent, outcome.skipped) == (0, 1)
    assert mail.outbox == []


def test_it_records_a_failed_send_and_sends_it_on_retry(demo_survey, settings):
    (invitation,) = _invitees(demo_survey, 1)
    settings.EMAIL_BACKEND = "tests.invitations.test_sending.FailingBackend"

    failed = invitation_batch_send(invitation_ids=[str(invitation.pk)], kind="invitation", campaign="c", base_url=BASE)

    message = EmailMessage.objects.get()
    invitation.refresh_from_db()
    assert failed.failed == [str(invitation.pk)]
    assert (message.status, message.attempts) == (EmailMessage.Status.FAILED, 1)
    assert message.error == invitation.send_error == "ConnectionRefusedError: [Errno 111] Connection refused"
    assert invitation.status == InvitationStatus.SEND_FAILED

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    retried = invitation_batch_send(invitation_ids=[str(invitation.pk)], kind="invitation", campaign="c", base_url=BASE)

    message.refresh_from_db()
    invitation.refresh_from_db()
    assert retried.sent == 1 and len(mail.outbox) == 1
    assert (message.status, message.attempts, message.error) == (EmailMessage.Status.SENT, 2, "")
    assert (invitation.status, invitation.send_error) == (InvitationStatus.SENT, "")


def test_it_asks_the_task_to_retry_while_some_e_mails_fail(demo_survey, settings):
    from invitations.sending import BatchSendFailed

    (invitation,) = _invitees(demo_survey, 1)
    settings.EMAIL_BACKEND = "tests.invitations.test_sending.FailingBackend"

    assert send_batch_task.autoretry_for == (BatchSendFailed,)
    assert send_batch_task.max_retries == 3
    with pytest.raises(BatchSendFailed):
        send_batch_task.run([str(invitation.pk)], "invitation", "c", BASE)


def test_it_fills_a_survey_template_and_adds_the_opt_out_link_it_lacks(demo_survey):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    demo_survey.closes_at = datetime(2026, 12, 31, 12, tzinfo=ZoneInfo("UTC"))
    demo_survey.save()
    EmailTemplate.objects.create(
        survey=demo_survey, kind=EmailKind.INVITATION, subject="For {name}: answer by {close_date}",
        body="Dear {name},\n{link}\nLiteral {braces} stay.\n",
    )
    invitation, token = invite(demo_survey, name="Ada\nBcc: evil@example.org")

    invitation_batch_send(invitation_ids=[str(invitation.pk)], kind="invitation", campaign="c", base_url=BASE)

    (message,) = mail.outbox
    assert message.subject == "For Ada Bcc: evil@example.org: answer by 31 December 2026"
    assert message.body.startswith(f"Dear Ada\nBcc: evil@example.org,\n{BASE}/i/{token}/\nLiteral {{braces}} stay.\n")
    assert message.body.endswith(f"To receive no more e-mail about this survey: {BASE}/i/{token}/opt-out/\n")


def test_it_sends_a_working_link_after_the_secret_key_rotated(demo_survey, settings):
    invitation, old_token = invite(demo_survey)
    settings.SECRET_KEY = "rotated-" + uuid.uuid4().hex

    invitation_batch_send(invitation_ids=[str(invitation.pk)], kind="reminder", campaign="c", base_url=BASE)

    (new_token,) = set(LINK_RE.findall(mail.outbox[0].body))
    assert new_token != old_token
    assert invitation_by_token(new_token) == invitation
    assert invitation_by_token(old_token) is None
