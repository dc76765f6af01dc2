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
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from builder.condition_picker import form_data as picker_form_data
from builder.condition_picker import form_from_node
from builder.review import definition_stamp
from surveys.conditions import parse
from surveys.history import change_record
from surveys.models import Choice, Finding, Net, Question, SavedView, Survey, SurveyChange, SurveyVersion
from surveys.selectors import version_definition
from surveys.services import version_duplicate
from tests.kit.demo import DEMO_FILE
from tests.kit.outline import HISTORY_PAGE_QUERIES, outline_url, question_form, small_draft
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


def shown(details: dict) -> dict:
    """The details a person reads (without what undo keeps, tests/builder/test_undo.py)."""
    return {key: value for key, value in details.items() if key != "undo"}


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
    assert shown(change.details) == {"fields": [
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
    assert shown(change.details) == {"fields": [
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
    assert shown(change.details) == {"fields": [
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
    with django_assert_num_queries(HISTORY_PAGE_QUERIES):
        assert alice.get(HISTORY).status_code == 200


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


# --- The outline ------------------------------------------------------------------------------------


@pytest.fixture
def small(manager) -> SurveyVersion:
    return small_draft(editors=[manager])


def small_q(version: SurveyVersion, code: str) -> Question:
    return Question.objects.get(version=version, code=code)


def test_adding_a_question_is_recorded(alice, manager, small):
    page = small.pages.order_by("position")[1]
    alice.post(outline_url("question_add", page.pk), {"type": "multiple"})
    change = only_change()
    question = small_q(small, "question")
    assert (change.user, change.action, change.version, change.target) == (
        manager, "question_added", small, f"question:{question.pk}"
    )
    assert change.summary == "Added a question (Multiple choice) on page 2 “More”"


def test_a_question_saved_is_recorded_with_its_fields_before_and_after(alice, small):
    role = small_q(small, "role")
    data = question_form(alice, role, {"label": "Your job?", "choices-1-label": "Business people"})
    assert alice.post(outline_url("question_edit", role.pk), data).status_code == 302
    change = only_change()
    assert change.action == "question_changed"
    assert change.summary == "Changed question “Your job?” (role) on page 1 “About you”: question, choices"
    assert shown(change.details) == {"fields": [
        {"name": "label", "label": "Question", "before": "Your role?", "after": "Your job?"},
        {"name": "choices", "label": "Choices", "before": "IT (it) · Business (biz)",
         "after": "IT (it) · Business people (biz)"},
    ]}


def test_a_question_saved_unchanged_is_not_recorded(alice, small):
    pets = small_q(small, "pets")
    assert alice.post(outline_url("question_edit", pets.pk), question_form(alice, pets)).status_code == 302
    assert not SurveyChange.objects.exists()


def test_a_question_refused_is_not_recorded(alice, small):
    role = small_q(small, "role")
    data = question_form(alice, role, {"label": ""})
    assert alice.post(outline_url("question_edit", role.pk), data).status_code == 200
    assert not SurveyChange.objects.exists()


def test_moving_a_question_is_recorded_where_from_and_to(alice, small):
    pets, second = small_q(small, "pets"), small.pages.order_by("position")[1]
    alice.post(outline_url("question_move", pets.pk), {"page": second.pk, "position": "0"})
    alice.post(outline_url("question_move", pets.pk), {"page": second.pk, "position": "0"})  # already there
    change = only_change()
    assert change.summary == "Moved question “Pets?” (pets) to place 1 on page 2 (was place 3 on page 1)"
    assert change.details["fields"] == [
        {"name": "page", "label": "Page", "before": "1", "after": "2"},
        {"name": "position", "label": "Place on the page", "before": "3", "after": "1"},
    ]


def test_duplicating_deleting_and_restoring_a_question_are_recorded(alice, small):
    pets = small_q(small, "pets")
    alice.post(outline_url("question_duplicate", pets.pk))
    copy = small_q(small, "pets_2")
    response = alice.post(outline_url("question_delete", copy.pk))
    token = re.search(r"deleted=([0-9a-f]+)", response["Location"])[1]
    alice.post(outline_url("deleted_restore"), {"token": token})
    assert [(c.action, c.summary) for c in SurveyChange.objects.order_by("pk")] == [
        ("question_duplicated", "Duplicated question “Pets?” (pets) as pets_2, just after it"),
        ("question_deleted", "Deleted question “Pets?” (pets_2) from page 1 “About you”"),
        ("question_restored", "Restored the deleted question “Pets?” (pets_2) on page 1 “About you”"),
    ]
    deleted = SurveyChange.objects.get(action="question_deleted")
    assert deleted.target == f"question:{copy.pk}"
    assert deleted.details["question"]["code"] == "pets_2"  # what it was, whole


def test_page_actions_are_recorded(alice, small):
    first, second = small.pages.order_by("position")
    alice.post(outline_url("page_add"))
    alice.post(outline_url("page_update", second.pk), {"title": "Last things", "condition": "role = it"})
    alice.post(outline_url("page_move", second.pk), {"position": "0"})
    response = alice.post(outline_url("page_delete", first.pk))
    token = re.search(r"deleted=([0-9a-f]+)", response["Location"])[1]
    alice.post(outline_url("deleted_restore"), {"token": token})
    assert [(c.action, c.summary) for c in SurveyChange.objects.order_by("pk")] == [
        ("page_added", "Added page 3"),
        ("page_changed", "Changed page 2 “More”: title, show this page only if"),
        ("page_moved", "Moved page 2 “Last things” to place 1"),
        ("page_deleted", "Deleted page 2 “About you” and its 3 questions"),
        ("page_restored", "Restored the deleted page 2 “About you” with its 3 questions"),
    ]
    assert shown(SurveyChange.objects.get(action="page_changed").details) == {"fields": [
        {"name": "title", "label": "Title", "before": "More", "after": "Last things"},
        {"name": "condition", "label": "Show this page only if", "before": "", "after": "role = it"},
    ]}
    assert SurveyChange.objects.get(action="page_deleted").target == f"page:{first.pk}"


def test_the_texts_are_recorded_before_and_after(alice, small):
    alice.post(outline_url("texts_update"), {"intro": "Welcome."})
    alice.post(outline_url("texts_update"), {"intro": "Welcome."})  # the same again: no change
    change = only_change()
    assert (change.action, change.summary) == ("texts_changed", "Changed the introduction of version 1")
    assert shown(change.details) == {"fields": [
        {"name": "intro", "label": "Introduction", "before": "", "after": "Welcome."},
    ]}


def test_an_action_refused_on_a_published_version_is_not_recorded(alice, manager):
    published = small_draft(slug="small", editors=[manager], status="open")
    alice.post(outline_url("question_add", published.pages.first().pk), {"type": "single"})
    alice.post(outline_url("question_delete", small_q(published, "pets").pk))
    assert not SurveyChange.objects.exists()


# --- The findings page ----------------------------------------------------------------------------


def findings_url(name: str, *args) -> str:
    return reverse(f"builder:{name}", args=["ddiq-2010", *args])


def test_finding_actions_are_recorded(alice, manager, demo_survey):
    alice.post(findings_url("findings_add"), {
        "finding-new-statement": "IT leaders who never use LinkedIn", "finding-new-code": "",
        **picker_form_data(form_from_node(parse("role = it")), "finding-new-base"),
        **picker_form_data(form_from_node(parse("personal_use.linkedin = never")), "finding-new-target"),
    })
    finding = Finding.objects.get(survey=demo_survey, statement="IT leaders who never use LinkedIn")
    page = alice.get(findings_url("findings") + f"?finding={finding.pk}")
    prefix = f"finding-{finding.pk}"
    data = form_data(page, f"#{prefix}", {f"{prefix}-base-mode": "text", f"{prefix}-base-text": "role = business"})
    assert alice.post(findings_url("findings_update", finding.pk), data).status_code == 302
    alice.post(findings_url("findings_move", finding.pk), {"direction": "up"})
    alice.post(findings_url("findings_delete", finding.pk))
    name = f"the finding “IT leaders who never use LinkedIn” ({finding.code})"
    assert [(c.action, c.summary) for c in SurveyChange.objects.order_by("pk")] == [
        ("finding_added", f"Added {name}"),
        ("finding_changed", f"Changed {name}: base"),
        ("finding_moved", f"Moved {name} up"),
        ("finding_deleted", f"Deleted {name}"),
    ]
    changed = SurveyChange.objects.get(action="finding_changed")
    assert (changed.user, changed.version, changed.target) == (manager, None, f"finding:{finding.pk}")
    assert shown(changed.details) == {"fields": [
        {"name": "base_condition", "label": "Base", "before": "role = it", "after": "role = business"},
    ]}
    deleted = SurveyChange.objects.get(action="finding_deleted")
    assert {"name": "target_condition", "label": "Target", "before": "personal_use.linkedin = never",
            "after": ""} in deleted.details["fields"]


def test_a_finding_moved_past_the_end_is_not_recorded(alice, demo_survey):
    first = Finding.objects.get(survey=demo_survey, position=0)
    alice.post(findings_url("findings_move", first.pk), {"direction": "up"})
    assert not SurveyChange.objects.exists()


def test_nets_and_saved_views_are_recorded(alice, demo_survey):
    alice.post(findings_url("nets_add", "revenue"), {
        "net-new-revenue-label": "Big companies", "net-new-revenue-code": "",
        "net-new-revenue-choices": ["1b_10b", "gt_10b"], "net-new-revenue-holds": "chosen",
    })
    net = Net.objects.get(survey=demo_survey, question_code="revenue")
    alice.post(findings_url("nets_update", net.pk), {
        f"net-{net.pk}-label": "Big companies", f"net-{net.pk}-code": net.code,
        f"net-{net.pk}-choices": ["gt_10b"], f"net-{net.pk}-holds": "chosen",
    })
    alice.post(findings_url("views_add"), {
        "view-new-label": "Business paradox", "view-new-code": "", "view-new-description": "",
        "view-new-row_variable": "personal_use.twitter", "view-new-column_variable": "company_usage.twitter",
        "view-new-segment": "role:business", "view-new-highlight_row": "never", "view-new-highlight_column_not": "none",
    })
    view = SavedView.objects.get(survey=demo_survey, label="Business paradox")
    alice.post(findings_url("views_delete", view.pk))
    assert [(c.action, c.summary) for c in SurveyChange.objects.order_by("pk")] == [
        ("net_added", "Added the NET “Big companies” (net_big_companies) of question revenue"),
        ("net_changed", "Changed the NET “Big companies” (net_big_companies) of question revenue: choices"),
        ("view_added", "Added the saved view “Business paradox” (business_paradox)"),
        ("view_deleted", "Deleted the saved view “Business paradox” (business_paradox)"),
    ]
    assert SurveyChange.objects.get(action="net_changed").details["fields"] == [
        {"name": "choices", "label": "Choices", "before": "1b_10b, gt_10b", "after": "gt_10b"},
    ]


# --- Definition files ---------------------------------------------------------------------------------


def test_an_uploaded_definition_file_is_recorded(alice, manager, demo_survey):
    upload = SimpleUploadedFile("ddiq.yaml", DEMO_FILE.read_bytes(), content_type="application/yaml")
    assert alice.post(url("yaml"), {"file": upload}).status_code == 302
    change = only_change()
    draft = demo_survey.draft_version()
    assert (change.user, change.action, change.version) == (manager, "yaml_uploaded", draft)
    assert change.summary == (
        "Replaced the draft, version 2, with the definition file “ddiq.yaml”: 3 pages, 9 questions, 4 findings, "
        "3 NETs, 1 saved view"
    )


def test_a_refused_upload_is_not_recorded(alice, demo_survey):
    upload = SimpleUploadedFile("bad.yaml", b"slug: ddiq-2010\ntitle: [", content_type="application/yaml")
    assert alice.post(url("yaml"), {"file": upload}).status_code == 400
    assert not SurveyChange.objects.exists()


def test_a_survey_created_from_a_file_is_recorded(alice, manager):
    upload = SimpleUploadedFile("pulse.yaml", DEMO_FILE.read_bytes(), content_type="application/yaml")
    response = alice.post(CREATE, {"title": "From a file", "slug": "from-file", "start": "upload",
                                   "definition_file": upload})
    assert response.status_code == 302
    change = only_change()
    assert (change.action, change.summary, shown(change.details)) == (
        "survey_created", "Created the survey from the definition file “pulse.yaml”",
        {"start": "file", "file": "pulse.yaml"},
    )
