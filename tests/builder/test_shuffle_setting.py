"""The builder offers a question's random order (surveys.ordering): choices for a choice
question, choices or rows for a matrix, nothing for a text question; a value it does not
offer is refused at the field. (Anchors, `shuffle: questions` and shuffled blocks are set
in the definition file.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

from surveys.models import Question
from tests.kit.outline import small_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(manager):
    return small_draft(editors=[manager])


def _q(version, code: str) -> Question:
    return Question.objects.get(version=version, code=code)


def _url(name: str, *args) -> str:
    return reverse(f"builder:{name}", args=["small", *args])


def _form_data(question: Question, **changes) -> dict:
    """What the question's edit form posts with its choices and rows unchanged, with changes."""
    data = {"label": question.label, "help_text": question.help_text, "code": question.code,
            "condition": question.condition, "op": "save", **({"required": "on"} if question.required else {})}
    for kind, options in (("choices", question.choices), ("rows", question.rows)):
        entries = list(options.order_by("position"))
        data[f"{kind}-count"] = str(len(entries))
        for i, entry in enumerate(entries):
            data.update({f"{kind}-{i}-id": str(entry.pk), f"{kind}-{i}-label": entry.label,
                         f"{kind}-{i}-code": entry.code})
    return {**data, **changes}


def test_it_saves_a_matrixs_rows_in_a_random_order(alice, draft):
    tools = _q(draft, "tools")
    form = alice.get(_url("outline") + f"?edit={tools.pk}").content.decode()
    assert '<option value="rows">Rows in a random order</option>' in form

    response = alice.post(_url("question_edit", tools.pk), _form_data(tools, shuffle="rows"))

    assert response.status_code == 302
    assert Question.objects.get(pk=tools.pk).shuffle == "rows"


def test_it_offers_no_order_for_a_text_question(alice, draft):
    note = _q(draft, "note")
    assert 'name="shuffle"' not in alice.get(_url("outline") + f"?edit={note.pk}").content.decode()


def test_it_refuses_an_order_it_does_not_offer(alice, draft):
    role = _q(draft, "role")

    response = alice.post(_url("question_edit", role.pk), _form_data(role, shuffle="rows"))

    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert Question.objects.get(pk=role.pk).shuffle == ""
