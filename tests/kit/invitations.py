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
