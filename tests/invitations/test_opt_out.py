"""The opt-out link of every e-mail: a GET asks (link scanners follow links), a POST opts
out, and from then on that invitee gets no e-mail about the survey."""

import pytest
from django.core import mail

from invitations.models import EmailKind, InvitationStatus
from invitations.sending import invitation_batch_send
from tests.kit.invitations import invite

pytestmark = pytest.mark.django_db


def _opt_out_url(token: str) -> str:
    return f"/i/{token}/opt-out/"


def test_it_asks_before_opting_out(client, invitee):
    invitation, token = invitee

    response = client.get(_opt_out_url(token))

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<form method="post" action="{_opt_out_url(token)}">' in html
    invitation.refresh_from_db()
    assert invitation.opted_out_at is None


def test_it_opts_out_on_confirmation(client, invitee):
    invitation, token = invitee

    response = client.post(_opt_out_url(token))

    assert response.status_code == 200
    assert "You will receive no more e-mail about this survey" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.OPTED_OUT
    assert "You will receive no more e-mail" in client.get(_opt_out_url(token)).content.decode()


def test_it_sends_no_more_e_mail_after_an_opt_out(client, invitee):
    invitation, token = invitee
    client.post(_opt_out_url(token))

    for kind in (EmailKind.INVITATION, EmailKind.REMINDER):
        outcome = invitation_batch_send(
            invitation_ids=[str(invitation.pk)], kind=kind, campaign="after-opt-out", base_url="http://testserver"
        )
        assert outcome.sent == 0
    assert mail.outbox == []


def test_it_still_lets_an_invitee_who_opted_out_answer(client, invitee):
    _, token = invitee
    client.post(_opt_out_url(token))

    assert client.get(f"/i/{token}/", follow=True).status_code == 200


def test_it_needs_a_working_token_to_opt_out(client, demo_survey):
    _, token = invite(demo_survey)
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")

    assert client.post(_opt_out_url(wrong)).status_code == 404
