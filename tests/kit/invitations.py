"""Invitees and their links. The token of a link is what only the e-mail ever carries."""

from __future__ import annotations

from invitations.models import Invitation
from surveys.models import Survey


def invite(survey: Survey, email: str = "ada@example.org", **fields) -> tuple[Invitation, str]:
    invitation = Invitation.objects.create(survey=survey, email=email, **fields)
    return invitation, invitation.token()


def invitation_only(survey: Survey) -> Survey:
    survey.access = Survey.Access.INVITATION
    survey.save(update_fields=["access"])
    return survey


def token_header(token: str) -> dict:
    """The test client's keyword arguments that send an invitation's token to the API."""
    return {"headers": {"X-Invitation-Token": token}}


def guessed_token() -> str:
    """A token of the right form that belongs to no invitation."""
    from invitations import tokens

    return tokens.derive_token("guess", tokens.new_nonce())


def status_of(invitation: Invitation) -> str:
    invitation.refresh_from_db()
    return invitation.status
