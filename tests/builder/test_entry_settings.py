"""A choice's or a matrix row's settings in the question's edit form beyond its label and
code: "Fixed place" (anchored when the list is shuffled) and a single-choice matrix row's
attention check, as the definition file writes them (`anchor: true`,
`attention_check: <choice>`), in the history and undone from there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from surveys.definition_files import definition_to_yaml
from surveys.models import Choice, MatrixRow, Question, SurveyChange, SurveyVersion
from surveys.selectors import version_definition
from tests.kit.outline import question_form_data, small_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(manager) -> SurveyVersion:
    return small_draft(editors=[manager])


def _q(version: SurveyVersion, code: str) -> Question:
    return Question.objects.get(version=version, code=code)


def _url(name: str, *args) -> str:
    return reverse(f"builder:{name}", args=["small", *args])


def _undo_last(client) -> None:
    change = SurveyChange.objects.filter(action="question_changed").latest("pk")
    client.post(reverse("builder:history_undo", args=["small", change.pk]))


def test_it_anchors_a_choice_of_a_shuffled_question_and_undoes_it(alice, draft):
    pets = _q(draft, "pets")
    form = alice.get(_url("outline") + f"?edit={pets.pk}").content.decode()
    assert 'name="choices-2-anchor"' in form and "Fixed place" in form

    response = alice.post(_url("question_edit", pets.pk),
                          question_form_data(pets, shuffle="choices", **{"choices-2-anchor": "on"}))

    assert response.status_code == 302
    assert list(Choice.objects.filter(question=pets).order_by("position").values_list("anchor", flat=True)) == [
        False, False, True]
    definition = version_definition(draft)
    assert [c.anchor for c in definition.questions["pets"].choices] == [False, False, True]
    assert "anchor: true" in definition_to_yaml(definition)
    change = SurveyChange.objects.get(action="question_changed")
    assert "None (no_pets, exclusive, fixed place)" in str(change.details["fields"])

    _undo_last(alice)
    assert not Choice.objects.filter(question=pets, anchor=True).exists()
    assert _q(draft, "pets").shuffle == ""


def test_it_anchors_a_matrix_row(alice, draft):
    tools = _q(draft, "tools")
    response = alice.post(_url("question_edit", tools.pk),
                          question_form_data(tools, shuffle="rows", **{"rows-1-anchor": "on"}))
    assert response.status_code == 302
    assert MatrixRow.objects.get(question=tools, code="chat").anchor


def test_it_marks_a_matrix_row_as_an_attention_check_and_undoes_it(alice, draft):
    tools = _q(draft, "tools")
    form = alice.get(_url("outline") + f"?edit={tools.pk}").content.decode()
    assert 'name="rows-0-attention_check"' in form and '<option value="often">Often (often)</option>' in form

    response = alice.post(_url("question_edit", tools.pk),
                          question_form_data(tools, **{"rows-1-attention_check": "often"}))

    assert response.status_code == 302
    assert MatrixRow.objects.get(question=tools, code="chat").attention_check == "often"
    rows = version_definition(draft).questions["tools"].rows
    assert [r.attention_check for r in rows] == ["", "often"]
    assert "attention_check: often" in definition_to_yaml(version_definition(draft))

    _undo_last(alice)
    assert MatrixRow.objects.get(question=tools, code="chat").attention_check == ""


def test_a_row_attention_check_must_be_an_answer_of_the_form(alice, draft):
    tools = _q(draft, "tools")
    response = alice.post(_url("question_edit", tools.pk),
                          question_form_data(tools, **{"rows-0-attention_check": "always"}))

    assert response.status_code == 200
    assert "“always” is not one of the question&#x27;s answers" in response.content.decode()
    assert MatrixRow.objects.get(question=tools, code="mail").attention_check == ""


def test_a_row_attention_check_may_expect_an_answer_added_in_the_same_save(alice, draft):
    tools = _q(draft, "tools")
    data = question_form_data(tools, **{"choices-count": "3", "choices-2-label": "Daily", "choices-2-code": "daily",
                                        "rows-0-attention_check": "daily"})
    assert alice.post(_url("question_edit", tools.pk), data).status_code == 302
    assert MatrixRow.objects.get(question=tools, code="mail").attention_check == "daily"


def test_a_multiple_choice_matrix_has_no_row_attention_check(alice, draft):
    tools = _q(draft, "tools")
    Question.objects.filter(pk=tools.pk).update(type="matrix_multiple")
    form = alice.get(_url("outline") + f"?edit={tools.pk}").content.decode()
    assert 'name="rows-0-attention_check"' not in form and 'name="rows-0-anchor"' in form
