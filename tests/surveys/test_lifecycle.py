"""surveys.lifecycle: settings saved field by field, archiving (which closes the open
version, refuses responses like a closed survey and leaves the home page), the version
buttons' state checks, and who would still edit after an editors change."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from responses.selectors import NO_OPEN_VERSION, survey_availability
from surveys.lifecycle import (
    SurveyStateError,
    survey_archive,
    survey_settings_update,
    survey_unarchive,
    survey_version_close,
    survey_version_reopen,
    would_edit,
)
from surveys.models import Survey, SurveyVersion
from surveys.selectors import listed_surveys
from surveys.services import version_reopen

pytestmark = pytest.mark.django_db


def test_settings_update_writes_only_the_given_fields(demo_survey):
    Survey.objects.filter(pk=demo_survey.pk).update(title="Renamed meanwhile", listed=True)
    survey_settings_update(survey=demo_survey, values={"response_cap": 40})
    demo_survey.refresh_from_db()
    assert (demo_survey.response_cap, demo_survey.title, demo_survey.listed) == (40, "Renamed meanwhile", True)


def test_settings_update_refuses_fields_that_are_not_settings(demo_survey):
    with pytest.raises(ValueError, match="slug"):
        survey_settings_update(survey=demo_survey, values={"slug": "other", "access": "both"})
    demo_survey.refresh_from_db()
    assert (demo_survey.slug, demo_survey.access) == ("ddiq-2010", "public")


def test_archive_closes_the_open_version(demo_survey):
    version = demo_survey.open_version()
    survey, closed = survey_archive(survey=demo_survey)
    assert closed.pk == version.pk
    assert survey.archived_at is not None
    version.refresh_from_db()
    assert version.status == SurveyVersion.Status.CLOSED


def test_archive_of_a_survey_without_an_open_version_closes_nothing(demo_survey):
    survey_version_close(survey=demo_survey, version_id=demo_survey.open_version().pk)
    _, closed = survey_archive(survey=demo_survey)
    assert closed is None


def test_archive_twice_is_refused(demo_survey):
    survey_archive(survey=demo_survey)
    with pytest.raises(SurveyStateError, match="already archived"):
        survey_archive(survey=demo_survey)


def test_unarchive_opens_nothing_by_itself(demo_survey):
    survey_archive(survey=demo_survey)
    survey = survey_unarchive(survey=demo_survey)
    assert survey.archived_at is None
    assert survey.open_version() is None
    with pytest.raises(SurveyStateError, match="not archived"):
        survey_unarchive(survey=demo_survey)


def test_reopen_is_refused_while_archived(demo_survey):
    version = demo_survey.open_version()
    survey_archive(survey=demo_survey)
    with pytest.raises(SurveyStateError, match="archived"):
        survey_version_reopen(survey=demo_survey, version_id=version.pk)
    version.refresh_from_db()
    assert version.status == SurveyVersion.Status.CLOSED


def test_close_and_reopen_check_the_state_they_find(demo_survey):
    version = demo_survey.open_version()
    with pytest.raises(SurveyStateError, match="Version 1 is already open"):
        survey_version_reopen(survey=demo_survey, version_id=version.pk)
    survey_version_close(survey=demo_survey, version_id=version.pk)
    with pytest.raises(SurveyStateError, match="Version 1 is already closed"):
        survey_version_close(survey=demo_survey, version_id=version.pk)
    assert survey_version_reopen(survey=demo_survey, version_id=version.pk).status == SurveyVersion.Status.OPEN


def test_a_version_of_another_survey_is_not_found(demo_survey, every_type_survey):
    with pytest.raises(SurveyStateError, match="does not exist"):
        survey_version_close(survey=demo_survey, version_id=every_type_survey.open_version().pk)
    assert every_type_survey.open_version() is not None


def test_a_draft_is_neither_closed_nor_reopened(demo_survey):
    draft = SurveyVersion.objects.create(survey=demo_survey, number=2)
    with pytest.raises(SurveyStateError, match="Version 2 is a draft"):
        survey_version_close(survey=demo_survey, version_id=draft.pk)
    with pytest.raises(SurveyStateError, match="Version 2 is a draft"):
        survey_version_reopen(survey=demo_survey, version_id=draft.pk)


# --- An archived survey answers like a closed one ----------------------------------------


@pytest.fixture
def archived_with_an_open_version(demo_survey) -> Survey:
    """Archived, then a version reopened behind the builder's back (the admin, a script):
    the archive alone must keep the survey from taking responses."""
    version = demo_survey.open_version()
    survey, _ = survey_archive(survey=demo_survey)
    version_reopen(version=version)
    return survey


def test_an_archived_survey_is_unavailable_as_closed(archived_with_an_open_version):
    survey = archived_with_an_open_version
    assert survey.open_version() is not None
    assert survey_availability(survey, survey.open_version()) == NO_OPEN_VERSION


def test_the_public_form_of_an_archived_survey_says_it_is_closed(client, archived_with_an_open_version):
    response = client.get(reverse("responses:form", args=[archived_with_an_open_version.slug]))
    assert response.status_code == 410
    assert "This survey is closed" in response.content.decode()


def test_the_api_refuses_an_archived_survey_as_closed(client, archived_with_an_open_version):
    response = client.get(reverse("api:survey", args=[archived_with_an_open_version.slug]))
    assert response.status_code == 410


def test_an_archived_survey_is_not_listed(demo_survey):
    Survey.objects.filter(pk=demo_survey.pk).update(listed=True)
    assert list(listed_surveys()) == [demo_survey]
    version = demo_survey.open_version()
    survey_archive(survey=demo_survey)
    version_reopen(version=version)
    assert list(listed_surveys()) == []


# --- would_edit ----------------------------------------------------------------------------


def test_would_edit_through_the_users_or_a_group(manager):
    managers = Group.objects.get(name="Survey managers")
    other = Group.objects.create(name="Other")
    assert would_edit(manager, editors=[manager], editor_groups=[])
    assert would_edit(manager, editors=[], editor_groups=[managers])
    assert not would_edit(manager, editors=[], editor_groups=[other])
    assert not would_edit(manager, editors=[], editor_groups=[])


def test_a_superuser_always_would_edit(db):
    root = User.objects.create_superuser("root", "root@example.com", "pw")
    assert would_edit(root, editors=[], editor_groups=[])

