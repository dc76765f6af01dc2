"""The survey's history: each change made in the builder is recorded once, with its user,
its words and the values before and after; the history page lists them newest first,
filters by version and by user, pages by 50, costs the same queries for any number of
changes, and is shown to editors and read-only users only."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from builder.condition_picker import form_data as picker_form_data
from builder.condition_picker import form_from_node
from builder.review import definition_stamp
from surveys.conditions import parse
from surveys.history import change_record
from surveys.models import Choice, Question, Survey, SurveyChange, SurveyVersion
from surveys.selectors import version_definition
from surveys.services import version_duplicate
from tests.kit.page_forms import form_data

pytestmark = pytest.mark.django_db

HISTORY = reverse("builder:history", args=["ddiq-2010"])
SETTINGS = reverse("builder:settings", args=["ddiq-2010"])
CREATE = reverse("builder:create")


def url(name: str, slug: str = "ddiq-2010") -> str:
    return reverse(f"builder:{name}", args=[slug])


def only_change() -> SurveyChange:
    """The one change recorded (fails if there are none or several)."""
    changes = list(SurveyChange.objects.all())
    assert len(changes) == 1, [c.summary for c in changes]
    return changes[0]


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def manager_named(username: str, *, editor_of: Survey | None = None, **names: str) -> User:
    user = User.objects.create_user(username, password="pw-" + username, is_staff=True, **names)
    user.groups.add(Group.objects.get(name="Survey managers"))
    if editor_of is not None:
        editor_of.editors.add(user)
    return user


# --- Create ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "summary", "details"), [
    ("blank", "Created the survey blank, with one empty page", {"start": "blank"}),
    ("starter:nps-pulse", "Created the survey from the template “NPS pulse”",
     {"start": "template", "template": "nps-pulse"}),
])
def test_creating_a_survey_is_recorded_with_how_it_started(alice, manager, start, summary, details):
    response = alice.post(CREATE, {"title": "Team pulse", "slug": "team-pulse", "start": start})
    assert response.status_code == 302
    change = only_change()
    survey = Survey.objects.get(slug="team-pulse")
    assert (change.survey, change.user, change.action, change.summary, change.details) == (
        survey, manager, "survey_created", summary, details
    )
    assert change.version == survey.draft_version()


def test_a_copy_is_recorded_with_its_original(alice, manager, demo_survey):
    alice.post(CREATE, {"title": "Copy", "slug": "copy", "start": "copy", "copy_of": "ddiq-2010"})
    change = only_change()
    assert change.summary == f"Created the survey as a copy of “{demo_survey.title}” (ddiq-2010)"
    assert change.details == {"start": "copy", "copy_of": "ddiq-2010"}


def test_a_create_refused_records_nothing(alice, demo_survey):
    response = alice.post(CREATE, {"title": "Again", "slug": "ddiq-2010", "start": "blank"})
    assert response.status_code == 200
    assert not SurveyChange.objects.exists()


# --- Settings -------------------------------------------------------------------------------


def test_saving_access_records_the_fields_that_changed_before_and_after(alice, manager, demo_survey):
    page = alice.get(SETTINGS)
    data = form_data(page, "#access", {"access-access": "both", "access-response_cap": "250"})
    assert alice.post(SETTINGS, data).status_code == 302
    change = only_change()
    assert (change.user, change.action, change.version) == (manager, "access_changed", None)
    assert change.summary == "Changed the access settings: who may answer, response cap"
    assert change.details == {"fields": [
        {"name": "access", "label": "Who may answer", "before": "Public link only",
         "after": "Public link and personal invitations"},
        {"name": "response_cap", "label": "Response cap", "before": "", "after": "250"},
    ]}
    assert change.target == f"survey:{demo_survey.pk}:access"


def test_saving_a_section_unchanged_records_nothing(alice, demo_survey):
    page = alice.get(SETTINGS)
    for section in ("#access", "#sharing", "#editors"):
        assert alice.post(SETTINGS, form_data(page, section)).status_code == 302
    assert not SurveyChange.objects.exists()


def test_an_invalid_save_records_nothing(alice, demo_survey):
    data = form_data(alice.get(SETTINGS), "#access", {"access-response_cap": "0"})
    assert alice.post(SETTINGS, data).status_code == 400
    assert not SurveyChange.objects.exists()


def test_sharing_is_recorded_as_names_added_and_removed(alice, demo_survey, viewer):
    carol = User.objects.create_user("carol")
    carol.groups.add(Group.objects.get(name="Results viewers"))
    demo_survey.viewers.add(carol)
    group = Group.objects.get(name="Results viewers")
    data = form_data(alice.get(SETTINGS), "#sharing", {
        "sharing-viewers": [str(viewer.pk)], "sharing-viewer_groups": [str(group.pk)],
    })
    assert alice.post(SETTINGS, data).status_code == 302
    change = only_change()
    assert change.action == "sharing_changed"
    assert change.summary == (
        "Changed who may see the results: added bob, removed carol; added group Results viewers"
    )
    assert change.details == {"fields": [
        {"name": "viewers", "label": "Users", "added": ["bob"], "removed": ["carol"]},
        {"name": "viewer_groups", "label": "Groups", "added": ["Results viewers"], "removed": []},
    ]}


def test_editors_are_recorded_as_names_added(alice, manager, demo_survey):
    dave = manager_named("dave")
    data = form_data(alice.get(SETTINGS), "#editors", {"editors-editors": [str(manager.pk), str(dave.pk)]})
    assert alice.post(SETTINGS, data).status_code == 302
    change = only_change()
    assert (change.action, change.summary) == ("editors_changed", "Changed who may edit the survey: added dave")


@pytest.mark.parametrize(("name", "action", "summary"), [
    ("settings_close", "version_closed", "Closed version 1"),
    ("settings_archive", "survey_archived", "Archived the survey (and closed version 1)"),
])
def test_a_status_button_is_recorded(alice, manager, demo_survey, name, action, summary):
    version = demo_survey.open_version()
    assert alice.post(url(name), {"version": version.pk}).status_code == 302
    change = only_change()
    assert (change.user, change.action, change.summary, change.version) == (manager, action, summary, version)


def test_reopening_and_unarchiving_are_recorded(alice, demo_survey):
    version = demo_survey.open_version()
    alice.post(url("settings_archive"))
    alice.post(url("settings_unarchive"))
    alice.post(url("settings_reopen"), {"version": version.pk})
    assert [(c.action, c.summary) for c in SurveyChange.objects.order_by("pk")] == [
        ("survey_archived", "Archived the survey (and closed version 1)"),
        ("survey_unarchived", "Unarchived the survey"),
        ("version_reopened", "Reopened version 1"),
    ]


def test_a_status_button_refused_records_nothing(alice, demo_survey):
    alice.post(url("settings_reopen"), {"version": demo_survey.open_version().pk})  # it is open
    alice.post(url("settings_unarchive"))  # it is not archived
    assert not SurveyChange.objects.exists()


# --- Drafts and publishing --------------------------------------------------------------------


def test_a_new_draft_is_recorded_once(alice, manager, demo_survey):
    alice.post(url("new_draft"))
    alice.post(url("new_draft"))  # the draft exists: nothing new
    change = only_change()
    draft = demo_survey.draft_version()
    assert (change.user, change.action, change.version) == (manager, "draft_created", draft)
    assert change.summary == "Started version 2 as a draft, a copy of version 1"


def test_an_empty_first_draft_is_recorded(alice, manager):
    survey = Survey.objects.create(slug="empty", title="Empty")
    survey.editors.add(manager)
    alice.post(url("new_draft", "empty"))
    assert only_change().summary == "Started version 1 as a draft with one empty page"


@pytest.fixture
def draft(demo_survey) -> SurveyVersion:
    return version_duplicate(version=demo_survey.open_version())


def _stamp(draft: SurveyVersion) -> str:
    return definition_stamp(draft, version_definition(draft))


def test_publishing_is_recorded_with_what_it_changes(alice, manager, draft):
    question = Question.objects.get(version=draft, code="comments")
    question.label = "Anything else?"
    question.save()
    assert alice.post(url("publish"), {"stamp": _stamp(draft)}).status_code == 302
    change = only_change()
    assert (change.user, change.action, change.version) == (manager, "version_published", draft)
    assert change.summary == "Published version 2 (against version 1: 1 question changed)"
    assert change.details["notes"] == ["1 question changed"]
    assert change.details["counts"]["questions_changed"] == 1
    assert change.details["base"] == 1


def test_a_new_answer_chosen_at_publish_is_recorded(alice, draft):
    choice = Choice.objects.get(question__version=draft, question__code="seniority", code="vp")
    choice.label = "Vice president or partner"
    choice.save()
    alice.post(url("publish"), {"stamp": _stamp(draft), "answer-choice.seniority.vp": "new"})
    new_answer, published = SurveyChange.objects.order_by("pk")
    assert published.action == "version_published"
    assert new_answer.action == "new_answer"
    assert new_answer.summary == (
        "Gave the choice “Vice president or partner” of question seniority a new answer code, "
        "vice_president_or_partner (was vp, “Vice president”): answers given before are not counted under it"
    )
    assert new_answer.details["fields"][1] == {
        "name": "code", "label": "Code", "before": "vp", "after": "vice_president_or_partner",
    }


def test_a_relabel_kept_as_the_same_answer_is_not_a_new_answer(alice, draft):
    choice = Choice.objects.get(question__version=draft, question__code="seniority", code="vp")
    choice.label = "Vice president or partner"
    choice.save()
    alice.post(url("publish"), {"stamp": _stamp(draft), "answer-choice.seniority.vp": "same"})
    assert only_change().action == "version_published"


def test_a_publish_refused_records_nothing(alice, draft):
    Question.objects.get(version=draft, code="role").choices.all().delete()
    assert alice.post(url("publish"), {"stamp": _stamp(draft)}).status_code == 400
    assert not SurveyChange.objects.exists()


# --- Conditions (the picker) ------------------------------------------------------------------


def test_a_condition_set_with_the_picker_is_recorded_before_and_after(alice, manager, draft):
    barriers = Question.objects.get(version=draft, code="barriers")
    before = barriers.condition
    data = {**picker_form_data(form_from_node(parse("role = it")), "condition"),
            "condition-place": f"question:{barriers.pk}"}
    response = alice.post(reverse("builder:condition_question", args=["ddiq-2010", barriers.pk]), data)
    assert response.status_code == 302
    change = only_change()
    assert (change.user, change.action, change.version, change.target) == (
        manager, "condition_set", draft, f"question:{barriers.pk}"
    )
    assert change.summary == f"Set the display condition of the question “{barriers.label}”: role = it"
    assert change.details == {"fields": [
        {"name": "condition", "label": "Display condition", "before": before, "after": "role = it"},
    ]}


# --- The history page ---------------------------------------------------------------------------


def _record(survey: Survey, user, summary: str, *, version=None, at=None, **kwargs) -> SurveyChange:
    change = change_record(survey=survey, user=user, action="test", summary=summary, version=version, **kwargs)
    if at is not None:
        SurveyChange.objects.filter(pk=change.pk).update(at=at)
    return change


def test_it_lists_the_changes_newest_first_with_who_when_and_what(alice, manager, demo_survey, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    manager.first_name, manager.last_name = "Alice", "Smith"
    manager.save()
    version = demo_survey.open_version()
    at = datetime(2030, 3, 1, 8, 5, tzinfo=ZoneInfo("UTC"))
    _record(demo_survey, None, "Imported version 1 from a file", version=version, at=at - timedelta(days=1))
    _record(demo_survey, manager, "Changed the access settings: response cap", at=at, details={"fields": [
        {"name": "response_cap", "label": "Response cap", "before": "", "after": "250"},
    ]})
    response = alice.get(HISTORY)
    assert response.status_code == 200
    text = text_of(response)
    assert text.index("Changed the access settings") < text.index("Imported version 1")
    assert "Alice Smith (alice)" in text
    assert "No user" in text
    assert "1 Mar 2030, 09:05 CET" in text  # in the site's zone, which it names
    html = response.content.decode()
    assert '<time datetime="2030-03-01T09:05:00+01:00">' in html
    assert "<details" in html and "<del><em>empty</em></del>" in html and "<ins>250</ins>" in html
    assert "v1</span> Imported version 1" in html


def test_it_filters_by_version_and_by_user(alice, manager, demo_survey):
    dave = manager_named("dave", editor_of=demo_survey)
    v1 = demo_survey.open_version()
    v2 = version_duplicate(version=v1)
    _record(demo_survey, manager, "Alice on version 1", version=v1)
    _record(demo_survey, dave, "Dave on version 2", version=v2)
    _record(demo_survey, manager, "Alice on the settings")
    _record(demo_survey, None, "An import")

    def summaries(query: str) -> list[str]:
        return [c.summary for c in alice.get(HISTORY + query).context["changes"]]

    assert summaries("") == ["An import", "Alice on the settings", "Dave on version 2", "Alice on version 1"]
    assert summaries(f"?version={v2.pk}") == ["Dave on version 2"]
    assert summaries("?user=alice") == ["Alice on the settings", "Alice on version 1"]
    assert summaries(f"?user=alice&version={v1.pk}") == ["Alice on version 1"]
    assert summaries("?user=-") == ["An import"]
    page = alice.get(HISTORY + "?user=dave").content.decode()
    assert '<option value="dave" selected>dave</option>' in page
    assert f'<option value="{v2.pk}">Version 2 (draft)</option>' in page


@pytest.mark.parametrize("query", ["?version=abc", "?version=999999", "?user=nobody", "?page=zz", "?page=-4"])
def test_a_filter_it_does_not_know_shows_every_change(alice, manager, demo_survey, query):
    _record(demo_survey, manager, "Something")
    response = alice.get(HISTORY + query)
    assert response.status_code == 200
    assert [c.summary for c in response.context["changes"]] == ["Something"]


def test_another_surveys_version_is_no_filter(alice, manager, demo_survey, every_type_survey):
    _record(demo_survey, manager, "Something")
    other = every_type_survey.versions.get()
    assert [c.summary for c in alice.get(HISTORY + f"?version={other.pk}").context["changes"]] == ["Something"]


def test_it_shows_fifty_changes_a_page_keeping_the_filters(alice, manager, demo_survey):
    for i in range(55):
        _record(demo_survey, manager, f"Change {i}")
    first = alice.get(HISTORY + "?user=alice")
    assert len(first.context["changes"]) == 50
    html = first.content.decode()
    assert "Page 1 of 2" in html
    assert 'href="?user=alice&amp;page=2"' in html
    second = alice.get(HISTORY + "?user=alice&page=2")
    assert [c.summary for c in second.context["changes"]] == [f"Change {i}" for i in range(4, -1, -1)]


def test_it_says_when_nothing_is_recorded(alice, manager, demo_survey):
    assert "No change is recorded yet." in text_of(alice.get(HISTORY))
    _record(demo_survey, manager, "Changed the settings")
    version = demo_survey.open_version()
    assert "No change matches these filters." in text_of(alice.get(HISTORY + f"?version={version.pk}"))


def test_it_names_a_deleted_user(alice, demo_survey):
    gone = manager_named("gone", editor_of=demo_survey)
    _record(demo_survey, gone, "Something")
    gone.delete()
    assert "gone (no longer a user)" in text_of(alice.get(HISTORY))


@pytest.mark.parametrize("count", [3, 60])
def test_it_takes_the_same_queries_for_any_number_of_changes(
    alice, manager, demo_survey, django_assert_num_queries, count
):
    dave = manager_named("dave", editor_of=demo_survey)
    version = demo_survey.open_version()
    for i in range(count):
        _record(demo_survey, manager if i % 2 else dave, f"Change {i}", version=version)
    alice.get(HISTORY)  # the session and permissions warm up as on any page
    # The session, the user and their permissions (4), the survey and whether they edit
    # it (2), the versions, the users of the filter, the count, and the page of changes
    # with their users and versions.
    with django_assert_num_queries(QUERIES):
        assert alice.get(HISTORY).status_code == 200


QUERIES = 10


# --- Links to it ----------------------------------------------------------------------------------


def test_the_settings_and_publish_pages_link_to_it(alice, draft):
    assert f'href="{HISTORY}"' in alice.get(SETTINGS).content.decode()
    assert f'href="{HISTORY}?version={draft.pk}"' in alice.get(url("publish")).content.decode()


# --- Who may see it -------------------------------------------------------------------------------


def test_an_editor_sees_it(alice, demo_survey):
    assert alice.get(HISTORY).status_code == 200


def test_a_read_only_manager_sees_it_and_is_told_so(client, manager, demo_survey):
    _record(demo_survey, manager, "Something")
    dave = manager_named("dave")
    demo_survey.viewers.add(dave)
    client.force_login(dave)
    response = client.get(HISTORY)
    assert response.status_code == 200
    assert "Something" in text_of(response)
    assert "You can read it but not change the survey" in text_of(response)


def test_a_manager_who_neither_edits_nor_sees_the_survey_gets_404(client, demo_survey):
    client.force_login(manager_named("dave"))
    assert client.get(HISTORY).status_code == 404


@pytest.mark.parametrize("actor", ["viewer", "outsider"])
def test_results_viewers_and_outsiders_get_403(client, demo_survey, actor, request):
    user = request.getfixturevalue(actor)
    demo_survey.viewers.add(user)
    client.force_login(user)
    assert client.get(HISTORY).status_code == 403


def test_an_anonymous_user_is_sent_to_sign_in(client, demo_survey):
    response = client.get(HISTORY)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_answers_get_only(alice, demo_survey):
    assert alice.post(HISTORY).status_code == 405
