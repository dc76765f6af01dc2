"""The builder's hidden fields page (/build/<slug>/hidden/): add, change and remove a
draft's hidden fields with the definition file's checks, errors at the field with what was
typed, the history and its undo, the publish review's summary, the panel link, read-only
for those who may only look and for a published version."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from surveys.definition_files import definition_from_data, definition_to_yaml
from surveys.models import HiddenField, Question, Survey, SurveyChange, SurveyVersion
from surveys.selectors import version_definition
from surveys.services import survey_import, version_publish
from tests.kit.outline import SMALL, small_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(manager) -> SurveyVersion:
    return small_draft(editors=[manager])


def _url(name: str, *args) -> str:
    return reverse(f"builder:{name}", args=["small", *args])


def _add(client, code: str, description: str = "", values: str = "", **extra):
    return client.post(_url("hidden_add"), {"hidden-new-code": code, "hidden-new-description": description,
                                            "hidden-new-values": values, **extra})


def _edit(client, field: HiddenField, code: str, description: str = "", values: str = ""):
    prefix = f"hidden{field.pk}"
    return client.post(_url("hidden_update", field.pk), {f"{prefix}-code": code,
                                                         f"{prefix}-description": description,
                                                         f"{prefix}-values": values})


def _fields(version: SurveyVersion) -> list[tuple[str, str, list[str]]]:
    return [(h.code, h.description, h.values) for h in HiddenField.objects.filter(version=version)
            .order_by("position")]


def _field_errors(html: str, name: str) -> str:
    """The invalid-feedback text of the input named `name`."""
    match = re.search(rf'name="{re.escape(name)}"[^>]*>.*?<(?:div|span|p)[^>]*invalid-feedback[^>]*>(.*?)</',
                      html, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip() if match else ""


def _undo(client, change: SurveyChange):
    return client.post(reverse("builder:history_undo", args=["small", change.pk]), follow=True)


# --- Adding, changing, removing ---------------------------------------------------------------


def test_it_adds_a_hidden_field_with_its_description_and_values(alice, draft):
    response = _add(alice, "src", "Where the panel found them", "li, tw  mail")

    assert response.status_code == 302
    assert _fields(draft) == [("src", "Where the panel found them", ["li", "tw", "mail"])]
    field = HiddenField.objects.get(version=draft)
    assert response["Location"] == _url("hidden") + f"#hidden-{field.pk}"
    definition = version_definition(draft)
    assert definition.hidden["src"].values == ("li", "tw", "mail")
    assert "description: Where the panel found them" in definition_to_yaml(definition)


def test_a_second_field_goes_after_the_first(alice, draft):
    _add(alice, "rid")
    _add(alice, "src")
    assert [code for code, _, _ in _fields(draft)] == ["rid", "src"]


def test_it_changes_a_hidden_field(alice, draft):
    _add(alice, "rid")
    field = HiddenField.objects.get(version=draft)

    response = _edit(alice, field, "panel_id", "The panel's respondent id", "a1 b2")

    assert response.status_code == 302
    assert _fields(draft) == [("panel_id", "The panel's respondent id", ["a1", "b2"])]


@pytest.mark.parametrize(("code", "message"), [
    ("has space", "A code holds only letters"),
    ("role", "“role” is the code of a question"),
    ("external_id", "is built in"),
    ("", "This field is required"),
])
def test_it_refuses_a_bad_code_at_the_field_keeping_what_was_typed(alice, draft, code, message):
    response = _add(alice, code, "Kept description", "x y")

    assert response.status_code == 400
    html = response.content.decode()
    assert message in _field_errors(html, "hidden-new-code")
    assert 'value="Kept description"' in html and 'value="x y"' in html
    assert _fields(draft) == []


def test_it_refuses_a_code_another_hidden_field_has(alice, draft):
    _add(alice, "rid")
    _add(alice, "src")
    src = HiddenField.objects.get(version=draft, code="src")

    response = _edit(alice, src, "rid")

    assert response.status_code == 400
    assert "already a hidden field" in _field_errors(response.content.decode(), f"hidden{src.pk}-code")
    assert [code for code, _, _ in _fields(draft)] == ["rid", "src"]


def test_it_refuses_values_a_link_cannot_carry_or_listed_twice(alice, draft):
    response = _add(alice, "src", values="li, li")
    assert response.status_code == 400
    assert "listed twice" in _field_errors(response.content.decode(), "hidden-new-values")
    response = _add(alice, "src", values="l/i")
    assert "is not a value a link can carry" in _field_errors(response.content.decode(), "hidden-new-values")
    assert _fields(draft) == []


def test_a_question_cannot_take_a_hidden_fields_code(alice, draft):
    _add(alice, "src")
    note = Question.objects.get(version=draft, code="note")
    data = {"label": note.label, "help_text": "", "code": "src", "condition": "", "op": "save", "min_value": "",
            "max_value": "", "max_length": "", "choices-count": "0", "rows-count": "0"}

    response = alice.post(_url("question_edit", note.pk), data)

    assert "“src” is the code of a hidden field" in response.content.decode()
    assert Question.objects.filter(version=draft, code="note").exists()


def test_it_removes_a_hidden_field_and_offers_to_undo(alice, draft):
    _add(alice, "rid")
    _add(alice, "src", values="li tw")
    rid = HiddenField.objects.get(version=draft, code="rid")

    response = alice.post(_url("hidden_delete", rid.pk), {"once": "t1"}, follow=True)

    assert _fields(draft) == [("src", "", ["li", "tw"])]
    assert HiddenField.objects.get(version=draft).position == 0
    change = SurveyChange.objects.get(action="hidden_deleted")
    html = response.content.decode()
    assert "Removed the hidden field rid." in html
    assert reverse("builder:history_undo", args=["small", change.pk]) in html

    _undo(alice, change)
    assert [code for code, _, _ in _fields(draft)] == ["rid", "src"]


def test_a_double_click_on_remove_removes_once(alice, draft):
    _add(alice, "rid")
    rid = HiddenField.objects.get(version=draft)
    alice.post(_url("hidden_delete", rid.pk), {"once": "same"})
    assert alice.post(_url("hidden_delete", rid.pk), {"once": "same"}).status_code == 302
    assert SurveyChange.objects.filter(action="hidden_deleted").count() == 1


def test_it_refuses_to_remove_or_rename_a_field_a_condition_uses(alice, draft):
    _add(alice, "src", values="li tw")
    src = HiddenField.objects.get(version=draft)
    Question.objects.filter(version=draft, code="note").update(condition="src = li")

    response = alice.post(_url("hidden_delete", src.pk), {"once": "t2"}, follow=True)
    assert "Nothing was removed" in response.content.decode()
    assert "question note uses it" in response.content.decode()

    response = _edit(alice, src, "source", values="li tw")
    assert response.status_code == 400
    assert "cannot be renamed" in _field_errors(response.content.decode(), f"hidden{src.pk}-code")

    response = _edit(alice, src, "src", values="tw")
    assert response.status_code == 400
    assert "do not fit the display condition" in _field_errors(response.content.decode(), f"hidden{src.pk}-values")
    assert _fields(draft) == [("src", "", ["li", "tw"])]


# --- History and undo -------------------------------------------------------------------------


def test_each_change_is_in_the_history_and_undone_from_there(alice, draft):
    _add(alice, "rid", values="a b")
    field = HiddenField.objects.get(version=draft)
    _edit(alice, field, "rid", "Panel id", "a b c")
    changed = SurveyChange.objects.get(action="hidden_changed")
    assert changed.version_id == draft.pk
    assert changed.summary == "Changed hidden field rid: description, allowed values"
    assert {f["name"]: (f["before"], f["after"]) for f in changed.details["fields"]} == {
        "description": ("", "Panel id"), "values": ("a, b", "a, b, c")}

    history = alice.get(_url("history")).content.decode()
    assert "Added hidden field rid" in history and "Changed hidden field rid" in history

    response = _undo(alice, changed)
    assert "Undid: Changed hidden field rid" in response.content.decode()
    assert _fields(draft) == [("rid", "", ["a", "b"])]

    added = SurveyChange.objects.get(action="hidden_added")
    _undo(alice, added)
    assert _fields(draft) == []


def test_undo_is_refused_when_the_field_changed_since(alice, draft):
    _add(alice, "rid")
    field = HiddenField.objects.get(version=draft)
    _edit(alice, field, "rid", "First")
    first = SurveyChange.objects.get(action="hidden_changed")
    _edit(alice, field, "rid", "Second")

    response = _undo(alice, first)

    assert "has been changed since" in response.content.decode()
    assert _fields(draft) == [("rid", "Second", [])]


def test_a_stale_form_is_refused_naming_the_change(alice, draft):
    _add(alice, "rid")
    field = HiddenField.objects.get(version=draft)
    page = alice.get(_url("hidden")).content.decode()
    stamp = re.search(rf'action="{_url("hidden_update", field.pk)}".*?name="stamp" value="([^"]+)"', page, re.S)[1]
    _edit(alice, field, "rid", "Theirs")

    prefix = f"hidden{field.pk}"
    response = alice.post(_url("hidden_update", field.pk), {f"{prefix}-code": "rid", f"{prefix}-description": "Mine",
                                                           f"{prefix}-values": "", "stamp": stamp})

    assert response.status_code == 409
    html = response.content.decode()
    assert "Nothing was saved." in html and "Theirs" in html and 'value="Mine"' in html
    assert _fields(draft) == [("rid", "Theirs", [])]


def test_the_publish_review_lists_the_hidden_field_changes(alice, manager):
    version = small_draft(editors=[manager], status="open")
    alice.post(reverse("builder:new_draft", args=["small"]))
    draft = SurveyVersion.objects.get(survey=version.survey, status=SurveyVersion.Status.DRAFT)
    _add(alice, "src", values="li tw")

    html = alice.get(_url("publish")).content.decode()

    assert "1 hidden field added" in html
    assert "<code>src</code> added (allowed values: li, tw)" in html
    assert draft.hidden_fields.count() == 1


def test_the_publish_checklist_links_a_clash_with_a_question_to_the_hidden_fields(alice, draft):
    # Written directly: the builder refuses the clash both ways, an older draft may hold one.
    HiddenField.objects.create(version=draft, code="note")

    html = alice.get(_url("publish")).content.decode()

    assert "Hidden field 1 “note”" in html and "also a question&#x27;s code" in html
    assert f'href="{_url("hidden")}#hidden-fields"' in html


# --- The panel link and redirects -------------------------------------------------------------


def test_the_page_shows_the_public_link_with_example_parameters(alice, draft):
    _add(alice, "rid")
    _add(alice, "src", values="li tw")

    html = alice.get(_url("hidden")).content.decode()

    assert "http://testserver/s/small/?rid=…&amp;src=li" in html
    assert "external_id" in html and "Remove external_id" not in html


def test_the_settings_page_shows_the_link_beside_the_redirects(alice, draft):
    _add(alice, "rid")
    html = alice.get(_url("settings")).content.decode()
    assert "http://testserver/s/small/?rid=…" in html
    assert _url("hidden") in html


def test_a_redirect_may_name_a_hidden_field_once_it_is_declared(alice, draft):
    survey = Survey.objects.get(slug="small")
    data = {"section": "access", "access-access": survey.access, "access-opens_at": "", "access-closes_at": "",
            "access-response_cap": "", "access-redirect_complete": "https://panel.example/done?rid={rid}"}

    response = alice.post(_url("settings"), data)
    assert response.status_code == 400
    assert "Unknown placeholder {rid} (expected a hidden field: external_id)." in response.content.decode()

    _add(alice, "rid")
    assert alice.post(_url("settings"), data).status_code == 302
    survey.refresh_from_db()
    assert survey.redirect_complete == "https://panel.example/done?rid={rid}"


# --- Who may change what ----------------------------------------------------------------------


def test_a_user_who_may_only_look_sees_the_fields_read_only(client, draft):
    draft_field = HiddenField.objects.create(version=draft, code="rid", description="Panel id", values=["a"])
    dave = User.objects.create_user("dave", password="pw", is_staff=True)
    dave.groups.add(Group.objects.get(name="Survey managers"))
    draft.survey.viewers.add(dave)
    client.force_login(dave)

    response = client.get(_url("hidden"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Panel id" in html and "not change it" in html
    assert re.findall(r'<form[^>]*action="([^"]*)"', html) == [reverse("logout")]
    assert client.post(_url("hidden_add"), {"hidden-new-code": "src"}).status_code == 403
    assert client.post(_url("hidden_delete", draft_field.pk), {}).status_code == 403
    assert _fields(draft) == [("rid", "Panel id", ["a"])]


def test_an_outsider_gets_404(client, outsider, draft):
    outsider.groups.add(Group.objects.get(name="Survey managers"))
    client.force_login(outsider)
    assert client.get(_url("hidden")).status_code == 404


def test_a_published_version_is_shown_frozen_and_refuses_changes(alice, manager):
    definition = definition_from_data({**SMALL, "status": "open", "hidden_fields": [
        {"code": "rid", "description": "Panel id", "values": ["a", "b"]}]})
    version, _ = survey_import(definition=definition, editors=[manager])
    field = HiddenField.objects.get(version=version)

    html = alice.get(_url("hidden")).content.decode()

    assert "published and frozen" in html and "Edit as a new draft" in html
    assert "Panel id" in html and "<code>a</code>, <code>b</code>" in html
    assert _url("hidden_add") not in html and _url("hidden_delete", field.pk) not in html
    response = _add(alice, "src")
    assert response.status_code == 409
    assert "Nothing was saved: Version 1 is published and frozen" in response.content.decode()
    assert _edit(alice, field, "rid2").status_code == 409
    response = alice.post(_url("hidden_delete", field.pk), {"once": "t3"}, follow=True)
    assert "Nothing was removed: Version 1 is published and frozen" in response.content.decode()
    assert _fields(version) == [("rid", "Panel id", ["a", "b"])]


def test_undo_of_a_draft_change_is_refused_once_the_draft_is_published(alice, draft):
    _add(alice, "rid")
    version_publish(version=draft)
    added = SurveyChange.objects.get(action="hidden_added")

    response = _undo(alice, added)

    assert "is published: its structure is frozen" in response.content.decode()
    assert _fields(draft) == [("rid", "", [])]


def test_the_page_takes_the_same_queries_for_any_number_of_fields(alice, draft, django_assert_num_queries):
    HiddenField.objects.create(version=draft, code="rid")
    alice.get(_url("hidden"))  # the session and permissions warm up as on any page
    with django_assert_num_queries(HIDDEN_PAGE_QUERIES):
        assert alice.get(_url("hidden")).status_code == 200
    for position, code in enumerate(("src", "wave", "batch"), start=1):
        HiddenField.objects.create(version=draft, code=code, position=position, values=["a", "b"])
    with django_assert_num_queries(HIDDEN_PAGE_QUERIES):
        assert alice.get(_url("hidden")).status_code == 200


# Session, user, the user's and groups' permissions, survey, the editor check, the edited
# version, its hidden fields.
HIDDEN_PAGE_QUERIES = 8
