"""The roles (README, "Roles"): who edits a survey (its editors, directly or through a
group, and superusers), who sees its results (viewers, editors, the global permission),
how editors are given on import and on upgrade, and which surveys may be listed."""

import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser, Group, User
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from surveys.definition_files import definition_to_yaml
from surveys.models import Survey
from surveys.selectors import editable_surveys, version_definition
from surveys.services import survey_import
from tests.kit.admin import form_data
from tests.kit.demo import DEMO_FILE

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(db) -> Survey:
    return Survey.objects.create(slug="team", title="Team survey")


# --- Editors ---------------------------------------------------------------------------


def test_it_lets_only_editors_and_superusers_edit_a_survey(survey, manager, outsider, admin_user):
    assert not survey.is_editable_by(manager)
    survey.editors.add(manager)

    assert survey.is_editable_by(manager)
    assert not survey.is_editable_by(outsider)
    assert survey.is_editable_by(admin_user)
    assert not survey.is_editable_by(AnonymousUser())


def test_it_lets_members_of_an_editor_group_edit_a_survey(survey, manager):
    team = Group.objects.create(name="Team")
    survey.editor_groups.add(team)
    assert not survey.is_editable_by(manager)

    manager.groups.add(team)

    assert survey.is_editable_by(manager)
    assert list(editable_surveys(manager)) == [survey]


def test_it_selects_each_editable_survey_once(survey, manager):
    team = Group.objects.create(name="Team")
    manager.groups.add(team)
    survey.editors.add(manager)
    survey.editor_groups.add(team, Group.objects.get(name="Survey managers"))
    Survey.objects.create(slug="another", title="Another")

    assert list(editable_surveys(manager)) == [survey]


def test_it_selects_every_survey_for_a_superuser_and_none_for_others(survey, admin_user, outsider):
    assert list(editable_surveys(admin_user)) == [survey]
    assert list(editable_surveys(outsider)) == []
    assert list(editable_surveys(AnonymousUser())) == []


def test_it_refuses_an_inactive_editor(survey, manager):
    survey.editors.add(manager)
    manager.is_active = False
    manager.save()

    assert not survey.is_editable_by(manager)
    assert list(editable_surveys(manager)) == []


# --- Results viewers -------------------------------------------------------------------


def test_it_shares_the_results_with_viewers_and_editors_only(client, survey, viewer, manager):
    assert not survey.is_shared_with(viewer) and not survey.is_shared_with(manager)

    survey.viewers.add(viewer)
    survey.editors.add(manager)

    assert survey.is_shared_with(viewer) and survey.is_shared_with(manager)


def test_it_shows_an_editor_the_results_of_the_survey_they_edit(client, manager, demo_survey):
    client.force_login(manager)  # alice edits the demo survey (tests/conftest.py)
    assert client.get(f"/results/{demo_survey.slug}/").status_code == 200

    demo_survey.editors.remove(manager)

    assert client.get(f"/results/{demo_survey.slug}/").status_code == 404


# --- Import and upgrade ----------------------------------------------------------------


def test_it_imports_a_survey_with_its_editors(manager):
    call_command("import_survey", str(DEMO_FILE), "--editor", "alice", stdout=StringIO())

    assert list(Survey.objects.get(slug="ddiq-2010").editors.all()) == [manager]


def test_it_imports_a_survey_without_editors_for_superusers_only(manager, admin_user):
    call_command("import_survey", str(DEMO_FILE), stdout=StringIO())

    survey = Survey.objects.get(slug="ddiq-2010")
    assert not survey.editors.exists()
    assert not survey.is_editable_by(manager) and survey.is_editable_by(admin_user)


def test_it_refuses_an_import_with_an_unknown_editor(manager):
    with pytest.raises(CommandError, match="No such user: nobody; nothing was imported."):
        call_command("import_survey", str(DEMO_FILE), "--editor", "alice", "--editor", "nobody", stdout=StringIO())

    assert not Survey.objects.exists()


def test_it_makes_the_survey_managers_editors_of_the_surveys_that_existed_before(survey, manager, outsider):
    migration = importlib.import_module("surveys.migrations.0006_survey_editors_listed")

    migration.managers_edit_existing_surveys(apps, None)
    migration.managers_edit_existing_surveys(apps, None)  # twice: nothing twice

    assert list(survey.editor_groups.all()) == [Group.objects.get(name="Survey managers")]
    assert survey.is_editable_by(manager)
    assert not survey.is_editable_by(outsider)


# --- Listed ----------------------------------------------------------------------------


def test_it_refuses_to_list_an_invitation_only_survey_in_a_form(survey):
    survey.access, survey.listed = Survey.Access.INVITATION, True

    with pytest.raises(ValidationError) as refused:
        survey.full_clean()

    assert [e.code for e in refused.value.error_dict["listed"]] == ["listed_not_public"]
    assert refused.value.message_dict["listed"] == ["Only a survey with a public link can be listed on the home page."]


@pytest.mark.parametrize("access", [Survey.Access.PUBLIC, Survey.Access.BOTH])
def test_it_lets_a_survey_with_a_public_link_be_listed(survey, access):
    survey.access, survey.listed = access, True
    survey.full_clean()
    survey.save()


def test_it_refuses_to_list_an_invitation_only_survey_in_the_database(survey):
    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.filter(pk=survey.pk).update(access=Survey.Access.INVITATION, listed=True)


def test_it_starts_surveys_unlisted(survey):
    assert survey.listed is False


def test_it_shows_the_listing_and_editors_in_the_survey_admin(admin_client, survey):
    html = admin_client.get(f"/admin/surveys/survey/{survey.pk}/change/").content.decode()

    assert 'name="listed"' in html and 'name="editors"' in html and 'name="editor_groups"' in html


def test_it_refuses_a_listed_invitation_only_survey_in_the_admin(admin_client, survey):
    url = f"/admin/surveys/survey/{survey.pk}/change/"
    data = form_data(admin_client.get(url), "survey_form")
    data.update({"access": ["invitation"], "listed": ["on"]})

    response = admin_client.post(url, {**data, "_save": "Save"})

    assert response.status_code == 200
    assert "Only a survey with a public link can be listed on the home page." in response.content.decode()
    survey.refresh_from_db()
    assert (survey.access, survey.listed) == (Survey.Access.PUBLIC, False)


def test_it_keeps_editors_out_of_the_definition_file(manager, demo_definition):
    version, _ = survey_import(definition=demo_definition, editors=[manager])

    assert "alice" not in definition_to_yaml(version_definition(version))
    assert User.objects.get(username="alice") in version.survey.editors.all()
