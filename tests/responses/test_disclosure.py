"""Nothing disclosed that is not shared, to respondents and the anonymous public: the home
page names only listed public surveys, an invitation-only questionnaire is served only to
invitees, and the public link never touches an invitee's response."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from invitations import selectors
from responses.models import Response
from responses.services import stored_answers
from surveys.models import Survey
from surveys.selectors import compiled_version
from surveys.services import version_close
from tests.kit.form import FORM, PAGE1, PAGE2, form_state, post_page
from tests.kit.invitations import invitation_only, invite, token_header

pytestmark = pytest.mark.django_db

DEFINITION = "/api/v1/surveys/ddiq-2010/"


# --- The public home page --------------------------------------------------------------


def _home(client) -> str:
    """The home page's HTML (a page that failed would list nothing either)."""
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def _listed(survey: Survey, **fields) -> Survey:
    for name, value in {"listed": True, **fields}.items():
        setattr(survey, name, value)
    survey.save()
    return survey


def test_it_lists_no_survey_that_is_not_listed(client, demo_survey):
    html = _home(client)

    assert demo_survey.title not in html and demo_survey.slug not in html
    assert "No survey is open to the public." in html


def test_it_lists_a_listed_public_survey_with_a_link_to_its_form(client, demo_survey):
    _listed(demo_survey)

    html = _home(client)

    assert f'<a href="/s/{demo_survey.slug}/">{demo_survey.title}</a>' in html


def test_it_lists_a_survey_open_to_the_public_and_to_invitees(client, demo_survey):
    _listed(demo_survey, access=Survey.Access.BOTH)

    assert demo_survey.title in _home(client)


def test_it_never_lists_an_invitation_only_survey(client, demo_survey):
    invitation_only(demo_survey)
    Survey.objects.create(slug="listed-one", title="A listed survey without a version", listed=True)

    html = _home(client)

    assert demo_survey.title not in html and demo_survey.slug not in html
    assert "A listed survey" not in html  # not open either


@pytest.mark.parametrize("field", ["opens_at", "closes_at"])
def test_it_lists_a_listed_survey_only_while_it_takes_responses(client, demo_survey, field):
    moment = timezone.now() + (timedelta(days=1) if field == "opens_at" else -timedelta(days=1))
    _listed(demo_survey, **{field: moment})

    assert demo_survey.title not in _home(client)


def test_it_does_not_list_a_listed_survey_without_an_open_version(client, demo_survey):
    _listed(demo_survey)
    version_close(version=demo_survey.open_version())

    assert demo_survey.title not in _home(client)


# --- The definition endpoint -----------------------------------------------------------


def test_it_refuses_the_definition_of_an_invitation_only_survey_without_a_token(client, demo_survey):
    invitation_only(demo_survey)

    response = client.get(DEFINITION)

    assert response.status_code == 403
    assert list(response.json()["errors"]) == ["invitation"]
    assert "pages" not in response.json() and "role" not in response.content.decode()


def test_it_does_not_show_an_invitation_only_survey_s_thank_you_page_through_the_public_link(client, demo_survey):
    version = demo_survey.open_version()
    version.thank_you = "Thank you, Acme panel members"
    version.save()
    invitation_only(demo_survey)

    response = client.get(f"/s/{demo_survey.slug}/thanks/")

    assert response.status_code == 404
    assert "Acme" not in response.content.decode()


def test_it_serves_the_definition_of_an_invitation_only_survey_to_an_invitee(client, demo_survey):
    invitation_only(demo_survey)
    _, token = invite(demo_survey)

    response = client.get(DEFINITION, **token_header(token))

    assert response.status_code == 200
    assert response.json()["slug"] == "ddiq-2010" and response.json()["pages"]


def test_it_refuses_the_definition_with_a_token_of_another_survey(client, demo_survey):
    invitation_only(demo_survey)
    other = Survey.objects.create(slug="other", title="Other")
    _, token = invite(other)

    response = client.get(DEFINITION, **token_header(token))

    assert response.status_code == 403
    assert list(response.json()["errors"]) == ["invitation"]


@pytest.mark.parametrize("access", [Survey.Access.INVITATION, Survey.Access.BOTH])
def test_it_refuses_the_definition_with_a_bad_token_as_a_submission_would(client, demo_survey, access):
    demo_survey.access = access
    demo_survey.save(update_fields=["access"])

    response = client.get(DEFINITION, **token_header("not-a-token"))

    assert response.status_code == 403
    assert list(response.json()["errors"]) == ["invitation"]


def test_it_still_serves_a_public_survey_s_definition_without_a_token(client, demo_survey):
    assert client.get(DEFINITION).status_code == 200


def test_it_counts_bad_tokens_on_the_definition_towards_the_throttle(client, demo_survey):
    invitation_only(demo_survey)
    _, token = invite(demo_survey)
    for _ in range(selectors.FAILURE_LIMIT):
        guessed = token_header("guess-" + uuid.uuid4().hex)
        assert client.get(DEFINITION, REMOTE_ADDR="10.3.3.3", **guessed).status_code == 403

    throttled = client.get(DEFINITION, REMOTE_ADDR="10.3.3.3", **token_header(token))

    assert throttled.status_code == 429
    assert list(throttled.json()["errors"]) == ["invitation"]
    assert throttled["Retry-After"]


# --- The public link and an invitee's partial response -----------------------------------


@pytest.fixture
def invitee_partial(client, demo_survey) -> Response:
    """An invitee (of a survey open to both) who answered the first page through their link."""
    demo_survey.access = Survey.Access.BOTH
    demo_survey.save(update_fields=["access"])
    invitation, token = invite(demo_survey)
    invitee = client.__class__()
    assert post_page(invitee, PAGE1, url=f"/i/{token}/").status_code == 302
    return Response.objects.get(invitation=invitation)


def _answers(response: Response) -> dict:
    response.refresh_from_db()
    return stored_answers(compiled_version(response.version), response)


def test_it_starts_a_fresh_response_when_given_an_invitee_s_submission_id(client, invitee_partial):
    before = _answers(invitee_partial)
    _, page = form_state(client)

    posted = post_page(client, PAGE1 | {"role": "business"}, state=(str(invitee_partial.submission_id), page))

    assert posted.status_code == 302
    fresh = Response.objects.get(invitation__isnull=True)
    assert fresh.submission_id != invitee_partial.submission_id
    assert _answers(fresh)["role"] == "business"
    assert _answers(invitee_partial) == before and invitee_partial.current_page == 1
    # The public respondent goes on with their own response, through their own cookie.
    assert post_page(client, PAGE2).status_code == 302
    fresh.refresh_from_db()
    assert fresh.current_page == 2
    assert _answers(invitee_partial) == before


def test_it_never_shows_an_invitee_s_answers_through_the_public_link(client, invitee_partial):
    # A later page posted with the invitee's id: the public flow has no response, so it
    # goes back to its own first page, showing nothing of the invitee's.
    response = post_page(client, PAGE2, state=(str(invitee_partial.submission_id), "1"))

    assert response.status_code == 302
    page = client.get(FORM).content.decode()
    assert str(invitee_partial.submission_id) not in page
    assert Response.objects.count() == 1


def test_it_never_resumes_an_invitee_s_response_through_a_resume_token(client, invitee_partial):
    from responses.services import new_resume_token

    token, hashed = new_resume_token()
    Response.objects.filter(pk=invitee_partial.pk).update(resume_token_hash=hashed)

    response = client.get(f"{FORM}resume/{token}/")

    assert response.status_code == 404
    client.cookies[f"resume-{invitee_partial.survey.slug}"] = token
    assert str(invitee_partial.submission_id) not in client.get(FORM).content.decode()
