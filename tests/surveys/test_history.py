"""A survey's history (surveys.history): records name who, when and what, outlive their
user, roll back with their change; values before and after read as words; the admin and
`import_survey` record their changes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from surveys.history import (
    as_text,
    change_record,
    details_line,
    field_changes,
    section_target,
    set_change,
    target_of,
)
from surveys.models import Survey, SurveyChange, SurveyVersion
from surveys.services import version_duplicate
from tests.kit.admin import form_data, survey_admin_url
from tests.kit.demo import DEMO_FILE

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(db) -> Survey:
    return Survey.objects.create(slug="pulse", title="Pulse")


def test_it_records_who_what_and_when(survey, manager):
    change = change_record(survey=survey, user=manager, action="settings_changed", summary="Changed the cap",
                           details={"fields": []}, target=section_target(survey, "access"))
    change.refresh_from_db()
    assert (change.user, change.username, change.action, change.summary) == (
        manager, "alice", "settings_changed", "Changed the cap"
    )
    assert change.target == f"survey:{survey.pk}:access"
    assert change.at is not None
    assert change.version is None


def test_it_records_a_change_without_a_user_for_imports_and_commands(survey):
    for user in (None, AnonymousUser()):
        change = change_record(survey=survey, user=user, action="survey_imported", summary="Imported")
        assert (change.user, change.username, change.who) == (None, "", "")


def test_it_keeps_the_summary_on_one_line_and_within_its_length(survey, manager):
    change = change_record(survey=survey, user=manager, action="question_changed",
                           summary="Changed\n  the question   “" + "x" * 600 + "”")
    assert "\n" not in change.summary
    assert change.summary.startswith("Changed the question “xxx")
    assert len(change.summary) == 500 and change.summary.endswith("…")


def test_it_names_the_user_after_they_are_deleted(survey, manager):
    manager.first_name, manager.last_name = "Alice", "Smith"
    manager.save()
    change = change_record(survey=survey, user=manager, action="survey_archived", summary="Archived the survey")
    assert change.who == "Alice Smith"
    manager.delete()
    change = SurveyChange.objects.get(pk=change.pk)
    assert (change.user, change.who) == (None, "alice")


def test_a_record_rolls_back_with_its_change(survey, manager):
    with pytest.raises(RuntimeError), transaction.atomic():
        Survey.objects.filter(pk=survey.pk).update(title="Renamed")
        change_record(survey=survey, user=manager, action="admin_changed", summary="Renamed")
        raise RuntimeError("the change fails after the record was written")
    assert not SurveyChange.objects.exists()
    assert Survey.objects.get(pk=survey.pk).title == "Pulse"


def test_a_deleted_draft_leaves_its_records_without_a_version(survey, manager):
    draft = SurveyVersion.objects.create(survey=survey, number=1)
    change = change_record(survey=survey, user=manager, action="draft_created", summary="Started", version=draft)
    draft.delete()
    change.refresh_from_db()
    assert change.version is None


def test_a_deleted_survey_takes_its_history_with_it(survey, manager):
    change_record(survey=survey, user=manager, action="survey_archived", summary="Archived the survey")
    survey.delete()
    assert not SurveyChange.objects.exists()


def test_targets_name_the_row_or_the_settings_section(survey):
    version = SurveyVersion.objects.create(survey=survey, number=1)
    assert target_of(version) == f"surveyversion:{version.pk}"
    assert section_target(survey, "sharing") == f"survey:{survey.pk}:sharing"


# --- Values before and after ---------------------------------------------------------------


def test_values_read_as_words(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    assert as_text(None) == ""
    assert as_text(True) == "yes" and as_text(False) == "no"
    assert as_text(Decimal("10.500000")) == "10.5"
    assert as_text(datetime(2030, 3, 1, 8, 0, tzinfo=ZoneInfo("UTC"))) == "1 March 2030, 09:00 CET"


def test_field_changes_lists_only_the_fields_that_differ_in_their_order():
    labels = {"access": "Who may answer", "response_cap": "Response cap", "listed": "Listed"}
    before = {"access": "Public", "response_cap": None, "listed": False}
    after = {"access": "Public", "response_cap": 100, "listed": True}
    assert field_changes(before, after, labels) == [
        {"name": "response_cap", "label": "Response cap", "before": "", "after": "100"},
        {"name": "listed", "label": "Listed", "before": "no", "after": "yes"},
    ]


def test_set_change_names_who_was_added_and_removed():
    assert set_change("viewers", "Users", ["bob", "carol"], ["carol", "bob"]) is None
    assert set_change("viewers", "Users", ["carol", "zoe"], ["bob", "adam", "carol"]) == {
        "name": "viewers", "label": "Users", "added": ["adam", "bob"], "removed": ["zoe"],
    }


def test_details_line_says_the_fields_in_one_line(survey):
    change = SurveyChange(survey=survey, details={"fields": [
        {"name": "label", "label": "Label", "before": "A", "after": "B"},
        {"name": "help_text", "label": "Help text", "before": "", "after": "Tick one"},
        {"name": "viewers", "label": "Users", "added": ["bob"], "removed": ["carol"]},
    ]})
    assert details_line(change) == "label: “A” → “B”; help text: empty → “Tick one”; users: added bob; removed carol"
    assert details_line(SurveyChange(survey=survey)) == ""


# --- import_survey ------------------------------------------------------------------------------


def test_import_survey_records_the_import_without_a_user(db):
    call_command("import_survey", str(DEMO_FILE), stdout=StringIO())
    change = SurveyChange.objects.get()
    survey = Survey.objects.get(slug="ddiq-2010")
    assert (change.survey, change.user, change.username, change.action) == (survey, None, "", "survey_imported")
    assert change.summary == "Imported version 1 from a file (ddiq-2010.yaml) and published it"
    assert change.version == survey.open_version()


def test_import_survey_of_an_unchanged_file_records_nothing(db):
    call_command("import_survey", str(DEMO_FILE), stdout=StringIO())
    call_command("import_survey", str(DEMO_FILE), stdout=StringIO())
    assert SurveyChange.objects.count() == 1


# --- The admin ---------------------------------------------------------------------------------


def _run_action(client, action: str, version: SurveyVersion):
    return client.post(
        reverse("admin:surveys_surveyversion_changelist"), {"action": action, "_selected_action": [version.pk]}
    )


def test_the_admin_records_a_change_of_a_survey_in_djangos_words(client, manager, demo_survey):
    client.force_login(manager)
    url = survey_admin_url("survey", demo_survey.pk)
    data = form_data(client.get(url), "survey_form")
    data["title"] = ["Social media, renamed"]
    data["response_cap"] = ["300"]
    assert client.post(url, {**data, "_save": "Save"}).status_code == 302
    change = SurveyChange.objects.get()
    assert (change.user, change.action, change.version) == (manager, "admin_changed", None)
    assert change.summary == "Changed the survey in the administration: Changed Title and Response cap."
    assert change.details == {"notes": ["Changed Title and Response cap."]}
    assert change.target == f"survey:{demo_survey.pk}"


def test_the_admin_records_nothing_for_a_save_that_changes_nothing(client, manager, demo_survey):
    client.force_login(manager)
    url = survey_admin_url("survey", demo_survey.pk)
    data = form_data(client.get(url), "survey_form")
    assert client.post(url, {**data, "_save": "Save"}).status_code == 302
    assert not SurveyChange.objects.exists()


def test_the_admin_records_a_corrected_label_on_its_version(client, manager, open_version):
    client.force_login(manager)
    url = survey_admin_url("surveyversion", open_version.pk)
    data = form_data(client.get(url), "surveyversion_form")
    data["pages-0-questions-0-label"] = ["Which of these best describes your role?"]
    assert client.post(url, {**data, "_save": "Save"}).status_code == 302
    change = SurveyChange.objects.get()
    assert (change.action, change.version, change.target) == (
        "admin_changed", open_version, f"surveyversion:{open_version.pk}"
    )
    assert change.summary.startswith("Changed version 1 in the administration: ")
    assert "role" in change.summary


def test_the_admin_records_a_survey_it_creates(client, db):
    admin = User.objects.create_superuser("root", password="pw-root")
    client.force_login(admin)
    response = client.post(reverse("admin:surveys_survey_add"), {
        "slug": "pulse", "title": "Pulse", "description": "", "access": "public",
        "page_time_floor": "1", "speeder_fraction": "0.333",
        **{f"{prefix}-{name}": value for prefix in ("findings", "nets", "saved_views")
           for name, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))},
        "_save": "Save",
    })
    assert response.status_code == 302, response.context["errors"] if response.context else response
    change = SurveyChange.objects.get()
    assert (change.survey.slug, change.user, change.action) == ("pulse", admin, "survey_created")
    assert change.summary == "Created the survey in the administration"


@pytest.mark.parametrize(("action", "recorded", "summary"), [
    ("close", "version_closed", "Closed version 1 in the administration"),
    ("duplicate", "draft_created", "Started version 2 as a draft, a copy of version 1, in the administration"),
])
def test_the_admins_version_actions_are_recorded(client, manager, open_version, action, recorded, summary):
    client.force_login(manager)
    _run_action(client, action, open_version)
    change = SurveyChange.objects.get()
    assert (change.user, change.action, change.summary) == (manager, recorded, summary)


def test_the_admins_publish_action_is_recorded_on_the_published_version(client, manager, open_version):
    draft = version_duplicate(version=open_version)
    client.force_login(manager)
    _run_action(client, "publish", draft)
    change = SurveyChange.objects.get()
    assert (change.action, change.version, change.summary) == (
        "version_published", draft, "Published version 2 in the administration"
    )


def test_an_admin_action_refused_records_nothing(client, manager, open_version):
    client.force_login(manager)
    _run_action(client, "reopen", open_version)  # it is open: refused
    assert not SurveyChange.objects.exists()


def test_deleting_a_draft_in_the_admin_is_recorded_on_its_survey(client, manager, open_version):
    draft = version_duplicate(version=open_version)
    client.force_login(manager)
    response = client.post(reverse("admin:surveys_surveyversion_delete", args=[draft.pk]), {"post": "yes"})
    assert response.status_code == 302
    change = SurveyChange.objects.get()
    assert (change.survey, change.version, change.action) == (open_version.survey, None, "version_deleted")
    assert change.summary == "Deleted draft version 2 in the administration"
