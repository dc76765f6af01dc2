"""The JSON API with personal invitations: `X-Invitation-Token` ties a submission to its
invitee, an invitation-only survey needs one, and an invitation is answered once."""

import uuid

import pytest

from invitations.models import InvitationStatus
from responses.models import Response
from tests.kit.api import submit
from tests.kit.demo import demo_answers
from tests.kit.form import PAGE1, post_page
from tests.kit.invitations import invitation_only, invite, token_header

pytestmark = pytest.mark.django_db


def test_it_refuses_a_submission_without_a_token_on_an_invitation_only_survey(client, demo_survey):
    invitation_only(demo_survey)

    response = submit(client)

    assert response.status_code == 403
    assert list(response.json()["errors"]) == ["invitation"]
    assert not Response.objects.exists()


def test_it_stores_an_invitees_response_with_their_external_id(client, demo_survey, invitee):
    invitation_only(demo_survey)
    invitation, token = invitee

    response = submit(client, **token_header(token))

    assert response.status_code == 201
    stored = Response.objects.get()
    assert (stored.invitation_id, stored.external_id) == (invitation.pk, "panel-42")
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.COMPLETED
    assert invitation.started_at == invitation.completed_at == stored.completed_at


def test_it_answers_a_replayed_submission_as_before(client, demo_survey, invitee):
    _, token = invitee
    submission_id = uuid.uuid4()

    first = submit(client, submission_id=submission_id, **token_header(token))
    again = submit(client, submission_id=submission_id, **token_header(token))

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]


def test_it_refuses_a_second_submission_for_an_answered_invitation(client, demo_survey, invitee):
    _, token = invitee
    submit(client, **token_header(token))

    second = submit(client, demo_answers(role="business"), **token_header(token))

    assert second.status_code == 409
    assert second.json() == {"errors": {"invitation": ["This invitation has already been answered."]}}
    assert Response.objects.count() == 1


def test_it_completes_the_response_an_invitee_started_in_the_form(client, demo_survey, invitee):
    invitation, token = invitee
    post_page(client, PAGE1, url=f"/i/{token}/")

    response = submit(client, **token_header(token))

    assert response.status_code == 201
    assert Response.objects.get().status == Response.Status.COMPLETE
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.COMPLETED


def test_it_still_takes_public_submissions_on_a_survey_open_to_both(client, demo_survey):
    demo_survey.access = demo_survey.Access.BOTH
    demo_survey.save()
    _, token = invite(demo_survey)

    assert submit(client).status_code == 201
    assert submit(client, **token_header(token)).status_code == 201
    assert Response.objects.filter(invitation__isnull=True).count() == 1
