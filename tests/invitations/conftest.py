"""Invitation fixtures: an invitee of the demo survey (with the token of their link, which
only the e-mail ever carries), and a cache without throttle counters from other tests."""

import pytest
from django.core.cache import cache

from invitations.models import Invitation
from surveys.models import Survey


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def invite(survey: Survey, email: str = "ada@example.org", **fields) -> tuple[Invitation, str]:
    invitation = Invitation.objects.create(survey=survey, email=email, **fields)
    return invitation, invitation.token()


def invitation_only(survey: Survey) -> Survey:
    survey.access = Survey.Access.INVITATION
    survey.save(update_fields=["access"])
    return survey


@pytest.fixture
def invitee(demo_survey) -> tuple[Invitation, str]:
    return invite(demo_survey, name="Ada Lovelace", external_id="panel-42")
