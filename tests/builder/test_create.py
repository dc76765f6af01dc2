"""Creating a survey at /build/new/: who may, the slug's checks (what was typed is kept),
and the three ways to start: blank, a template, a copy."""

from dataclasses import replace

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from builder.forms.create import SurveyCreateForm, slug_from_title, taken_message
from invitations.models import Invitation
from responses.models import Response
from surveys.creation import STARTERS, starter
from surveys.models import Survey
from surveys.selectors import survey_findings, survey_nets, survey_views, version_definition
from tests.kit.data import submit_and_count
from tests.kit.demo import leader_answers

URL = reverse("builder:create")


def _post(client, **data):
    return client.post(URL, {"title": "Customer pulse", "slug": "customer-pulse", "start": "blank", **data})


def _errors(response, field: str) -> list[str]:
    assert response.status_code == 200
    return response.context["form"].errors.get(field, [])


# --- who may create ------------------------------------------------------------------------------


def test_it_sends_anonymous_users_to_the_sign_in_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={URL}"


@pytest.mark.parametrize("actor", ["viewer", "outsider"])
def test_it_refuses_users_who_do_not_build_surveys(client, request, actor):
    client.force_login(request.getfixturevalue(actor))
    assert client.get(URL).status_code == 403
    assert _post(client).status_code == 403
    assert not Survey.objects.exists()


def test_it_refuses_a_builder_without_the_permission_to_add_surveys(client, manager):
    manager.groups.clear()
    manager.user_permissions.add(*Group.objects.get(name="Survey managers").permissions.exclude(codename="add_survey"))
    client.force_login(manager)
    assert client.get(URL).status_code == 403
    assert _post(client).status_code == 403
    assert not Survey.objects.exists()


def test_it_shows_the_form_with_every_way_to_start(alice, demo_survey):
    response = alice.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    for label in ["Blank: one empty page", *(s.label for s in STARTERS), "A copy of one of your surveys"]:
        assert label in content
    assert f'<option value="{demo_survey.slug}">{demo_survey.title}</option>' in content


def test_it_offers_no_copy_to_a_manager_without_surveys(alice):
    response = alice.get(URL)
    assert response.status_code == 200
    assert "A copy of one of your surveys" not in response.content.decode()


# --- blank -----------------------------------------------------------------------------------------


def test_it_creates_a_blank_survey_with_a_draft_and_opens_its_outline(alice, manager):
    response = _post(alice)
    assert response.status_code == 302
    assert response["Location"] == reverse("builder:outline", args=["customer-pulse"])
    survey = Survey.objects.get(slug="customer-pulse")
    assert survey.title == "Customer pulse"
    assert list(survey.editors.all()) == [manager]
    (version,) = survey.versions.all()
    assert (version.number, version.status) == (1, "draft")
    assert [(p.title, p.questions.count()) for p in version.pages.all()] == [("", 0)]
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Created “Customer pulse” with a draft, version 1 (1 page). Build it here, then publish it."]


def test_it_makes_the_slug_from_the_title_when_none_was_typed(alice):
    # A browser without JavaScript leaves the slug empty: the server suggests it as the script would.
    response = _post(alice, title="Café & Co: Q3 feedback!", slug="")
    assert response.status_code == 302
    assert Survey.objects.get().slug == "cafe-co-q3-feedback"


def test_it_says_a_slug_is_already_used():
    assert taken_message("pulse") == "“pulse” is already used by another survey: choose another."


def test_it_cuts_a_long_title_s_slug_at_a_word():
    slug = slug_from_title("How likely are you to recommend our onboarding programme to a colleague")
    assert slug == "how-likely-are-you-to-recommend-our-onboarding"
    assert len(slug) <= 50


# --- the slug's checks -----------------------------------------------------------------------------


def test_it_refuses_a_slug_already_used_and_keeps_what_was_typed(alice, every_type_survey):
    response = _post(alice, title="My copy", slug=every_type_survey.slug)
    assert _errors(response, "slug") == [taken_message(every_type_survey.slug)]
    content = response.content.decode()
    assert 'value="My copy"' in content
    assert f'value="{every_type_survey.slug}"' in content
    assert 'aria-invalid="true"' in content
    assert Survey.objects.count() == 1


@pytest.mark.parametrize("slug", ["methods", "new"])
def test_it_refuses_a_reserved_slug(alice, slug):
    response = _post(alice, slug=slug)
    assert _errors(response, "slug") == [f"“{slug}” is reserved: it names a page of the app."]
    assert f'value="{slug}"' in response.content.decode()
    assert not Survey.objects.exists()


@pytest.mark.parametrize("slug", ["Customer Pulse", "-pulse", "pulse!", "pulse/2", "é"])
def test_it_refuses_a_slug_in_the_wrong_format_and_keeps_it(alice, slug):
    response = _post(alice, slug=slug)
    (error,) = _errors(response, "slug")
    assert error.startswith("Use lowercase letters, digits")
    assert response.context["form"]["slug"].value() == slug
    assert not Survey.objects.exists()


def test_it_asks_for_a_title(alice):
    response = _post(alice, title="  ")
    assert _errors(response, "title") == ["Give the survey a title."]
    assert not Survey.objects.exists()


def test_it_asks_for_a_slug_when_the_title_gives_none(alice):
    response = _post(alice, title="???", slug="")
    assert _errors(response, "slug") == ["Type a slug: the title has no letters or digits to make one from."]


def test_a_double_submit_creates_one_survey_and_says_the_slug_is_used(alice):
    assert _post(alice).status_code == 302
    again = _post(alice)
    assert _errors(again, "slug") == [taken_message("customer-pulse")]
    assert Survey.objects.count() == 1


def test_it_reports_a_slug_taken_after_the_form_checked_it(alice, every_type_survey, monkeypatch):
    # A colleague (or the first of two clicks) took the slug between the check and the write.
    monkeypatch.setattr(SurveyCreateForm, "clean_slug", lambda form: form.cleaned_data["slug"])
    before = version_definition(every_type_survey.open_version())
    response = _post(alice, title="Mine", slug=every_type_survey.slug)
    assert _errors(response, "slug") == [taken_message(every_type_survey.slug)]
    every_type_survey.refresh_from_db()
    assert every_type_survey.title != "Mine"
    assert every_type_survey.versions.count() == 1
    assert version_definition(every_type_survey.open_version()) == before


# --- templates -------------------------------------------------------------------------------------


def test_it_creates_a_survey_from_the_nps_template(alice):
    response = _post(alice, title="Q3 pulse", slug="q3-pulse", start="starter:nps-pulse")
    assert response.status_code == 302
    draft = Survey.objects.get(slug="q3-pulse").draft_version()
    expected = replace(starter("nps-pulse").definition(), slug="q3-pulse", title="Q3 pulse", status="draft")
    assert version_definition(draft) == expected


def test_it_creates_the_demo_s_structure_under_a_new_slug_and_leaves_the_demo_alone(alice, demo_survey):
    demo_before = version_definition(demo_survey.open_version())
    response = _post(alice, title="Our social media", slug="our-social", start="starter:social-media")
    assert response.status_code == 302
    built = version_definition(Survey.objects.get(slug="our-social").draft_version())
    assert built.pages == demo_before.pages
    assert (built.findings, built.nets, built.views) == (demo_before.findings, demo_before.nets, demo_before.views)
    assert (built.slug, built.title, built.status) == ("our-social", "Our social media", "draft")
    demo_survey.refresh_from_db()
    assert demo_survey.versions.count() == 1
    assert version_definition(demo_survey.open_version()) == demo_before


def test_it_refuses_an_unknown_start(alice):
    response = _post(alice, start="starter:nothing")
    assert _errors(response, "start")
    assert not Survey.objects.exists()


# --- copies ----------------------------------------------------------------------------------------


def test_it_copies_structure_findings_nets_and_views_but_not_responses_invitations_or_editors(
    alice, manager, demo_survey, viewer
):
    submit_and_count(demo_survey, leader_answers(role="it"))
    Invitation.objects.create(survey=demo_survey, email="invitee@example.com")
    demo_survey.editors.add(viewer)  # another editor of the original
    response = _post(alice, title="Copy of the demo", slug="demo-copy", start="copy", copy_of=demo_survey.slug)
    assert response.status_code == 302
    copy = Survey.objects.get(slug="demo-copy")
    built = version_definition(copy.draft_version())
    original = version_definition(demo_survey.open_version())
    assert built.pages == original.pages
    assert (built.intro, built.thank_you) == (original.intro, original.thank_you)
    assert survey_findings(copy) == survey_findings(demo_survey) != ()
    assert survey_nets(copy) == survey_nets(demo_survey) != ()
    assert survey_views(copy) == survey_views(demo_survey)
    assert not Response.objects.filter(survey=copy).exists()
    assert not Invitation.objects.filter(survey=copy).exists()
    assert list(copy.editors.all()) == [manager]
    assert Response.objects.filter(survey=demo_survey).count() == 1


def test_it_asks_which_survey_to_copy(alice, demo_survey):
    response = _post(alice, start="copy", copy_of="")
    assert _errors(response, "copy_of") == ["Choose the survey to copy."]
    assert response.context["form"]["start"].value() == "copy"


def test_it_copies_only_a_survey_the_user_edits(alice, demo_survey, every_type_survey):
    response = _post(alice, start="copy", copy_of=every_type_survey.slug)
    assert _errors(response, "copy_of")
    assert Survey.objects.count() == 2
