"""Screen-outs in the respondent's flow: a respondent whose answers meet a screen-out is
ended at the end of the page where its questions were answered, kept with those answers as
`screened_out`, shown the screen-out's message or sent to the survey's `screened_out`
redirect; through the API, the same with a 201 and `"outcome": "screened_out"`."""

import json
import uuid

import pytest
from django.test import Client

from analytics.counting import response_count
from analytics.models import StatusCount
from invitations.models import Invitation, InvitationStatus
from responses.models import Answer, Response, UncountedResponse
from surveys.definition_files import definition_from_data
from surveys.services import survey_import
from tests.kit.api import URL
from tests.kit.counts import assert_counts_exact
from tests.kit.demo import demo_answers, fieldwork_data
from tests.kit.form import FORM, PAGE1, PAGE2, form_state, post_page
from tests.kit.invitations import invite, status_of

pytestmark = pytest.mark.django_db

SCREENED = {**PAGE1, "seniority": "other"}
MESSAGE = "Thank you: this survey is for business and IT leaders."


@pytest.fixture
def screening_survey(demo_survey):
    """The demo survey with a new open version holding the fieldwork copy's screen-out."""
    version, _ = survey_import(definition=definition_from_data(fieldwork_data() | {"status": "open"}))
    return version.survey


def test_it_sends_a_panel_respondent_screened_out_on_page_one_to_the_redirect(client, screening_survey):
    client.get(f"{FORM}?rid=abc")

    ended = post_page(client, SCREENED)

    assert ended.status_code == 302 and ended["Location"] == "https://panel.example/screenout?rid=abc"
    response = Response.objects.get()
    assert (response.status, response.ended_by, response.hidden) == ("screened_out", "not_leader", {"rid": "abc"})
    assert response.completed_at is not None


def test_it_keeps_the_answers_so_far_and_counts_nothing(client, screening_survey):
    post_page(client, SCREENED)

    response = Response.objects.get()
    assert Answer.objects.filter(response=response).count() == 4  # the first page's four questions
    assert not response.is_counted_kind
    assert not UncountedResponse.objects.exists()


def test_it_shows_the_message_to_a_respondent_without_hidden_values(client, screening_survey):
    ended = post_page(client, SCREENED)

    assert ended["Location"] == FORM
    page = client.get(FORM, follow=True)
    assert MESSAGE in page.content.decode()


def test_it_lets_a_leader_go_on(client, screening_survey):
    moved_on = post_page(client, PAGE1)

    assert moved_on["Location"] == f"{FORM}p/2/"
    assert Response.objects.get().status == "partial"


def test_it_refuses_more_answers_after_a_screen_out(client, screening_survey):
    state = form_state(client)
    post_page(client, SCREENED, state=state)

    again = post_page(client, PAGE2, state=(state[0], "1"))

    assert again.status_code == 302
    assert MESSAGE in client.get(FORM, follow=True).content.decode()
    assert Response.objects.get().status == "screened_out"


def test_it_takes_a_screened_out_response_out_of_the_partial_count_as_the_recompute_does(client, screening_survey):
    post_page(client, PAGE1)  # a leader, still answering
    post_page(Client(), SCREENED)
    complete = _submit(Client(), demo_answers())
    assert response_count(complete.json()["id"])

    assert sum(StatusCount.objects.filter(status=StatusCount.PARTIAL).values_list("n", flat=True)) == 1
    assert_counts_exact(screening_survey)


def test_it_leaves_the_shipped_demo_without_screen_outs(client, demo_survey):
    assert post_page(client, SCREENED)["Location"] == f"{FORM}p/2/"


# --- The API ------------------------------------------------------------------------------


def _submit(client, answers, submission_id=None, hidden=None):
    payload = {"submission_id": str(submission_id or uuid.uuid4()), "answers": answers,
               **({"hidden": hidden} if hidden else {})}
    return client.post(URL, data=json.dumps(payload), content_type="application/json")


def test_it_answers_an_api_submission_meeting_a_screen_out_with_its_outcome(screening_survey):
    created = _submit(Client(), demo_answers(seniority="other"), hidden={"rid": "r1"})

    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["outcome"], body["redirect"]) == ("screened_out", "https://panel.example/screenout?rid=r1")
    response = Response.objects.get(pk=body["id"])
    assert response.status == "screened_out" and response.answers.exists()
    assert not UncountedResponse.objects.exists()


def test_it_replays_a_screened_out_submission_with_the_same_body(screening_survey):
    submission_id = uuid.uuid4()
    first = _submit(Client(), demo_answers(seniority="other"), submission_id)

    replay = _submit(Client(), demo_answers(seniority="other"), submission_id)

    assert replay.status_code == 200 and replay.json() == first.json()
    assert Response.objects.count() == 1


def test_it_completes_an_api_submission_meeting_no_screen_out(screening_survey):
    created = _submit(Client(), demo_answers(), hidden={"rid": "r2"})

    assert created.status_code == 201
    assert created.json()["outcome"] == "complete"


def test_it_shows_a_screened_out_invitee_as_screened_out_not_completed(client, screening_survey):
    screened, token = invite(screening_survey)
    post_page(client, SCREENED, url=f"/i/{token}/")
    completed, other_token = invite(screening_survey, email="bob@example.org")
    payload = {"submission_id": str(uuid.uuid4()), "answers": demo_answers()}
    created = Client().post(URL, data=json.dumps(payload), content_type="application/json",
                            headers={"X-Invitation-Token": other_token})

    assert created.status_code == 201, created.content
    assert status_of(screened) == InvitationStatus.SCREENED_OUT
    assert status_of(completed) == InvitationStatus.COMPLETED
    assert list(Invitation.objects.with_status(InvitationStatus.SCREENED_OUT)) == [screened]
    assert list(Invitation.objects.with_status(InvitationStatus.COMPLETED)) == [completed]
