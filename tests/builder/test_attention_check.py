"""The question editor's "Attention check: expected answer": offered on a question answered
with one choice (the import's rule), saved into the definition, recorded in the history
and undone from there; not offered on other questions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from surveys.definition_files import definition_to_yaml
from surveys.models import Question, SurveyChange, SurveyVersion
from surveys.selectors import version_definition
from tests.kit.outline import outline_url, question_form, small_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(manager) -> SurveyVersion:
    return small_draft(editors=[manager])


def test_a_single_choice_question_becomes_an_attention_check_and_back(alice, draft):
    role = Question.objects.get(version=draft, code="role")
    data = question_form(alice, role, {"attention_check": "biz"})

    assert alice.post(outline_url("question_edit", role.pk), data).status_code == 302

    role.refresh_from_db()
    assert role.attention_check == "biz"
    assert "attention_check: biz" in definition_to_yaml(version_definition(draft))
    change = SurveyChange.objects.get(action="question_changed")
    assert "attention check" in change.summary.lower()
    alice.post(reverse("builder:history_undo", args=["small", change.pk]))
    role.refresh_from_db()
    assert role.attention_check == ""


def test_an_answer_that_is_not_a_choice_is_refused(alice, draft):
    role = Question.objects.get(version=draft, code="role")
    data = question_form(alice, role, {"attention_check": "nobody"})

    response = alice.post(outline_url("question_edit", role.pk), data)

    assert "nobody is not one of the available choices" in response.content.decode()
    role.refresh_from_db()
    assert role.attention_check == ""


@pytest.mark.parametrize("code", ["pets", "note", "tools"])
def test_it_is_not_offered_on_other_questions(alice, draft, code):
    question = Question.objects.get(version=draft, code=code)
    assert "attention_check" not in question_form(alice, question)
