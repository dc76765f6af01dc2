"""An erasure that commits while an invitee's request is under way: the request finds
the invitation before the erasure and writes after it. It must write nothing: the
answers it carries are personal data that the erasure has just removed."""

import random
import threading
import uuid

import pytest
from django.db import connection, transaction

from invitations.models import Invitation
from invitations.services import invitations_erase
from responses.models import Answer, Response
from responses.services import InvitationWithdrawn, response_save_page, response_submit
from tests.kit.demo import random_demo_answers
from tests.kit.invitations import invite


def _submit(invitation: Invitation):
    survey = invitation.survey
    return response_submit(survey=survey, version=survey.open_version(), submission_id=uuid.uuid4(),
                           answers=random_demo_answers(random.Random(3)), invitation=invitation)


@pytest.mark.django_db
def test_it_refuses_a_submission_whose_invitation_was_erased_after_it_was_found(demo_survey):
    invitation, _ = invite(demo_survey)
    found = Invitation.objects.get(pk=invitation.pk)  # the request's copy, read before the erasure
    invitations_erase(invitations=Invitation.objects.filter(pk=invitation.pk))

    with pytest.raises(InvitationWithdrawn):
        _submit(found)

    assert not Response.objects.exists()
    assert not Answer.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_page_save_whose_invitation_was_erased_after_it_was_found(demo_survey):
    invitation, _ = invite(demo_survey)
    found = Invitation.objects.get(pk=invitation.pk)
    invitations_erase(invitations=Invitation.objects.filter(pk=invitation.pk))

    with pytest.raises(InvitationWithdrawn):
        response_save_page(
            survey=demo_survey, version=demo_survey.open_version(), submission_id=uuid.uuid4(), page_index=0,
            cleaned_page={}, page_codes=[], next_page=1, response=None, invitation=found,
        )

    assert not Response.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_writes_nothing_when_an_erasure_commits_while_a_submission_waits(demo_survey):
    # Row locks: PostgreSQL only (the marker skips it on SQLite).
    invitation, _ = invite(demo_survey)
    found = Invitation.objects.get(pk=invitation.pk)
    erasing, outcome = threading.Event(), {}

    def submission() -> None:
        erasing.wait(10)
        try:
            outcome["result"] = _submit(found)
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=submission)
    thread.start()
    with transaction.atomic():
        invitations_erase(invitations=Invitation.objects.filter(pk=invitation.pk))
        erasing.set()  # the submission now runs and must wait for this transaction's row lock
        thread.join(1.0)
        assert thread.is_alive(), "the submission did not wait for the erasure's lock"
    thread.join(20)

    assert isinstance(outcome.get("error"), InvitationWithdrawn), outcome
    assert not Response.objects.filter(invitation=invitation).exists()
    assert not Answer.objects.exists()
