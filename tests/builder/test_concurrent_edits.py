"""Two editors, one survey: each form posts back the stamp of what it showed, a second
save of the same object from a stale form is refused with the other's change shown (the
typed values kept), and saves of different objects both go through (builder.stamps)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from builder.condition_picker import form_data as picker_form_data
from builder.condition_picker import form_from_node
from builder.stamps import Snapshot, check_stamp, stamp_of
from surveys.conditions import parse
from surveys.history import change_record, target_of
from surveys.models import Finding, Net, Page, Question, SavedView, Survey, SurveyChange
from surveys.services import version_duplicate
from tests.kit.html_form import submitted_data
from tests.kit.outline import small_draft
from tests.kit.page_forms import form_data, form_html

pytestmark = pytest.mark.django_db

SETTINGS = reverse("builder:settings", args=["ddiq-2010"])


@pytest.fixture
def dave(demo_survey) -> User:
    user = User.objects.create_user("dave", password="pw-dave", is_staff=True, first_name="Dave", last_name="Lee")
    user.groups.add(Group.objects.get(name="Survey managers"))
    demo_survey.editors.add(user)
    return user


@pytest.fixture
def dave_client(dave) -> Client:
    client = Client()
    client.force_login(dave)
    return client


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def hhmm(change: SurveyChange) -> str:
    return f"{timezone.localtime(change.at):%H:%M}"


# --- The settings page ------------------------------------------------------------------------


def test_two_editors_one_section_the_second_save_is_refused_with_the_others_change_shown(
    alice, manager, dave_client, demo_survey
):
    alices_page, daves_page = alice.get(SETTINGS), dave_client.get(SETTINGS)
    assert alice.post(SETTINGS, form_data(alices_page, "#access", {"access-response_cap": "100"})).status_code == 302

    refused = dave_client.post(SETTINGS, form_data(daves_page, "#access", {"access-response_cap": "200"}))

    assert refused.status_code == 409
    alices = SurveyChange.objects.get()
    text = text_of(refused)
    assert (f"Nothing was saved. alice changed the access settings at {hhmm(alices)} "
            "(response cap: empty → “100”).") in text
    assert "Your changes are still in the form below." in text
    assert 'name="access-response_cap" value="200"' in refused.content.decode()  # what dave typed
    assert Survey.objects.get(pk=demo_survey.pk).response_cap == 100
    assert SurveyChange.objects.count() == 1

    # Saving again from the refused form is a choice made knowing alice's change.
    again = dave_client.post(SETTINGS, form_data(refused, "#access"))
    assert again.status_code == 302
    assert Survey.objects.get(pk=demo_survey.pk).response_cap == 200
    assert SurveyChange.objects.order_by("-pk").first().details["fields"] == [
        {"name": "response_cap", "label": "Response cap", "before": "100", "after": "200"},
    ]


def test_two_editors_different_sections_both_saves_go_through(alice, dave_client, demo_survey, viewer):
    alices_page, daves_page = alice.get(SETTINGS), dave_client.get(SETTINGS)
    assert alice.post(SETTINGS, form_data(alices_page, "#access", {"access-response_cap": "100"})).status_code == 302
    sharing = form_data(daves_page, "#sharing", {"sharing-viewers": [str(viewer.pk)]})
    assert dave_client.post(SETTINGS, sharing).status_code == 302
    demo_survey.refresh_from_db()
    assert demo_survey.response_cap == 100
    assert list(demo_survey.viewers.all()) == [viewer]


def test_a_stale_sharing_form_is_refused_with_the_names_the_other_added(alice, dave_client, demo_survey, viewer):
    alices_page, daves_page = alice.get(SETTINGS), dave_client.get(SETTINGS)
    alice.post(SETTINGS, form_data(alices_page, "#sharing", {"sharing-viewers": [str(viewer.pk)]}))
    group = Group.objects.get(name="Results viewers")
    refused = dave_client.post(SETTINGS, form_data(daves_page, "#sharing", {"sharing-viewer_groups": [str(group.pk)]}))
    assert refused.status_code == 409
    assert "alice changed the results sharing at" in text_of(refused)
    assert "(users: added bob)." in text_of(refused)
    assert list(demo_survey.viewers.all()) == [viewer]  # bob stays shared
    assert not demo_survey.viewer_groups.exists()


def test_the_same_editor_in_two_tabs_is_told_it_was_them(alice, demo_survey):
    first_tab, second_tab = alice.get(SETTINGS), alice.get(SETTINGS)
    alice.post(SETTINGS, form_data(first_tab, "#access", {"access-listed": "on"}))
    refused = alice.post(SETTINGS, form_data(second_tab, "#access", {"access-response_cap": "5"}))
    assert refused.status_code == 409
    assert "You changed the access settings in another tab or window at" in text_of(refused)
    assert "(list it on the public home page: “no” → “yes”)" in text_of(refused)


def test_a_change_made_in_the_admin_makes_the_form_stale(alice, dave, demo_survey):
    page = alice.get(SETTINGS)
    Survey.objects.filter(pk=demo_survey.pk).update(response_cap=50)
    change_record(survey=demo_survey, user=dave, action="admin_changed", target=target_of(demo_survey),
                  summary="Changed the survey in the administration: Changed Response cap.")
    refused = alice.post(SETTINGS, form_data(page, "#access", {"access-response_cap": "75"}))
    assert refused.status_code == 409
    assert (f"Dave Lee changed the access settings at {hhmm(SurveyChange.objects.get())}: Changed the survey in "
            "the administration: Changed Response cap.") in text_of(refused)


def test_a_change_without_a_record_still_makes_the_form_stale(alice, demo_survey):
    page = alice.get(SETTINGS)
    Survey.objects.filter(pk=demo_survey.pk).update(response_cap=50)
    refused = alice.post(SETTINGS, form_data(page, "#access", {"access-response_cap": "75"}))
    assert refused.status_code == 409
    assert "Someone else changed the access settings since you opened it." in text_of(refused)
    assert Survey.objects.get(pk=demo_survey.pk).response_cap == 50


def test_a_stale_and_invalid_form_shows_both(alice, dave_client, demo_survey):
    alices_page, daves_page = alice.get(SETTINGS), dave_client.get(SETTINGS)
    alice.post(SETTINGS, form_data(alices_page, "#access", {"access-response_cap": "100"}))
    refused = dave_client.post(SETTINGS, form_data(daves_page, "#access", {"access-response_cap": "0"}))
    assert refused.status_code == 409
    assert "alice changed the access settings" in text_of(refused)
    assert "A cap is at least 1" in text_of(refused)


def test_a_post_without_a_stamp_is_not_checked(alice, demo_survey):
    page = alice.get(SETTINGS)
    data = form_data(page, "#access", {"access-response_cap": "10"})
    del data["stamp"]
    Survey.objects.filter(pk=demo_survey.pk).update(listed=True)
    assert alice.post(SETTINGS, data).status_code == 302
    assert Survey.objects.get(pk=demo_survey.pk).response_cap == 10


def test_archiving_meanwhile_does_not_make_a_section_stale(alice, dave_client, demo_survey):
    page = alice.get(SETTINGS)
    dave_client.post(reverse("builder:settings_archive", args=["ddiq-2010"]))
    assert alice.post(SETTINGS, form_data(page, "#access", {"access-response_cap": "10"})).status_code == 302


# --- Stamps ------------------------------------------------------------------------------------


@pytest.fixture
def question(demo_survey) -> Question:
    draft = version_duplicate(version=demo_survey.open_version())
    return Question.objects.get(version=draft, code="role")


def test_a_rows_stamp_changes_when_it_is_saved(question):
    stamp = stamp_of(question)
    assert check_stamp(question, stamp) is None
    question.label = "Your role?"
    question.save()
    assert stamp_of(question) != stamp
    stale = check_stamp(question, stamp)
    assert stale is not None and stale.change is None
    assert stale.describe("this question") == "Someone else changed this question since you opened it."


def test_a_stale_row_is_shown_the_latest_change_since_its_form(question, manager, dave):
    stamp = stamp_of(question)
    older = change_record(survey=question.version.survey, user=manager, action="question_changed",
                          summary="Changed the question", target=target_of(question))
    SurveyChange.objects.filter(pk=older.pk).update(at=timezone.now() - timedelta(hours=1))
    question.label = "Your role?"
    question.save()
    change_record(survey=question.version.survey, user=dave, action="question_changed", summary="Changed it",
                  target=target_of(question), details={"fields": [
                      {"name": "label", "label": "Label", "before": "Which best describes your role?",
                       "after": "Your role?"}]})
    change_record(survey=question.version.survey, user=manager, action="question_changed", summary="Another's",
                  target="question:0")
    stale = check_stamp(question, stamp)
    assert stale.change.user == dave
    assert stale.describe("this question", viewer=dave).startswith("You changed this question in another tab")
    assert stale.describe("this question", viewer=None).endswith(
        "(label: “Which best describes your role?” → “Your role?”)."
    )


def test_a_change_of_its_version_in_the_admin_is_shown_to_a_stale_row(question, manager):
    stamp = stamp_of(question)
    question.label = "Your role?"
    question.save()
    change_record(survey=question.version.survey, user=manager, action="admin_changed", version=question.version,
                  target=target_of(question.version), summary="Changed version 2 in the administration")
    assert check_stamp(question, stamp).change.summary == "Changed version 2 in the administration"


def test_a_snapshot_is_stamped_by_its_values():
    one = Snapshot(targets=("survey:1:access",), values={"cap": 1, "listed": False})
    same = Snapshot(targets=("survey:1:access",), values={"listed": False, "cap": 1})
    other = Snapshot(targets=("survey:1:access",), values={"cap": 2, "listed": False})
    stamp = stamp_of(one)
    assert check_stamp(same, stamp) is None
    assert check_stamp(other, stamp) is not None


def test_a_change_on_another_day_says_the_day(question, manager):
    stamp = stamp_of(question)
    question.save()
    change = change_record(survey=question.version.survey, user=manager, action="question_changed",
                           summary="Changed the question", target=target_of(question))
    yesterday = timezone.now() - timedelta(days=1, hours=1)
    SurveyChange.objects.filter(pk=change.pk).update(at=yesterday)
    stale = check_stamp(question, stamp.partition("@")[0] + "@" + (yesterday - timedelta(hours=1)).isoformat())
    local = timezone.localtime(yesterday)
    assert stale.describe("this question") == (
        f"alice changed this question on {local.day} {local:%B} at {local:%H:%M}: Changed the question."
    )


def test_a_garbled_stamp_is_stale_not_an_error(question):
    assert check_stamp(question, "garbage") is not None
    assert check_stamp(question, "") is not None


# --- A display condition (the condition picker's page) --------------------------------------------


@pytest.fixture
def barriers(question) -> Question:
    """A question of the draft asked after the role question (which conditions can use)."""
    return Question.objects.get(version=question.version, code="barriers")


def _condition_url(question: Question) -> str:
    return reverse("builder:condition_question", args=["ddiq-2010", question.pk])


def _with_condition(page, text: str, question: Question) -> dict[str, list[str]]:
    """The condition page's form as shown, with the picker set to `text`."""
    data = form_data(page, _condition_url(question))
    picked = picker_form_data(form_from_node(parse(text)), "condition")
    return {**picked, "stamp": data["stamp"], "condition-place": [f"question:{question.pk}"]}


def test_two_editors_one_condition_the_second_save_is_refused(alice, dave_client, barriers):
    alices_page, daves_page = alice.get(_condition_url(barriers)), dave_client.get(_condition_url(barriers))
    assert alice.post(_condition_url(barriers), _with_condition(alices_page, "role = it", barriers)).status_code == 302

    refused = dave_client.post(_condition_url(barriers), _with_condition(daves_page, "role = business", barriers))

    assert refused.status_code == 409
    text = text_of(refused)
    assert "Nothing was saved. alice changed this question at" in text
    assert "(display condition: empty → “role = it”)." in text
    assert "the one stored now is role = it" in text
    barriers.refresh_from_db()
    assert barriers.condition == "role = it"
    assert SurveyChange.objects.count() == 1
    again = dave_client.post(_condition_url(barriers), form_data(refused, _condition_url(barriers)))
    assert again.status_code == 302
    barriers.refresh_from_db()
    assert barriers.condition == "role = business"


def test_a_picker_button_keeps_the_stamp_of_the_form_first_shown(alice, dave_client, barriers):
    daves_page = dave_client.get(_condition_url(barriers))
    first = _with_condition(daves_page, "role = business", barriers)
    alice.post(_condition_url(barriers), _with_condition(alice.get(_condition_url(barriers)), "role = it", barriers))
    # Dave adds a row to his picker (no save): the form comes back with his old stamp.
    rerendered = dave_client.post(_condition_url(barriers), {**first, "condition-action": ["add:1"]})
    assert rerendered.status_code == 200
    assert form_data(rerendered, _condition_url(barriers))["stamp"] == first["stamp"]
    assert dave_client.post(_condition_url(barriers), first).status_code == 409


def test_two_editors_different_questions_both_conditions_are_saved(alice, dave_client, barriers):
    other = Question.objects.get(version=barriers.version, code="comments")
    alices_page, daves_page = alice.get(_condition_url(barriers)), dave_client.get(_condition_url(other))
    assert alice.post(_condition_url(barriers), _with_condition(alices_page, "role = it", barriers)).status_code == 302
    assert dave_client.post(_condition_url(other), _with_condition(daves_page, "role = it", other)).status_code == 302
    assert Question.objects.get(pk=other.pk).condition == "role = it"


# --- The outline: questions and pages ---------------------------------------------------------------


@pytest.fixture
def small(manager, dave) -> Survey:
    version = small_draft(editors=[manager, dave])
    return version.survey


def outline_url(name: str, *args) -> str:
    return reverse(f"builder:{name}", args=["small", *args])


def question_page(client, question: Question):
    return client.get(outline_url("outline") + f"?edit={question.pk}")


def question_data(page, question: Question, changes: dict) -> dict[str, list[str]]:
    return form_data(page, outline_url("question_edit", question.pk), changes)


def test_two_editors_one_draft_the_second_save_of_a_question_is_refused_with_the_others_change_shown(
    alice, dave_client, small
):
    role = Question.objects.get(version__survey=small, code="role")
    alices_page, daves_page = question_page(alice, role), question_page(dave_client, role)
    assert alice.post(outline_url("question_edit", role.pk),
                      question_data(alices_page, role, {"label": "Your job?"})).status_code == 302

    refused = dave_client.post(outline_url("question_edit", role.pk),
                               question_data(daves_page, role, {"label": "Your position?", "help_text": "Pick one."}))

    assert refused.status_code == 409
    change = SurveyChange.objects.get()
    text = text_of(refused)
    assert (f"Nothing was saved. alice changed this question at {hhmm(change)} (question: “Your role?” → "
            "“Your job?”). Your changes are still in the form below") in text
    html = refused.content.decode()
    assert "Your position?</textarea>" in html and "Pick one.</textarea>" in html  # what dave typed
    assert Question.objects.get(pk=role.pk).label == "Your job?"
    # Dave has seen alice's change: saving the refused form again is his choice.
    again = dave_client.post(outline_url("question_edit", role.pk), question_data(refused, role, {}))
    assert again.status_code == 302
    assert Question.objects.get(pk=role.pk).label == "Your position?"


def test_two_editors_different_questions_both_saves_go_through(alice, dave_client, small):
    role = Question.objects.get(version__survey=small, code="role")
    pets = Question.objects.get(version__survey=small, code="pets")
    alices_page, daves_page = question_page(alice, role), question_page(dave_client, pets)
    assert alice.post(outline_url("question_edit", role.pk),
                      question_data(alices_page, role, {"label": "Your job?"})).status_code == 302
    assert dave_client.post(outline_url("question_edit", pets.pk),
                            question_data(daves_page, pets, {"label": "Animals?"})).status_code == 302
    assert Question.objects.get(pk=role.pk).label == "Your job?"
    assert Question.objects.get(pk=pets.pk).label == "Animals?"


def test_a_move_by_another_editor_does_not_make_a_question_form_stale(alice, dave_client, small):
    pets = Question.objects.get(version__survey=small, code="pets")
    page = question_page(alice, pets)
    dave_client.post(outline_url("question_move", pets.pk), {"position": "0"})
    assert alice.post(outline_url("question_edit", pets.pk),
                      question_data(page, pets, {"label": "Animals?"})).status_code == 302


def test_editing_the_lists_keeps_the_stamp_of_the_form_first_shown(alice, dave_client, small):
    role = Question.objects.get(version__survey=small, code="role")
    daves_page = question_page(dave_client, role)
    first = question_data(daves_page, role, {})
    alice.post(outline_url("question_edit", role.pk),
               question_data(question_page(alice, role), role, {"label": "Your job?"}))
    # Dave adds a choice to his list (no save): the form comes back with his old stamp.
    with_choice = dave_client.post(outline_url("question_edit", role.pk), {**first, "op": ["choices-add"]})
    assert with_choice.status_code == 200
    data = question_data(with_choice, role, {})
    assert data["stamp"] == first["stamp"]
    assert dave_client.post(outline_url("question_edit", role.pk), data).status_code == 409


def test_a_stale_question_with_htmx_is_answered_in_place(alice, dave_client, small):
    role = Question.objects.get(version__survey=small, code="role")
    daves_page = question_page(dave_client, role)
    alice.post(outline_url("question_edit", role.pk),
               question_data(question_page(alice, role), role, {"label": "Your job?"}))
    refused = dave_client.post(outline_url("question_edit", role.pk),
                               question_data(daves_page, role, {"label": "Yours?"}), HTTP_HX_REQUEST="true")
    assert refused.status_code == 200  # htmx swaps in only successful answers
    assert "<html" not in refused.content.decode()
    assert "alice changed this question at" in text_of(refused)


def test_two_editors_one_page_the_second_save_is_refused(alice, dave_client, small):
    page = small.versions.get().pages.order_by("position")[1]
    action = outline_url("page_update", page.pk)
    alices_page = alice.get(outline_url("outline") + f"?page={page.pk}")
    daves_page = dave_client.get(outline_url("outline") + f"?page={page.pk}")
    assert alice.post(action, form_data(alices_page, action, {"title": "Last things"})).status_code == 302
    refused = dave_client.post(action, form_data(daves_page, action, {"title": "The end"}))
    assert refused.status_code == 409
    assert "alice changed this page at" in text_of(refused)
    assert "(title: “More” → “Last things”)" in text_of(refused)
    assert 'value="The end"' in refused.content.decode()
    assert Page.objects.get(pk=page.pk).title == "Last things"


def test_two_editors_different_pages_both_saves_go_through(alice, dave_client, small):
    first, second = small.versions.get().pages.order_by("position")
    one, two = outline_url("page_update", first.pk), outline_url("page_update", second.pk)
    alices_page = alice.get(outline_url("outline") + f"?page={first.pk}")
    daves_page = dave_client.get(outline_url("outline") + f"?page={second.pk}")
    assert alice.post(one, form_data(alices_page, one, {"title": "You"})).status_code == 302
    assert dave_client.post(two, form_data(daves_page, two, {"title": "Rest"})).status_code == 302
    assert [p.title for p in small.versions.get().pages.order_by("position")] == ["You", "Rest"]


# --- The findings page -----------------------------------------------------------------------------


def finding_form(client, finding: Finding, changes: dict):
    page = client.get(reverse("builder:findings", args=["ddiq-2010"]) + f"?finding={finding.pk}")
    return form_data(page, f"#finding-{finding.pk}", {f"finding-{finding.pk}-{k}": v for k, v in changes.items()})


def test_two_editors_one_finding_the_second_save_is_refused(alice, dave_client, demo_survey):
    finding = Finding.objects.get(survey=demo_survey, code="it_never_twitter")
    action = reverse("builder:findings_update", args=["ddiq-2010", finding.pk])
    alices, daves = finding_form(alice, finding, {"statement": "A"}), finding_form(dave_client, finding,
                                                                                   {"statement": "B"})
    assert alice.post(action, alices).status_code == 302
    refused = dave_client.post(action, daves)
    assert refused.status_code == 409
    assert "alice changed this finding at" in text_of(refused)
    assert "(statement: “IT leaders who never use Twitter professionally” → “A”)" in text_of(refused)
    assert "please correct the problems" not in text_of(refused)  # nothing to correct: it was a colleague
    assert Finding.objects.get(pk=finding.pk).statement == "A"
    again = dave_client.post(action, form_data(refused, f"#finding-{finding.pk}"))
    assert again.status_code == 302
    assert Finding.objects.get(pk=finding.pk).statement == "B"


def test_two_editors_different_findings_both_saves_go_through(alice, dave_client, demo_survey):
    one, two = Finding.objects.filter(survey=demo_survey).order_by("position")[:2]
    alices, daves = finding_form(alice, one, {"statement": "A"}), finding_form(dave_client, two, {"statement": "B"})
    assert alice.post(reverse("builder:findings_update", args=["ddiq-2010", one.pk]), alices).status_code == 302
    assert dave_client.post(reverse("builder:findings_update", args=["ddiq-2010", two.pk]), daves).status_code == 302
    assert [f.statement for f in Finding.objects.filter(pk__in=[one.pk, two.pk]).order_by("position")] == ["A", "B"]


def test_a_finding_s_picker_button_keeps_the_stamp_of_the_form_first_shown(alice, dave_client, demo_survey):
    finding = Finding.objects.get(survey=demo_survey, code="it_never_twitter")
    action = reverse("builder:findings_update", args=["ddiq-2010", finding.pk])
    daves = finding_form(dave_client, finding, {"statement": "B"})
    assert alice.post(action, finding_form(alice, finding, {"statement": "A"})).status_code == 302
    # Dave adds a row to his base picker without JavaScript: the form comes back, his old stamp in it.
    again = dave_client.post(action, {**daves, f"finding-{finding.pk}-base-action": ["add:1"]})
    assert again.status_code == 200
    shown = form_data(again, f"#finding-{finding.pk}")
    assert shown["stamp"] == daves["stamp"]
    assert dave_client.post(action, daves).status_code == 409


# --- NETs and saved views (stamped by their values: their rows have no `updated_at`) ----------


def item_form(client, kind: str, item, changes: dict):
    """The form of a stored NET or view as the findings page opens it (`?net=<pk>`)."""
    page = client.get(reverse("builder:findings", args=["ddiq-2010"]) + f"?{kind}={item.pk}")
    return form_data(page, f"#{kind}-{item.pk}", {f"{kind}-{item.pk}-{k}": v for k, v in changes.items()})


def test_two_editors_one_net_the_second_save_is_refused(alice, dave_client, demo_survey):
    net = Net.objects.get(survey=demo_survey, question_code="personal_use", code="net_weekly")
    action = reverse("builder:nets_update", args=["ddiq-2010", net.pk])
    alices, daves = item_form(alice, "net", net, {"label": "Weekly+"}), item_form(dave_client, "net", net,
                                                                                 {"label": "At least weekly"})
    assert alice.post(action, alices).status_code == 302

    refused = dave_client.post(action, daves)

    assert refused.status_code == 409
    text = text_of(refused)
    assert f"Nothing was saved. alice changed this NET at {hhmm(SurveyChange.objects.get())}" in text
    assert "(label: “Weekly or more” → “Weekly+”)" in text
    assert "Your changes are still in the form below" in text
    assert "please correct the problems" not in text  # nothing to correct: it was a colleague
    assert f'name="net-{net.pk}-label" value="At least weekly"' in refused.content.decode()  # what dave typed
    assert Net.objects.get(pk=net.pk).label == "Weekly+"
    assert SurveyChange.objects.count() == 1
    again = dave_client.post(action, form_data(refused, f"#net-{net.pk}"))
    assert again.status_code == 302
    assert Net.objects.get(pk=net.pk).label == "At least weekly"


def test_two_editors_different_nets_both_saves_go_through(alice, dave_client, demo_survey):
    one, two = Net.objects.filter(survey=demo_survey, question_code="personal_use").order_by("position")[:2]
    alices, daves = item_form(alice, "net", one, {"label": "A"}), item_form(dave_client, "net", two, {"label": "B"})
    assert alice.post(reverse("builder:nets_update", args=["ddiq-2010", one.pk]), alices).status_code == 302
    assert dave_client.post(reverse("builder:nets_update", args=["ddiq-2010", two.pk]), daves).status_code == 302
    assert [n.label for n in Net.objects.filter(pk__in=[one.pk, two.pk]).order_by("position")] == ["A", "B"]


def test_a_move_by_another_editor_does_not_make_a_net_form_stale(alice, dave_client, demo_survey):
    net = Net.objects.filter(survey=demo_survey, question_code="personal_use").order_by("position").last()
    daves = item_form(dave_client, "net", net, {"label": "B"})
    alice.post(reverse("builder:nets_move", args=["ddiq-2010", net.pk]), {"direction": "up"})
    assert dave_client.post(reverse("builder:nets_update", args=["ddiq-2010", net.pk]), daves).status_code == 302


def test_a_net_changed_without_a_record_still_makes_the_form_stale(alice, demo_survey):
    net = Net.objects.filter(survey=demo_survey).first()
    form = item_form(alice, "net", net, {"label": "Mine"})
    Net.objects.filter(pk=net.pk).update(choices=["daily"])
    refused = alice.post(reverse("builder:nets_update", args=["ddiq-2010", net.pk]), form)
    assert refused.status_code == 409
    assert "Someone else changed this NET since you opened it." in text_of(refused)
    assert Net.objects.get(pk=net.pk).label == net.label


def test_two_editors_one_view_the_second_save_is_refused(alice, dave_client, demo_survey):
    view = SavedView.objects.filter(survey=demo_survey).first()
    action = reverse("builder:views_update", args=["ddiq-2010", view.pk])
    alices = item_form(alice, "view", view, {"description": "Alice wrote this"})
    daves = item_form(dave_client, "view", view, {"label": "Dave named it"})
    assert alice.post(action, alices).status_code == 302

    refused = dave_client.post(action, daves)

    assert refused.status_code == 409
    text = text_of(refused)
    assert "Nothing was saved. alice changed this saved view at" in text
    assert "→ “Alice wrote this”)" in text
    assert f'name="view-{view.pk}-label" value="Dave named it"' in refused.content.decode()
    assert SavedView.objects.get(pk=view.pk).description == "Alice wrote this"
    again = dave_client.post(action, form_data(refused, f"#view-{view.pk}"))
    assert again.status_code == 302
    assert SavedView.objects.get(pk=view.pk).label == "Dave named it"


def test_showing_a_view_s_choices_keeps_the_stamp_of_the_form_first_shown(alice, dave_client, demo_survey):
    view = SavedView.objects.filter(survey=demo_survey).first()
    action = reverse("builder:views_update", args=["ddiq-2010", view.pk])
    daves = item_form(dave_client, "view", view, {"label": "Dave named it"})
    alice.post(action, item_form(alice, "view", view, {"label": "Alice named it"}))
    # Dave asks for the highlighted cell's choices without JavaScript: no save, his old stamp kept.
    shown = dave_client.post(action, {**daves, "action": ["choices"]})
    assert shown.status_code == 200
    assert form_data(shown, f"#view-{view.pk}")["stamp"] == daves["stamp"]
    assert dave_client.post(action, form_data(shown, f"#view-{view.pk}")).status_code == 409


# --- The intro and thank-you texts of a version (stamped by their words) ------------------------


def text_form(page, name: str, text: str) -> dict[str, list[str]]:
    """The outline's small form of one text (both post to the same address)."""
    html = page.content.decode().split(f'id="texts-{name}"')[1]
    data = dict(submitted_data(form_html(html, "/texts/")).lists())
    return {**data, name: [text]}


def test_two_editors_one_text_the_second_save_is_refused(alice, dave_client, small):
    alices_page, daves_page = alice.get(outline_url("outline")), dave_client.get(outline_url("outline"))
    assert alice.post(outline_url("texts_update"), text_form(alices_page, "intro", "Welcome!")).status_code == 302

    refused = dave_client.post(outline_url("texts_update"), text_form(daves_page, "intro", "Hello there."))

    assert refused.status_code == 409
    text = text_of(refused)
    assert (f"Nothing was saved. alice changed the introduction at {hhmm(SurveyChange.objects.get())} "
            "(introduction: empty → “Welcome!”). Your text is still in the box") in text
    assert "Hello there.</textarea>" in refused.content.decode()  # what dave typed
    assert small.versions.get().intro == "Welcome!"
    again = dave_client.post(outline_url("texts_update"), text_form(refused, "intro", "Hello there."))
    assert again.status_code == 302
    assert small.versions.get().intro == "Hello there."


def test_a_stale_text_with_htmx_is_answered_in_place(alice, dave_client, small):
    daves_page = dave_client.get(outline_url("outline"))
    alice.post(outline_url("texts_update"), text_form(alice.get(outline_url("outline")), "thank_you", "Thanks!"))
    refused = dave_client.post(outline_url("texts_update"), text_form(daves_page, "thank_you", "Ta."),
                               HTTP_HX_REQUEST="true")
    assert refused.status_code == 200  # htmx swaps in only successful answers
    assert "<html" not in refused.content.decode()
    assert "alice changed the thank-you text at" in text_of(refused)
    assert small.versions.get().thank_you == "Thanks!"


def test_two_editors_the_two_texts_and_a_question_all_saves_go_through(alice, dave_client, small):
    role = Question.objects.get(version__survey=small, code="role")
    alices_page, daves_page = alice.get(outline_url("outline")), dave_client.get(outline_url("outline"))
    assert alice.post(outline_url("texts_update"), text_form(alices_page, "intro", "Welcome!")).status_code == 302
    assert alice.post(outline_url("question_edit", role.pk),
                      question_data(question_page(alice, role), role, {"label": "Your job?"})).status_code == 302
    assert dave_client.post(outline_url("texts_update"),
                            text_form(daves_page, "thank_you", "Thanks!")).status_code == 302
    version = small.versions.get()
    assert (version.intro, version.thank_you) == ("Welcome!", "Thanks!")
