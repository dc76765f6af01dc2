"""An invitee's personal link: it opens the form, resumes it from any browser (the
response is found through the invitation, not a cookie), and once the response is
complete it says so. Panel respondents are sent back to the panel with their id."""

import uuid

import pytest
from django.test import Client

from invitations.models import InvitationStatus
from responses.models import Response
from responses.services import response_save_page
from surveys.services import version_close
from tests.kit.form import PAGE1, PAGE2, PAGE3, complete, form_state, post_page
from tests.kit.invitations import invitation_only, invite, status_of

pytestmark = pytest.mark.django_db


def _link(token: str) -> str:
    return f"/i/{token}/"


def test_it_opens_the_form_and_marks_the_invitation_opened(client, invitee):
    invitation, token = invitee

    response = client.get(_link(token), follow=True)

    assert response.status_code == 200
    assert 'name="submission_id"' in response.content.decode()
    assert status_of(invitation) == InvitationStatus.OPENED


def test_it_ties_the_response_to_the_invitation_without_a_cookie(client, invitee):
    invitation, token = invitee

    response = post_page(client, PAGE1, url=_link(token))

    assert response.status_code == 302 and response["Location"] == f"{_link(token)}p/2/"
    assert not response.cookies  # found through the invitation
    stored = Response.objects.get()
    assert (stored.invitation_id, stored.external_id, stored.status) == (invitation.pk, "panel-42", "partial")
    assert status_of(invitation) == InvitationStatus.STARTED


def test_it_resumes_through_the_same_link_in_another_browser(client, invitee):
    _, token = invitee
    post_page(client, PAGE1, url=_link(token))
    submission_id, _ = form_state(client, _link(token))

    elsewhere = Client()
    assert form_state(elsewhere, _link(token)) == (submission_id, "1")  # page 2, the same response
    complete(elsewhere, url=_link(token), pages=(PAGE2, PAGE3))

    assert Response.objects.get().status == Response.Status.COMPLETE


def test_it_completes_and_then_says_the_invitation_was_already_answered(client, invitee):
    invitation, token = invitee

    last = complete(client, url=_link(token))
    thanks = client.get(last["Location"])
    again = Client().get(_link(token), follow=True)

    assert last["Location"] == f"/i/{token}/thanks/"
    assert "Thank you, your answers have been recorded." in thanks.content.decode()
    assert status_of(invitation) == InvitationStatus.COMPLETED
    assert again.status_code == 200
    assert "You have already answered this survey" in again.content.decode()
    assert 'name="submission_id"' not in again.content.decode()


def test_it_keeps_one_response_when_two_tabs_start_with_different_submission_ids(invitee, demo_survey):
    invitation, _ = invitee
    version = demo_survey.open_version()
    saved = [
        response_save_page(
            survey=demo_survey, version=version, submission_id=uuid.uuid4(), page_index=0, cleaned_page={},
            page_codes=[], next_page=1, response=None, invitation=invitation,
        )[0]
        for _ in range(2)
    ]

    assert saved[0].pk == saved[1].pk
    assert Response.objects.count() == 1


def test_it_refuses_the_public_link_of_an_invitation_only_survey(client, invitee, demo_survey):
    invitation_only(demo_survey)
    _, token = invitee

    public = client.get("/s/ddiq-2010/")

    assert public.status_code == 403
    assert "This survey is by invitation only" in public.content.decode()
    assert client.get(_link(token), follow=True).status_code == 200


def test_it_sends_a_panel_respondent_to_the_completion_redirect_with_their_id(client, demo_survey):
    demo_survey.redirect_complete = "https://panel.example/done?rid={external_id}&s=1"
    demo_survey.save()
    _, token = invite(demo_survey, external_id="id 7/é&x")

    last = complete(client, url=_link(token))

    assert last["Location"] == "https://panel.example/done?rid=id%207%2F%C3%A9%26x&s=1"


def test_it_shows_the_thanks_page_to_an_invitee_without_an_external_id(client, demo_survey):
    demo_survey.redirect_complete = "https://panel.example/done?rid={external_id}"
    demo_survey.save()
    _, token = invite(demo_survey)

    assert complete(client, url=_link(token))["Location"] == f"/i/{token}/thanks/"


def test_it_screens_out_a_panel_respondent_when_the_survey_has_closed(client, invitee, demo_survey):
    demo_survey.redirect_closed = "https://panel.example/screenout?rid={external_id}"
    demo_survey.save()
    version_close(version=demo_survey.open_version())
    _, token = invitee

    response = client.get(_link(token))

    assert response.status_code == 302
    assert response["Location"] == "https://panel.example/screenout?rid=panel-42"


def test_it_screens_out_a_panel_respondent_when_the_survey_is_full(client, invitee, demo_survey):
    demo_survey.redirect_closed = "https://panel.example/screenout?rid={external_id}"
    demo_survey.response_cap = 1
    demo_survey.save()
    _, other = invite(demo_survey, "other@example.org")
    complete(Client(), url=_link(other))
    _, token = invitee

    assert client.get(_link(token))["Location"] == "https://panel.example/screenout?rid=panel-42"


def test_it_shows_the_closed_page_to_an_invitee_without_a_screen_out_url(client, invitee, demo_survey):
    version_close(version=demo_survey.open_version())
    _, token = invitee

    response = client.get(_link(token), follow=True)

    assert response.status_code == 410
    assert "This survey is closed" in response.content.decode()
