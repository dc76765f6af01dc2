"""The admin by role: a survey manager (alice) sees and changes only the surveys she is an
editor of, with their versions, invitations, e-mail templates and responses; another
survey is absent from every list, filter and form, and its pages answer as for an id
that does not exist. Superusers see everything."""

import uuid
from dataclasses import replace

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from invitations.models import EmailTemplate, Invitation
from responses.models import Response
from surveys.models import Survey
from surveys.services import survey_import
from tests.kit.admin import form_data
from tests.kit.data import submit_and_count
from tests.kit.demo import leader_answers
from tests.kit.invitations import invite

pytestmark = pytest.mark.django_db

OTHER_TITLE = "Survey of another team"


@pytest.fixture
def other(demo_definition) -> Survey:
    """A survey alice does not edit, with a version, an invitee, a template and a response."""
    version, _ = survey_import(definition=replace(demo_definition, slug="other-team", title=OTHER_TITLE))
    survey = version.survey
    invite(survey, "secret-invitee@example.org")
    EmailTemplate.objects.create(survey=survey, kind="invitation", subject="Other subject", body="Hello {link}")
    submit_and_count(survey, leader_answers(role="it"))
    return survey


@pytest.fixture
def mine(demo_survey) -> Survey:
    """The demo survey, which alice edits (tests/conftest.py), with the same kinds of rows."""
    invite(demo_survey, "my-invitee@example.org")
    EmailTemplate.objects.create(survey=demo_survey, kind="invitation", subject="My subject", body="Hello {link}")
    submit_and_count(demo_survey, leader_answers(role="it"))
    return demo_survey


def _objects(survey: Survey) -> dict[str, object]:
    return {
        "surveys_survey": survey,
        "surveys_surveyversion": survey.open_version(),
        "invitations_invitation": Invitation.objects.get(survey=survey),
        "invitations_emailtemplate": EmailTemplate.objects.get(survey=survey),
        "responses_response": Response.objects.get(survey=survey),
    }


MODELS = [
    "surveys_survey", "surveys_surveyversion", "invitations_invitation", "invitations_emailtemplate",
    "responses_response",
]


def _marker(model: str, obj) -> str:
    """What of the object a changelist row shows."""
    return {
        "surveys_survey": lambda o: o.slug,
        "surveys_surveyversion": lambda o: f"{o.survey.slug} v{o.number}",
        "invitations_invitation": lambda o: o.email,
        "invitations_emailtemplate": lambda o: o.subject,
        "responses_response": lambda o: str(o.pk),
    }[model](obj)


@pytest.mark.parametrize("model", MODELS)
def test_it_lists_only_the_surveys_a_manager_edits(alice, mine, other, model):
    html = alice.get(reverse(f"admin:{model}_changelist")).content.decode()

    assert _marker(model, _objects(mine)[model]) in html
    assert _marker(model, _objects(other)[model]) not in html
    assert OTHER_TITLE not in html  # nor in a filter's choices


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("page", ["change", "delete", "history"])
def test_it_answers_for_another_survey_s_object_as_for_one_that_does_not_exist(alice, mine, other, model, page):
    obj = _objects(other)[model]

    response = alice.get(reverse(f"admin:{model}_{page}", args=[obj.pk]))

    unknown = uuid.uuid4() if model == "responses_response" else 10**9
    missing = alice.get(reverse(f"admin:{model}_{page}", args=[unknown]))
    assert response.status_code in (302, 404)
    assert response.status_code == missing.status_code
    if response.status_code == 302:
        assert response["Location"] == reverse("admin:index")


@pytest.mark.parametrize("model", MODELS)
def test_it_opens_the_manager_s_own_objects(alice, mine, model):
    obj = _objects(mine)[model]

    assert alice.get(reverse(f"admin:{model}_change", args=[obj.pk])).status_code == 200


def test_it_does_not_delete_another_survey_by_its_delete_page(alice, other):
    response = alice.post(reverse("admin:surveys_survey_delete", args=[other.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert Survey.objects.filter(pk=other.pk).exists()


def test_it_runs_no_action_on_another_survey_s_rows(alice, mine, other):
    theirs = Invitation.objects.get(survey=other)
    response = Response.objects.get(survey=other)

    alice.post(reverse("admin:invitations_invitation_changelist"),
               {"action": "revoke", "_selected_action": [theirs.pk]})
    alice.post(reverse("admin:responses_response_changelist"),
               {"action": "delete_selected", "_selected_action": [response.pk], "post": "yes"})

    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert Response.objects.filter(pk=response.pk).exists()


def test_it_refuses_to_attach_an_invitee_to_another_survey(alice, mine, other):
    url = reverse("admin:invitations_invitation_add")
    form = alice.get(url).content.decode()
    assert OTHER_TITLE not in form and mine.title in form

    response = alice.post(url, {"survey": other.pk, "email": "sneaky@example.org", "messages-TOTAL_FORMS": 0,
                                "messages-INITIAL_FORMS": 0})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Invitation.objects.filter(email="sneaky@example.org").exists()


def test_it_offers_only_the_manager_s_surveys_for_an_import(alice, mine, other):
    url = reverse("admin:invitations_invitation_import")
    assert OTHER_TITLE not in alice.get(url).content.decode()

    response = alice.post(url, {"survey": other.pk, "file": _csv("sneaky@example.org")})

    assert response.status_code == 200
    assert not Invitation.objects.filter(email="sneaky@example.org").exists()


def _csv(email: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("invitees.csv", f"{email},Sneaky,\n".encode(), content_type="text/csv")


def test_it_lets_a_manager_edit_a_survey_through_an_editor_group(alice, manager, other):
    team = Group.objects.create(name="Other team")
    manager.groups.add(team)
    other.editor_groups.add(team)

    assert OTHER_TITLE in alice.get(reverse("admin:surveys_survey_changelist")).content.decode()
    assert alice.get(reverse("admin:surveys_survey_change", args=[other.pk])).status_code == 200
    invitations = alice.get(reverse("admin:invitations_invitation_changelist")).content.decode()
    assert "secret-invitee@example.org" in invitations


@pytest.mark.parametrize("model", MODELS)
def test_it_shows_a_superuser_every_survey(admin_client, mine, other, model):
    html = admin_client.get(reverse(f"admin:{model}_changelist")).content.decode()

    assert _marker(model, _objects(mine)[model]) in html
    assert _marker(model, _objects(other)[model]) in html
    assert admin_client.get(reverse(f"admin:{model}_change", args=[_objects(other)[model].pk])).status_code == 200


def test_it_makes_the_creator_of_a_survey_its_first_editor(alice, manager):
    url = reverse("admin:surveys_survey_add")
    data = form_data(alice.get(url), "survey_form")
    data.update({"slug": ["alices-survey"], "title": ["Alice's survey"]})

    response = alice.post(url, {**data, "_save": "Save"})

    assert response.status_code == 302, response.content.decode()[:3000]
    survey = Survey.objects.get(slug="alices-survey")
    assert list(survey.editors.all()) == [manager]
    assert "alices-survey" in alice.get(reverse("admin:surveys_survey_changelist")).content.decode()


def test_it_keeps_the_creator_an_editor_beside_the_editors_chosen_in_the_form(alice, manager, outsider):
    url = reverse("admin:surveys_survey_add")
    data = form_data(alice.get(url), "survey_form")
    data.update({"slug": ["shared"], "title": ["Shared"], "editors": [str(outsider.pk)]})

    assert alice.post(url, {**data, "_save": "Save"}).status_code == 302
    assert set(Survey.objects.get(slug="shared").editors.all()) == {manager, outsider}


def test_it_hides_another_survey_s_previews(alice, mine, other):
    version = other.open_version()

    assert alice.get(reverse("surveys:preview", args=[version.pk])).status_code == 404
    assert alice.get(reverse("responses:preview", args=[other.slug, version.pk])).status_code == 404
    assert alice.get(reverse("surveys:preview", args=[mine.open_version().pk])).status_code == 200
