"""A page's random order in the builder: its questions shuffled, and consecutive pages in a
random-order block, refused as the import refuses them (a condition or piped text naming a
question drawn with it, the first page in a block, a block whose pages do not follow one
another) with the place named; in the definition file, the history and its undo."""

from __future__ import annotations

import pytest
from django.urls import reverse

from builder.condition_picker import form_data, form_from_node
from surveys import editing
from surveys.conditions import parse
from surveys.models import Choice, MatrixRow, Page, Question, SurveyChange, SurveyVersion
from surveys.selectors import version_definition
from surveys.services import version_duplicate
from tests.kit.outline import question_form_data, small_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(manager) -> SurveyVersion:
    version = small_draft(editors=[manager])
    editing.page_add(version=version, title="Last")
    return version


def _url(name: str, *args) -> str:
    return reverse(f"builder:{name}", args=["small", *args])


def _pages(version: SurveyVersion) -> list[Page]:
    return list(Page.objects.filter(version=version).order_by("position"))


def _save(client, page: Page, **fields):
    data = {"title": page.title, "condition": page.condition, **fields}
    return client.post(_url("page_update", page.pk), data)


def _order(version: SurveyVersion) -> list[tuple[bool, str]]:
    return [(p.shuffle_questions, p.shuffle_block) for p in _pages(version)]


def test_it_shuffles_a_pages_questions_and_undoes_it(alice, draft):
    first = _pages(draft)[0]
    form = alice.get(_url("outline") + f"?page={first.pk}").content.decode()
    assert 'name="shuffle_questions"' in form and 'name="shuffle_block"' in form

    assert _save(alice, first, shuffle_questions="on").status_code == 302

    assert _order(draft)[0] == (True, "")
    assert version_definition(draft).pages[0].shuffle_questions
    change = SurveyChange.objects.get(action="page_changed")
    assert change.details["fields"] == [{"name": "shuffle_questions", "label": "Questions in a random order",
                                         "before": "no", "after": "yes"}]
    assert "Its questions are shown in a random order." in alice.get(_url("outline")).content.decode()

    alice.post(reverse("builder:history_undo", args=["small", change.pk]))
    assert _order(draft)[0] == (False, "")


def test_it_puts_consecutive_pages_in_a_block_and_undoes_it(alice, draft):
    _, second, third = _pages(draft)
    assert _save(alice, second, shuffle_block="b1").status_code == 302
    assert _save(alice, third, shuffle_block="b1").status_code == 302

    assert _order(draft) == [(False, ""), (False, "b1"), (False, "b1")]
    assert [p.shuffle_block for p in version_definition(draft).pages] == ["", "b1", "b1"]
    html = alice.get(_url("outline")).content.decode()
    assert "In the random-order block <code>b1</code>" in html

    alice.post(reverse("builder:history_undo", args=["small", SurveyChange.objects.filter(
        action="page_changed").latest("pk").pk]))
    assert _order(draft) == [(False, ""), (False, "b1"), (False, "")]


def test_it_refuses_to_shuffle_a_page_whose_condition_names_a_question_on_it(alice, draft):
    second = _pages(draft)[1]
    Question.objects.filter(version=draft, code="note").update(condition="age > 20")

    response = _save(alice, second, shuffle_questions="on")

    assert response.status_code == 200
    text = response.content.decode().replace("&#x27;", "'")
    assert ("Not in a random order: Page 2, question 2 “Anything else?”: its display condition: 'age' is in the same "
            "shuffled page or block") in text
    assert _order(draft)[1] == (False, "") and not SurveyChange.objects.filter(action="page_changed").exists()


def test_it_refuses_a_block_whose_pages_name_each_other(alice, draft):
    second, third = _pages(draft)[1:]
    editing.question_add(version=draft, page=third, type="short_text", label="Why?")
    Question.objects.filter(version=draft, code="why").update(condition="age > 20")
    assert _save(alice, second, shuffle_block="b1").status_code == 302

    response = _save(alice, third, shuffle_block="b1")

    text = response.content.decode().replace("&#x27;", "'")
    assert "Not in a random order: Page 3, question 1 “Why?”: its display condition: 'age' is in the same" in text
    assert _order(draft) == [(False, ""), (False, "b1"), (False, "")]


@pytest.mark.parametrize("page_index, block, message", [
    (0, "b1", "the first page cannot be in a shuffled block"),
    (2, "no way", "A block name holds only letters"),
])
def test_it_refuses_a_block_the_import_refuses(alice, draft, page_index, block, message):
    page = _pages(draft)[page_index]

    response = _save(alice, page, shuffle_block=block)

    assert response.status_code == 200 and message in response.content.decode()
    assert _order(draft) == [(False, ""), (False, ""), (False, "")]


def test_a_published_page_offers_no_random_order(alice, manager):
    version = small_draft(editors=[manager], status="open")
    html = alice.get(_url("outline") + f"?page={_pages(version)[0].pk}").content.decode()
    assert 'name="shuffle_block"' not in html


def test_the_publish_review_lists_the_random_orders_anchors_and_row_attention_checks(alice, manager):
    draft = version_duplicate(version=small_draft(editors=[manager], status="open"))
    first, second = _pages(draft)
    Page.objects.filter(pk=first.pk).update(shuffle_questions=True)
    Page.objects.filter(pk=second.pk).update(shuffle_block="b1")
    Choice.objects.filter(question__version=draft, code="no_pets").update(anchor=True)
    MatrixRow.objects.filter(question__version=draft, code="chat").update(attention_check="often")

    text = " ".join(alice.get(_url("publish")).content.decode().split())

    assert "Page 1’s questions are now shown in a random order." in text
    assert "Page 2 is now in the random-order block <code>b1</code>." in text
    assert "“None” now keeps its place when the choices are shown in a random order" in text
    assert "“Chat” is now an attention check (expected answer: often)" in text


def test_on_a_shuffled_page_a_condition_may_not_name_a_question_of_the_page(alice, draft):
    Page.objects.filter(pk=_pages(draft)[0].pk).update(shuffle_questions=True)
    pets = Question.objects.get(version=draft, code="pets")

    typed = alice.post(_url("question_edit", pets.pk), question_form_data(pets, condition="role = it"))
    picked = alice.post(_url("condition_question", pets.pk), form_data(form_from_node(parse("role = it")),
                                                                         "condition"))

    assert "&#x27;role&#x27; is not asked before this condition" in typed.content.decode()
    assert "is not asked before this point" in picked.content.decode()
    assert Question.objects.get(pk=pets.pk).condition == ""


def test_a_block_refuses_a_piped_text_naming_a_question_drawn_with_it(alice, draft):
    second, third = _pages(draft)[1:]
    editing.question_add(version=draft, page=third, type="short_text", label="Why [[age]]?")
    assert _save(alice, second, shuffle_block="b1").status_code == 302

    response = _save(alice, third, shuffle_block="b1")

    text = response.content.decode().replace("&#x27;", "'")
    assert "Not in a random order: Page 3, question 1" in text and "in the same shuffled block" in text
    assert _order(draft)[2] == (False, "")
