"""Undo from the history (builder.undo): a change is undone by putting back what was there
before it, recorded as "Undid: …", which undoes in turn (a redo); refused, with nothing
written and the newer change named, when the object changed since, when the version is
published, when the object is gone, when it is undone already, or for a read-only user;
a double post undoes once, and two concurrent undos of one change: one wins."""

from __future__ import annotations

import html
import re
import threading

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.urls import reverse

from builder.undo import UndoRefused, change_undo
from surveys.history import change_record
from surveys.models import Choice, Finding, Net, Page, Question, SavedView, Survey, SurveyChange, SurveyVersion
from tests.kit.outline import HISTORY_PAGE_QUERIES, layout, small_draft
from tests.kit.page_forms import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(manager) -> SurveyVersion:
    return small_draft(editors=[manager])


def url(name: str, *args, slug: str = "small") -> str:
    return reverse(f"builder:{name}", args=[slug, *args])


def history(slug: str = "small") -> str:
    return reverse("builder:history", args=[slug])


def question(version: SurveyVersion, code: str) -> Question:
    return Question.objects.get(version=version, code=code)


def latest(action: str | None = None) -> SurveyChange:
    changes = SurveyChange.objects.order_by("-pk")
    return (changes.filter(action=action) if action else changes).first()


def undo(client, change: SurveyChange, slug: str = "small", **data):
    return client.post(reverse("builder:history_undo", args=[slug, change.pk]), data)


def message_of(client, response) -> str:
    """The messages the history shows after the redirect, as text."""
    page = client.get(response["Location"])
    found = re.findall(r'class="alert[^"]*"[^>]*>(.*?)</div>', page.content.decode(), re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", " ".join(found))).strip())


def edit_question(client, q: Question, changes: dict) -> None:
    page = client.get(url("outline") + f"?edit={q.pk}")
    assert client.post(url("question_edit", q.pk), form_data(page, url("question_edit", q.pk), changes)).status_code \
        == 302


def choices_of(q: Question) -> list[tuple[str, str]]:
    return list(Choice.objects.filter(question=q).order_by("position").values_list("code", "label"))


# --- Questions ------------------------------------------------------------------------------


def test_it_undoes_a_question_edit_and_redoes_it(alice, small):
    role = question(small, "role")
    edit_question(alice, role, {"label": "Your job?", "help_text": "Pick one", "choices-1-label": "Business people"})
    edited = latest("question_changed")
    response = undo(alice, edited)
    assert response.status_code == 302 and response["Location"].startswith(history())
    role.refresh_from_db()
    assert (role.label, role.help_text, choices_of(role)) == ("Your role?", "", [("it", "IT"), ("biz", "Business")])
    undone = latest()
    assert (undone.action, undone.summary, undone.details["undoes"]) == (
        "question_changed", "Undid: Changed question “Your job?” (role) on page 1 “About you”: question, help text, "
        "choices", edited.pk)
    assert SurveyChange.objects.get(pk=edited.pk).details["undone_by"] == undone.pk
    assert undo(alice, undone).status_code == 302
    role.refresh_from_db()
    assert (role.label, role.help_text, choices_of(role)) == (
        "Your job?", "Pick one", [("it", "IT"), ("biz", "Business people")])
    assert latest().summary.startswith("Redid: Changed question “Your job?”")


def test_undoing_an_edit_keeps_the_choices_rows_in_place(alice, small):
    role = question(small, "role")
    ids = list(Choice.objects.filter(question=role).order_by("position").values_list("pk", flat=True))
    edit_question(alice, role, {"choices-0-label": "Tech"})
    undo(alice, latest("question_changed"))
    assert list(Choice.objects.filter(question=role).order_by("position").values_list("pk", flat=True)) == ids


def test_undoing_an_edit_puts_back_a_removed_choice_and_the_required_flag(alice, small):
    pets = question(small, "pets")
    data_page = alice.get(url("outline") + f"?edit={pets.pk}")
    data = form_data(data_page, url("question_edit", pets.pk), {"required": "on"})
    # The form's list: drop the dog (the second entry) by posting the others only.
    for name in [n for n in data if n.startswith("choices-1-")]:
        del data[name]
    alice.post(url("question_edit", pets.pk), data)
    assert choices_of(pets) == [("cat", "Cat"), ("no_pets", "None")]
    assert Question.objects.get(pk=pets.pk).required
    undo(alice, latest("question_changed"))
    assert choices_of(pets) == [("cat", "Cat"), ("dog", "Dog"), ("no_pets", "None")]
    assert Choice.objects.get(question=pets, code="no_pets").exclusive
    assert not Question.objects.get(pk=pets.pk).required


def test_it_undoes_adding_a_question_and_redoes_it(alice, small):
    page = small.pages.order_by("position")[1]
    alice.post(url("question_add", page.pk), {"type": "short_text"})
    added = latest("question_added")
    undo(alice, added)
    assert layout(small) == [["role", "tools", "pets"], ["age", "note"]]
    assert latest().action == "question_deleted" and latest().summary.startswith("Undid: Added a question")
    undo(alice, latest())
    assert layout(small) == [["role", "tools", "pets"], ["age", "note", "question"]]


def test_it_undoes_deleting_a_question(alice, small):
    alice.post(url("question_delete", question(small, "tools").pk))
    undo(alice, latest("question_deleted"))
    assert layout(small) == [["role", "tools", "pets"], ["age", "note"]]
    tools = question(small, "tools")
    assert Question.objects.filter(pk=tools.pk).get().rows.count() == 2
    assert latest().action == "question_restored"


def test_a_delete_put_back_by_the_outlines_undo_is_undone_in_the_history(alice, small):
    response = alice.post(url("question_delete", question(small, "tools").pk))
    token = re.search(r"deleted=([0-9a-f]+)", response["Location"])[1]
    alice.post(url("deleted_restore"), {"token": token})
    deleted, restored = latest("question_deleted"), latest("question_restored")
    assert (deleted.details["undone_by"], restored.details["undoes"]) == (restored.pk, deleted.pk)
    page = alice.get(history()).content.decode()
    assert page.count(">Undo<span") == 1  # the restore only (undone by deleting it again)
    first = small.pages.order_by("position").first()
    response = alice.post(url("page_delete", first.pk))
    token = re.search(r"deleted=([0-9a-f]+)", response["Location"])[1]
    alice.post(url("deleted_restore"), {"token": token})
    assert latest("page_deleted").details["undone_by"] == latest("page_restored").pk


def test_it_undoes_moving_a_question(alice, small):
    pets, second = question(small, "pets"), small.pages.order_by("position")[1]
    alice.post(url("question_move", pets.pk), {"page": second.pk, "position": "0"})
    assert layout(small) == [["role", "tools"], ["pets", "age", "note"]]
    undo(alice, latest("question_moved"))
    assert layout(small) == [["role", "tools", "pets"], ["age", "note"]]
    assert latest().details["fields"] == [
        {"name": "page", "label": "Page", "before": "2", "after": "1"},
        {"name": "position", "label": "Place on the page", "before": "1", "after": "3"},
    ]
    undo(alice, latest())  # redo
    assert layout(small) == [["role", "tools"], ["pets", "age", "note"]]


def test_it_undoes_a_condition_set_with_the_picker(alice, small):
    age = question(small, "age")
    change_record(survey=small.survey, user=None, action="condition_set", summary="Set", version=small,
                  target=f"question:{age.pk}",
                  details={"fields": [{"name": "condition", "label": "Display condition", "before": "",
                                       "after": "role = it"}]})
    undo(alice, latest())
    age.refresh_from_db()
    assert age.condition == ""


# --- Pages and texts -------------------------------------------------------------------------


def test_it_undoes_page_actions(alice, small):
    first, second = small.pages.order_by("position")
    alice.post(url("page_update", second.pk), {"title": "Last things", "condition": "role = it"})
    undo(alice, latest("page_changed"))
    second.refresh_from_db()
    assert (second.title, second.condition) == ("More", "")
    alice.post(url("page_move", second.pk), {"position": "0"})
    undo(alice, latest("page_moved"))
    assert list(small.pages.order_by("position").values_list("pk", flat=True)) == [first.pk, second.pk]
    alice.post(url("page_add"))
    undo(alice, latest("page_added"))
    assert small.pages.count() == 2
    alice.post(url("page_delete", first.pk))
    undo(alice, latest("page_deleted"))
    assert layout(small) == [["role", "tools", "pets"], ["age", "note"]]


def test_a_page_with_questions_added_since_is_not_deleted_by_undoing_its_add(alice, small):
    alice.post(url("page_add"))
    added = latest("page_added")
    page = Page.objects.get(pk=int(added.target.split(":")[1]))
    alice.post(url("question_add", page.pk), {"type": "single"})
    response = undo(alice, added)
    assert "has been changed since" in message_of(alice, response)
    assert Page.objects.filter(pk=page.pk).exists()


def test_it_undoes_a_text_on_a_published_version_too(alice, manager):
    published = small_draft(editors=[manager], status="open")
    alice.post(url("texts_update"), {"thank_you": "Thanks!"})
    undo(alice, latest("texts_changed"))
    published.refresh_from_db()
    assert published.thank_you == ""


def test_a_text_changed_since_in_the_builder_is_refused_naming_that_change(alice, small):
    alice.post(url("texts_update"), {"thank_you": "Thanks!"})
    first = latest("texts_changed")
    alice.post(url("texts_update"), {"thank_you": "Many thanks!"})
    newer = latest("texts_changed")
    response = undo(alice, first)
    message = message_of(alice, response)
    assert "has been changed since" in message and newer.summary in message
    assert "outside the builder" not in message
    small.refresh_from_db()
    assert small.thank_you == "Many thanks!"


def test_the_undo_of_a_text_is_recorded_under_the_text(alice, small):
    alice.post(url("texts_update"), {"thank_you": "Thanks!"})
    edited = latest("texts_changed")
    undo(alice, edited)
    assert latest().target == edited.target


# --- Settings ---------------------------------------------------------------------------------


def test_it_undoes_the_access_settings(alice, small):
    settings = url("settings")
    data = form_data(alice.get(settings), "#access", {"access-access": "both", "access-response_cap": "250",
                                                        "access-opens_at": "2030-01-02T09:30"})
    assert alice.post(settings, data).status_code == 302
    undo(alice, latest("access_changed"))
    survey = Survey.objects.get(slug="small")
    assert (survey.access, survey.response_cap, survey.opens_at) == ("public", None, None)
    undo(alice, latest())  # redo
    survey.refresh_from_db()
    assert (survey.access, survey.response_cap, survey.opens_at.year) == ("both", 250, 2030)


def test_it_undoes_the_results_sharing(alice, small, viewer):
    settings = url("settings")
    data = form_data(alice.get(settings), "#sharing", {"sharing-viewers": [str(viewer.pk)]})
    assert alice.post(settings, data).status_code == 302
    undo(alice, latest("sharing_changed"))
    assert not small.survey.viewers.exists()


def test_undoing_editors_that_would_lock_the_user_out_is_refused(alice, manager, small):
    dave = User.objects.create_user("dave", is_staff=True)
    dave.groups.add(Group.objects.get(name="Survey managers"))
    survey = small.survey
    change_record(survey=survey, user=manager, action="editors_changed", summary="Changed who may edit",
                  target=f"survey:{survey.pk}:editors",
                  details={"fields": [], "undo": {"before": {"editors": ["dave"], "editor_groups": []},
                                                  "after": {"editors": ["alice"], "editor_groups": []}}})
    response = undo(alice, latest())
    assert "no longer be an editor" in message_of(alice, response)
    assert list(survey.editors.values_list("username", flat=True)) == ["alice"]


# --- Findings, NETs and saved views --------------------------------------------------------------


def findings_url(name: str, *args) -> str:
    return reverse(f"builder:{name}", args=["ddiq-2010", *args])


def test_it_undoes_a_finding_edit_and_delete(alice, demo_survey):
    finding = Finding.objects.get(survey=demo_survey, position=1)
    page = alice.get(findings_url("findings") + f"?finding={finding.pk}")
    prefix = f"finding-{finding.pk}"
    base = finding.base_condition
    data = form_data(page, f"#{prefix}", {f"{prefix}-statement": "Changed", f"{prefix}-base-mode": "text",
                                          f"{prefix}-base-text": base})
    assert alice.post(findings_url("findings_update", finding.pk), data).status_code == 302
    undo(alice, latest("finding_changed"), slug="ddiq-2010")
    finding.refresh_from_db()
    assert finding.statement != "Changed"
    statement, code = finding.statement, finding.code
    alice.post(findings_url("findings_delete", finding.pk))
    undo(alice, latest("finding_deleted"), slug="ddiq-2010")
    back = Finding.objects.get(survey=demo_survey, code=code)
    assert (back.statement, back.position) == (statement, 1)


def test_a_finding_changed_since_is_refused(alice, demo_survey):
    finding = Finding.objects.get(survey=demo_survey, position=0)
    alice.post(findings_url("findings_move", finding.pk), {"direction": "down"})
    moved = latest("finding_moved")
    change_record(survey=demo_survey, user=None, action="finding_moved", summary="Moved it back",
                  target=f"finding:{finding.pk}")
    assert "has been changed since" in message_of(alice, undo(alice, moved, slug="ddiq-2010"))
    assert Finding.objects.get(pk=finding.pk).position == 1


def test_it_undoes_a_net_add(alice, demo_survey):
    alice.post(findings_url("nets_add", "revenue"), {
        "net-new-revenue-label": "Big companies", "net-new-revenue-code": "",
        "net-new-revenue-choices": ["1b_10b", "gt_10b"], "net-new-revenue-holds": "chosen",
    })
    assert Net.objects.filter(survey=demo_survey, question_code="revenue").exists()
    undo(alice, latest("net_added"), slug="ddiq-2010")
    assert not Net.objects.filter(survey=demo_survey, question_code="revenue").exists()
    assert latest().action == "net_deleted"


def test_it_undoes_a_finding_move(alice, demo_survey):
    order = list(Finding.objects.filter(survey=demo_survey).order_by("position").values_list("pk", flat=True))
    alice.post(findings_url("findings_move", order[0]), {"direction": "down"})
    assert Finding.objects.get(pk=order[0]).position == 1
    undo(alice, latest("finding_moved"), slug="ddiq-2010")
    assert list(Finding.objects.filter(survey=demo_survey).order_by("position").values_list("pk", flat=True)) == order


def test_it_undoes_deleting_a_saved_view(alice, demo_survey):
    view = SavedView.objects.get(survey=demo_survey)
    values = (view.code, view.label, view.row_variable, view.highlight_row)
    alice.post(findings_url("views_delete", view.pk))
    undo(alice, latest("view_deleted"), slug="ddiq-2010")
    back = SavedView.objects.get(survey=demo_survey)
    assert (back.code, back.label, back.row_variable, back.highlight_row) == values


# --- Refusals --------------------------------------------------------------------------------


def test_an_object_changed_since_is_refused_naming_the_newer_change(alice, small):
    role = question(small, "role")
    edit_question(alice, role, {"label": "Your job?"})
    first = latest("question_changed")
    edit_question(alice, Question.objects.get(pk=role.pk), {"help_text": "One only"})
    newer = latest("question_changed")
    count = SurveyChange.objects.count()
    response = undo(alice, first)
    assert response["Location"].endswith(f"#change-{newer.pk}")
    message = message_of(alice, response)
    assert "has been changed since" in message and newer.summary in message
    role.refresh_from_db()
    assert (role.label, role.help_text) == ("Your job?", "One only")
    assert SurveyChange.objects.count() == count
    assert "undone_by" not in SurveyChange.objects.get(pk=first.pk).details


def test_undoing_the_newer_first_lets_the_older_be_undone(alice, small):
    role = question(small, "role")
    edit_question(alice, role, {"label": "Your job?"})
    first = latest("question_changed")
    edit_question(alice, Question.objects.get(pk=role.pk), {"help_text": "One only"})
    undo(alice, latest("question_changed"))
    undo(alice, first)
    role.refresh_from_db()
    assert (role.label, role.help_text) == ("Your role?", "")


def test_a_change_made_outside_the_builder_since_is_refused(alice, small):
    role = question(small, "role")
    edit_question(alice, role, {"label": "Your job?"})
    Question.objects.filter(pk=role.pk).update(label="Set in the admin")
    response = undo(alice, latest("question_changed"))
    assert "changed since (outside the builder)" in message_of(alice, response)
    assert Question.objects.get(pk=role.pk).label == "Set in the admin"


def test_a_published_versions_structure_is_refused(alice, manager, small):
    alice.post(url("question_add", small.pages.first().pk), {"type": "single"})
    small.status = SurveyVersion.Status.OPEN
    small.save()
    page = alice.get(history()).content.decode()
    assert "Cannot be undone: version 1 is published" in page and ">Undo<" not in page
    response = undo(alice, latest("question_added"))
    assert "is published" in message_of(alice, response)
    assert Question.objects.filter(version=small).count() == 6


def test_a_deleted_object_is_refused(alice, small):
    pets = question(small, "pets")
    edit_question(alice, pets, {"label": "Animals?"})
    changed = latest("question_changed")
    alice.post(url("question_delete", pets.pk))
    assert "no longer exists" in message_of(alice, undo(alice, changed))


def test_a_restore_whose_code_is_taken_is_refused(alice, small):
    alice.post(url("question_delete", question(small, "note").pk))
    deleted = latest("question_deleted")
    q = question(small, "age")
    edit_question(alice, q, {"code": "note"})
    assert "now used by another question" in message_of(alice, undo(alice, deleted))
    assert layout(small) == [["role", "tools", "pets"], ["note"]]


def test_a_change_without_undo_says_so(alice, small):
    created = change_record(survey=small.survey, user=None, action="survey_created", summary="Created")
    with pytest.raises(UndoRefused, match="cannot be undone"):
        change_undo(survey=small.survey, change_id=created.pk, user=None)
    page = alice.get(history()).content.decode()
    assert "Cannot be undone." in page


def test_a_change_of_another_survey_is_refused(alice, manager, small):
    other = small_draft(slug="other", editors=[manager])
    alice.post(url("page_add", slug="other"))
    response = undo(alice, latest("page_added"))  # posted under /build/small/
    assert "not in this survey's history" in message_of(alice, response)
    assert other.pages.count() == 3


def test_a_read_only_user_gets_403_and_no_button(client, manager, small, viewer):
    client.force_login(manager)
    client.post(url("page_add"))
    added = latest("page_added")
    # bob manages surveys and may see this one's results, but is not its editor.
    small.survey.viewers.add(viewer)
    viewer.groups.add(Group.objects.get(name="Survey managers"))
    client.force_login(viewer)
    page = client.get(history())
    assert page.status_code == 200 and "Added page 3" in page.content.decode()
    assert ">Undo<" not in page.content.decode()
    assert undo(client, added).status_code == 403
    assert small.pages.count() == 3


def test_an_undone_change_is_undone_once(alice, small):
    alice.post(url("page_add"))
    added = latest("page_added")
    undo(alice, added)
    count = SurveyChange.objects.count()
    assert "undone already" in message_of(alice, undo(alice, added))
    assert SurveyChange.objects.count() == count
    assert "see the undo" in alice.get(history()).content.decode()


def test_a_double_post_of_one_form_undoes_once(alice, small):
    alice.post(url("page_add"))
    alice.post(url("page_add"))
    second = latest("page_added")
    undo(alice, second, once="token-1")
    undo(alice, second, once="token-1")
    assert small.pages.count() == 3
    assert SurveyChange.objects.filter(action="page_deleted").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_undos_of_one_change_one_wins(manager):
    version = small_draft(editors=[manager])
    edited = question(version, "role")
    edited.label = "Your job?"
    from builder.outline_history import question_state, record_by
    before = question_state(Question.objects.prefetch_related("choices", "rows").get(pk=edited.pk))
    edited.save()
    change = record_by(manager, version, "question_changed", "Changed", edited, {"fields": []}, before)
    results: list[str] = []
    start = threading.Barrier(2)

    def run() -> None:
        try:
            start.wait()
            change_undo(survey=version.survey, change_id=change.pk, user=manager)
            results.append("undone")
        except UndoRefused as refusal:
            results.append(refusal.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["This change is undone already.", "undone"]
    assert Question.objects.get(pk=edited.pk).label == "Your role?"
    assert SurveyChange.objects.filter(details__undoes=change.pk).count() == 1


# --- The history page ------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 60])
def test_the_page_takes_the_same_queries_with_undo_buttons(alice, small, django_assert_num_queries, count):
    page = small.pages.first()
    for i in range(count):
        details = {"fields": [{"name": "position", "label": "Place", "before": "1", "after": "2"}],
                   "undo": {"before": {"position": 0}, "after": {"position": 1}}}
        if i % 3 == 0:
            details["undone_by"] = 1
        change_record(survey=small.survey, user=None, action="page_moved", summary=f"Moved {i}", version=small,
                      target=f"page:{page.pk}", details=details)
    alice.get(history())
    with django_assert_num_queries(HISTORY_PAGE_QUERIES):
        response = alice.get(history())
    shown = range(max(0, count - 50), count)  # newest first: the last 50 made
    assert response.content.decode().count(">Undo<span") == sum(1 for i in shown if i % 3)
