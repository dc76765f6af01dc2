"""The builder offers a question's random order (surveys.ordering): choices for a choice
question, choices or rows for a matrix, nothing for a text question; a value it does not
offer is refused at the field. (Anchors: tests/builder/test_entry_settings.py; a page's
random order: tests/builder/test_page_order.py.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

from surveys.models import Question
from tests.kit.outline import question_form_data, small_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(manager):
    return small_draft(editors=[manager])


def _q(version, code: str) -> Question:
    return Question.objects.get(version=version, code=code)


def _url(name: str, *args) -> str:
    return reverse(f"builder:{name}", args=["small", *args])


def test_it_saves_a_matrixs_rows_in_a_random_order(alice, draft):
    tools = _q(draft, "tools")
    form = alice.get(_url("outline") + f"?edit={tools.pk}").content.decode()
    assert '<option value="rows">Rows in a random order</option>' in form

    response = alice.post(_url("question_edit", tools.pk), question_form_data(tools, shuffle="rows"))

    assert response.status_code == 302
    assert Question.objects.get(pk=tools.pk).shuffle == "rows"


def test_it_offers_no_order_for_a_text_question(alice, draft):
    note = _q(draft, "note")
    assert 'name="shuffle"' not in alice.get(_url("outline") + f"?edit={note.pk}").content.decode()


def test_it_refuses_an_order_it_does_not_offer(alice, draft):
    role = _q(draft, "role")

    response = alice.post(_url("question_edit", role.pk), question_form_data(role, shuffle="rows"))

    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert Question.objects.get(pk=role.pk).shuffle == ""
