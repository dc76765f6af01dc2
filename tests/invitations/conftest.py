"""Invitation fixtures: an invitee of the demo survey (with the token of their link,
which only the e-mail ever carries), and the send batches queued by a test."""

import pytest

from invitations.models import Invitation
from invitations.tasks import send_batch_task
from tests.kit.invitations import invite


@pytest.fixture
def invitee(demo_survey) -> tuple[Invitation, str]:
    return invite(demo_survey, name="Ada Lovelace", external_id="panel-42")


@pytest.fixture
def queued(monkeypatch) -> list[tuple]:
    """Batches queued (their task arguments), published only after commit."""
    batches: list[tuple] = []
    monkeypatch.setattr(send_batch_task, "delay", lambda *args: batches.append(args))
    return batches
