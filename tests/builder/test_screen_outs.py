"""The builder's screen-outs page (/build/<slug>/screen-outs/): add, change and remove a
draft's screen-outs with the definition file's checks (a condition's error with its
character), errors at the field with what was typed, the history and its undo, the publish
review, read-only for those who may only look and for a published version."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from builder.condition_picker import form_data, form_from_node
from surveys.conditions import parse
from surveys.definition_files import definition_from_data, definition_to_yaml
from surveys.models import ScreenOut, SurveyChange, SurveyVersion
from surveys.selectors import version_definition
from surveys.services import survey_import
from tests.kit.outline import SMALL, small_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(manager) -> SurveyVersion:
    return small_draft(editors=[manager])


def _url(name: str, *args) -> str:
    return reverse(f"builder:{name}", args=["small", *args])


def _typed(prefix: str, condition: str) -> dict[str, str]:
    """The condition typed in the picker's text mode."""
    return {f"{prefix}-condition-mode": "text", f"{prefix}-condition-text": condition}


def _add(client, code: str, condition: str = "role = biz", message: str = "Thanks, that is all."):
    return client.post(_url("screen_out_add"), {"screenout-new-code": code, "screenout-new-message": message,
                                                **_typed("screenout-new", condition)})


def _edit(client, screen_out: ScreenOut, code: str, condition: str, message: str, **extra):
    prefix = f"screenout{screen_out.pk}"
    return client.post(_url("screen_out_update", screen_out.pk), {
        f"{prefix}-code": code, f"{prefix}-message": message, **_typed(prefix, condition), **extra})


def _screen_outs(version: SurveyVersion) -> list[tuple[str, str, str]]:
    return [(s.code, s.condition, s.message) for s in ScreenOut.objects.filter(version=version).order_by("position")]


def _undo(client, change: SurveyChange):
    return client.post(reverse("builder:history_undo", args=["small", change.pk]), follow=True)


def test_it_adds_a_screen_out_into_the_definition(alice, draft):
    response = _add(alice, "not_it", "role = biz and age < 30", "This survey is for IT staff.")

    assert response.status_code == 302
    screen_out = ScreenOut.objects.get(version=draft)
    assert response["Location"] == _url("screen_outs") + f"#screen-out-{screen_out.pk}"
    assert _screen_outs(draft) == [("not_it", "role = biz and age < 30", "This survey is for IT staff.")]
    definition = version_definition(draft)
    assert [so.code for so in definition.screen_outs] == ["not_it"]
    assert "condition: role = biz and age < 30" in definition_to_yaml(definition)
    html = alice.get(_url("screen_outs")).content.decode()
    assert "This survey is for IT staff." in html and "Added the screen-out not_it." in html


def test_the_outline_links_the_page(alice, draft):
    assert f'href="{_url("screen_outs")}"' in alice.get(reverse("builder:outline", args=["small"])).content.decode()


def test_a_condition_may_name_a_hidden_field(alice, draft):
    alice.post(_url("hidden_add"), {"hidden-new-code": "src", "hidden-new-values": "li tw"})
    assert _add(alice, "from_tw", "src = tw").status_code == 302
    assert _screen_outs(draft)[0][1] == "src = tw"


@pytest.mark.parametrize("condition, message", [
    ("role = manager", "'manager' is not a choice of 'role'"),
    ("role = ", "(at character"),
    ("nothing = 1", "nothing"),
])
def test_a_bad_condition_is_refused_at_its_field_keeping_what_was_typed(alice, draft, condition, message):
    response = _add(alice, "out", condition)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was added" in html and message in html.replace("&#x27;", "'").replace("&quot;", '"')
    assert f">{condition}</textarea>" in html
    assert _screen_outs(draft) == []


def test_it_refuses_a_taken_or_bad_code_and_an_empty_message(alice, draft):
    _add(alice, "out")
    assert "is already a screen-out of this version" in _add(alice, "out").content.decode()
    assert "A code holds only letters" in _add(alice, "no way").content.decode()
    assert "Give the message" in _add(alice, "other", message="  ").content.decode()
    assert [code for code, _, _ in _screen_outs(draft)] == ["out"]


def test_it_changes_a_screen_out_and_undoes_the_change(alice, draft):
    _add(alice, "out")
    screen_out = ScreenOut.objects.get(version=draft)

    assert _edit(alice, screen_out, "out", "role = it", "Bye.").status_code == 302

    assert _screen_outs(draft) == [("out", "role = it", "Bye.")]
    changed = SurveyChange.objects.get(action="screen_out_changed")
    assert changed.summary == "Changed screen-out out: condition, message"
    assert "Changed screen-out out" in alice.get(_url("history")).content.decode()
    assert "Undid: Changed screen-out out" in _undo(alice, changed).content.decode()
    assert _screen_outs(draft) == [("out", "role = biz", "Thanks, that is all.")]
    _undo(alice, SurveyChange.objects.get(action="screen_out_added"))
    assert _screen_outs(draft) == []


def test_a_bad_change_is_refused_and_nothing_is_saved(alice, draft):
    _add(alice, "out")
    screen_out = ScreenOut.objects.get(version=draft)
    response = _edit(alice, screen_out, "out", "role in (it,", "Bye.")
    assert response.status_code == 400 and "Nothing was saved" in response.content.decode()
    assert _screen_outs(draft) == [("out", "role = biz", "Thanks, that is all.")]


def test_it_removes_a_screen_out_and_offers_to_undo(alice, draft):
    _add(alice, "first")
    _add(alice, "second", "role = it")
    first = ScreenOut.objects.get(version=draft, code="first")

    response = alice.post(_url("screen_out_delete", first.pk), {"once": "t1"}, follow=True)

    assert _screen_outs(draft) == [("second", "role = it", "Thanks, that is all.")]
    assert ScreenOut.objects.get(version=draft).position == 0
    change = SurveyChange.objects.get(action="screen_out_deleted")
    html = response.content.decode()
    assert "Removed the screen-out first." in html
    assert reverse("builder:history_undo", args=["small", change.pk]) in html
    _undo(alice, change)
    assert [code for code, _, _ in _screen_outs(draft)] == ["first", "second"]


def test_undo_is_refused_when_the_screen_out_changed_since(alice, draft):
    _add(alice, "out")
    screen_out = ScreenOut.objects.get(version=draft)
    _edit(alice, screen_out, "out", "role = it", "First")
    first = SurveyChange.objects.get(action="screen_out_changed")
    _edit(alice, screen_out, "out", "role = it", "Second")

    assert "has been changed since" in _undo(alice, first).content.decode()
    assert _screen_outs(draft) == [("out", "role = it", "Second")]


def test_a_stale_form_is_refused(alice, draft):
    _add(alice, "out")
    screen_out = ScreenOut.objects.get(version=draft)
    page = alice.get(_url("screen_outs")).content.decode()
    stamp = re.search(rf'action="{_url("screen_out_update", screen_out.pk)}".*?name="stamp" value="([^"]+)"',
                      page, re.S)[1]
    _edit(alice, screen_out, "out", "role = biz", "Theirs")

    response = _edit(alice, screen_out, "out", "role = biz", "Mine", stamp=stamp)

    assert response.status_code == 409
    assert _screen_outs(draft) == [("out", "role = biz", "Theirs")]


def test_the_publish_review_lists_the_screen_out_changes(alice, manager):
    definition = definition_from_data({**SMALL, "status": "open", "screen_outs": [
        {"code": "old", "condition": "role = biz", "message": "Bye."},
        {"code": "kept", "condition": "role = biz", "message": "Bye."}]})
    survey_import(definition=definition, editors=[manager])
    alice.post(reverse("builder:new_draft", args=["small"]))
    draft = SurveyVersion.objects.get(survey__slug="small", status=SurveyVersion.Status.DRAFT)
    _add(alice, "new", "age < 20")
    alice.post(_url("screen_out_delete", ScreenOut.objects.get(version=draft, code="old").pk), {"once": "t2"})
    _edit(alice, ScreenOut.objects.get(version=draft, code="kept"), "kept", "role = it", "Bye.")

    html = alice.get(_url("publish")).content.decode()

    assert "1 screen-out added" in html and "1 screen-out removed" in html and "1 screen-out changed" in html
    assert "<code>new</code> added" in html and "<code>old</code> removed" in html
    assert "condition <code>role = biz</code> → <code>role = it</code>" in html


def test_a_user_who_may_only_look_sees_them_read_only(client, draft):
    screen_out = ScreenOut.objects.create(version=draft, code="out", condition="role = biz", message="Bye now.")
    dave = User.objects.create_user("dave", password="pw", is_staff=True)
    dave.groups.add(Group.objects.get(name="Survey managers"))
    draft.survey.viewers.add(dave)
    client.force_login(dave)

    html = client.get(_url("screen_outs")).content.decode()

    assert "Bye now." in html and "not change it" in html
    assert re.findall(r'<form[^>]*action="([^"]*)"', html) == [reverse("logout")]
    assert _add(client, "other").status_code == 403
    assert client.post(_url("screen_out_delete", screen_out.pk), {"once": "t"}).status_code == 403
    assert _screen_outs(draft) == [("out", "role = biz", "Bye now.")]


def test_an_outsider_gets_404(client, outsider, draft):
    outsider.groups.add(Group.objects.get(name="Survey managers"))
    client.force_login(outsider)
    assert client.get(_url("screen_outs")).status_code == 404


def test_a_published_version_is_shown_frozen_and_refuses_changes(alice, manager):
    definition = definition_from_data({**SMALL, "status": "open", "screen_outs": [
        {"code": "out", "condition": "role = biz", "message": "Bye."}]})
    version, _ = survey_import(definition=definition, editors=[manager])
    screen_out = ScreenOut.objects.get(version=version)

    html = alice.get(_url("screen_outs")).content.decode()

    assert "published and frozen" in html and "Edit as a new draft" in html
    assert _url("screen_out_add") not in html
    assert _add(alice, "other").status_code == 409
    assert _edit(alice, screen_out, "out", "role = it", "Bye.").status_code == 409
    response = alice.post(_url("screen_out_delete", screen_out.pk), {"once": "t3"}, follow=True)
    assert "Nothing was removed" in response.content.decode()
    assert _screen_outs(version) == [("out", "role = biz", "Bye.")]


# --- The condition picker ---------------------------------------------------------------


def _picked(prefix: str, condition: str) -> dict[str, list[str]]:
    """The condition as the picker's rows post it (question, operator, value)."""
    return form_data(form_from_node(parse(condition)), f"{prefix}-condition")


def test_it_adds_a_screen_out_picked_row_by_row(alice, draft):
    response = alice.post(_url("screen_out_add"), {"screenout-new-code": "biz", "screenout-new-message": "Bye.",
                                                   **_picked("screenout-new", "role = biz and age < 30")})
    assert response.status_code == 302
    assert _screen_outs(draft) == [("biz", "role = biz and age < 30", "Bye.")]


def test_the_page_shows_a_stored_condition_in_the_picker_with_the_hidden_fields(alice, draft):
    alice.post(_url("hidden_add"), {"hidden-new-code": "src", "hidden-new-values": "li tw"})
    _add(alice, "out", "role = biz")
    screen_out = ScreenOut.objects.get(version=draft)

    html = alice.get(_url("screen_outs")).content.decode()

    prefix = f"screenout{screen_out.pk}-condition"
    assert f'id="{prefix}-picker"' in html and 'id="screenout-new-condition-picker"' in html
    assert f'name="{prefix}-place" value="screenout:{draft.pk}"' in html
    assert re.search(rf'name="{prefix}-2-ref"[^>]*>.*?<option value="role" selected', html, re.S)
    assert '<optgroup label="Hidden fields">' in html and '<option value="src"' in html


def test_a_picker_button_shows_the_form_again_and_saves_nothing(alice, draft):
    data = {"screenout-new-code": "typed_code", "screenout-new-message": "Bye.",
            **_picked("screenout-new", "role = biz"), "screenout-new-condition-action": "add:1"}

    response = alice.post(_url("screen_out_add"), data)

    assert response.status_code == 200 and _screen_outs(draft) == []
    html = response.content.decode()
    assert 'value="typed_code"' in html and 'name="screenout-new-condition-3-ref"' in html
    assert "Nothing was added" not in html


def test_an_unfinished_picked_condition_is_refused_at_its_field(alice, draft):
    data = {"screenout-new-code": "out", "screenout-new-message": "Bye.",
            "screenout-new-condition-node": ["1", "2"], "screenout-new-condition-1-kind": "all",
            "screenout-new-condition-2-parent": "1", "screenout-new-condition-2-kind": "leaf",
            "screenout-new-condition-2-ref": "role"}

    response = alice.post(_url("screen_out_add"), data)

    assert response.status_code == 400 and _screen_outs(draft) == []
    assert "The condition is not complete" in response.content.decode()


def test_an_empty_picker_is_refused(alice, draft):
    response = alice.post(_url("screen_out_add"), {"screenout-new-code": "out", "screenout-new-message": "Bye."})
    assert response.status_code == 400 and "Give the condition" in response.content.decode()


def test_the_picker_preview_offers_the_hidden_fields(alice, draft):
    alice.post(_url("hidden_add"), {"hidden-new-code": "src", "hidden-new-values": "li tw"})
    data = {"picker": "screenout-new-condition", "screenout-new-condition-place": f"screenout:{draft.pk}",
            **_picked("screenout-new", "src = tw")}

    response = alice.post(_url("condition_preview"), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<code class=\"picker-condition-text\">src = tw</code>" in html
