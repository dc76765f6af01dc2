"""The structure editor's services (surveys.editing): each keeps positions dense, refuses a
published version's structure, and what a delete returns puts the deleted back exactly."""

from decimal import Decimal

import pytest

from surveys import editing
from surveys.editing import EditError, Entry
from surveys.models import Choice, FrozenVersionError, MatrixRow, Page, Question
from surveys.services import version_duplicate
from tests.kit.outline import layout, positions_dense, small_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return small_draft()


@pytest.fixture
def published():
    return small_draft(slug="published", status="open")


def _q(version, code: str) -> Question:
    return Question.objects.get(version=version, code=code)


def _pages(version) -> list[Page]:
    return list(Page.objects.filter(version=version).order_by("position"))


def _entries(question: Question, kind: str = "choices") -> list[Entry]:
    options = question.choices.all() if kind == "choices" else question.rows.all()
    return [Entry(id=o.pk, code=o.code, label=o.label, exclusive=getattr(o, "exclusive", False))
            for o in options.order_by("position")]


# --- Pages -----------------------------------------------------------------------------------


def test_it_adds_a_page_at_the_end(draft):
    page = editing.page_add(version=draft, title="  Last  ")

    assert (page.position, page.title) == (2, "Last")
    assert positions_dense(draft)


def test_it_updates_a_page_title_and_condition(draft):
    page = _pages(draft)[1]

    editing.page_update(page=page, title="Later", condition=" role = biz ")

    page.refresh_from_db()
    assert (page.title, page.condition) == ("Later", "role = biz")


def test_it_moves_a_page_and_renumbers(draft):
    extra = editing.page_add(version=draft, title="Third")

    editing.page_move(page=extra, position=0)

    assert [p.title for p in _pages(draft)] == ["Third", "About you", "More"]
    assert positions_dense(draft)


def test_it_clamps_a_page_move_beyond_the_end(draft):
    first = _pages(draft)[0]

    editing.page_move(page=first, position=99)

    assert [p.title for p in _pages(draft)] == ["More", "About you"]


def test_it_deletes_a_page_with_its_questions_and_restores_it(draft):
    first = _pages(draft)[0]
    before = layout(draft)

    data = editing.page_delete(page=first)

    assert layout(draft) == [["age", "note"]]
    assert positions_dense(draft)
    page = editing.page_restore(version=draft, data=data)
    assert page.position == 0 and page.title == "About you"
    assert layout(draft) == before
    pets = _q(draft, "pets")
    assert [(c.code, c.exclusive) for c in pets.choices.order_by("position")] == [
        ("cat", False), ("dog", False), ("no_pets", True)]
    assert list(_q(draft, "tools").rows.order_by("position").values_list("code", flat=True)) == ["mail", "chat"]


def test_it_refuses_to_delete_the_last_page(draft):
    for page in _pages(draft)[1:]:
        editing.page_delete(page=page)

    with pytest.raises(EditError, match="at least one page"):
        editing.page_delete(page=_pages(draft)[0])
    assert len(_pages(draft)) == 1


def test_it_refuses_a_page_restore_whose_codes_are_taken(draft):
    data = editing.page_delete(page=_pages(draft)[1])
    editing.question_add(version=draft, page=_pages(draft)[0], type="integer", label="Age")

    with pytest.raises(EditError, match="'age'"):
        editing.page_restore(version=draft, data=data)
    assert len(_pages(draft)) == 1


# --- Questions -------------------------------------------------------------------------------


def test_it_adds_a_question_with_a_code_from_its_label(draft):
    page = _pages(draft)[1]

    question = editing.question_add(version=draft, page=page, type="single", label="Your role?")

    assert (question.code, question.position, question.type) == ("your_role", 2, "single")
    assert layout(draft)[1] == ["age", "note", "your_role"]


def test_it_gives_unlabelled_questions_unique_codes(draft):
    page = _pages(draft)[0]

    first = editing.question_add(version=draft, page=page, type="short_text")
    second = editing.question_add(version=draft, page=page, type="short_text")

    assert (first.code, second.code) == ("question", "question_2")
    assert positions_dense(draft)


def test_it_makes_a_code_taken_by_another_question_unique(draft):
    question = editing.question_add(version=draft, page=_pages(draft)[0], type="single", label="Role")

    assert question.code == "role_2"


def test_it_refuses_an_unknown_type(draft):
    with pytest.raises(EditError, match="Unknown question type"):
        editing.question_add(version=draft, page=_pages(draft)[0], type="essay")


def test_it_refuses_a_page_of_another_version(draft, published):
    with pytest.raises(EditError, match="another version"):
        editing.question_add(version=draft, page=_pages(published)[0], type="single")
    assert Question.objects.filter(version=published).count() == 5


def test_it_updates_a_question_with_its_choices_in_one_go(draft):
    role = _q(draft, "role")
    it, biz = _entries(role)

    editing.question_update(
        question=role, label="Role now?", code="job", required=False,
        choices=[Entry(id=biz.id, code="biz", label="Business people"), Entry(code="other", label="Other"),
                 Entry(id=it.id, code="it", label="IT")],
    )

    role.refresh_from_db()
    assert (role.label, role.code, role.required) == ("Role now?", "job", False)
    assert [(c.pk, c.code, c.label) for c in role.choices.order_by("position")][::2] == [
        (biz.id, "biz", "Business people"), (it.id, "it", "IT")]
    assert positions_dense(draft)


def test_it_refuses_unknown_question_fields(draft):
    with pytest.raises(TypeError, match="type"):
        editing.question_update(question=_q(draft, "role"), type="multiple")


def test_it_moves_a_question_up_and_down(draft):
    pets = _q(draft, "pets")

    editing.question_move(question=pets, direction=-1)
    assert layout(draft)[0] == ["role", "pets", "tools"]
    editing.question_move(question=pets, direction=-1)
    editing.question_move(question=pets, direction=-1)  # already first: nothing changes
    assert layout(draft)[0] == ["pets", "role", "tools"]
    editing.question_move(question=pets, direction=1)
    assert layout(draft)[0] == ["role", "pets", "tools"]
    assert positions_dense(draft)


def test_it_moves_a_question_to_another_page(draft):
    first, second = _pages(draft)

    editing.question_move(question=_q(draft, "role"), page=second, position=1)

    assert layout(draft) == [["tools", "pets"], ["age", "role", "note"]]
    assert _q(draft, "role").page_id == second.pk
    assert positions_dense(draft)


def test_it_changes_nothing_when_the_same_move_is_posted_twice(draft):
    note, second = _q(draft, "note"), _pages(draft)[1]

    editing.question_move(question=note, page=second, position=0)
    editing.question_move(question=note, page=second, position=0)

    assert layout(draft)[1] == ["note", "age"]


def test_it_duplicates_a_question_just_after_it(draft):
    tools = _q(draft, "tools")

    copy = editing.question_duplicate(question=tools)

    assert copy.code == "tools_2" and copy.pk != tools.pk
    assert layout(draft)[0] == ["role", "tools", "tools_2", "pets"]
    assert list(copy.rows.order_by("position").values_list("code", "label")) == [("mail", "Mail"), ("chat", "Chat")]
    assert list(copy.choices.order_by("position").values_list("code", flat=True)) == ["never", "often"]
    assert positions_dense(draft)


def test_it_deletes_a_question_and_restores_it_exactly(draft):
    pets = _q(draft, "pets")
    editing.question_move(question=pets, direction=-1)
    before = layout(draft)
    choices = list(pets.choices.order_by("position").values_list("code", "label", "exclusive"))

    data = editing.question_delete(question=pets)

    assert layout(draft)[0] == ["role", "tools"]
    assert positions_dense(draft)
    restored = editing.question_restore(version=draft, data=data)
    assert layout(draft) == before
    assert restored.code == "pets" and restored.position == 1
    assert list(restored.choices.order_by("position").values_list("code", "label", "exclusive")) == choices


def test_it_restores_bounds_and_condition(draft):
    data = editing.question_delete(question=_q(draft, "age"))

    age = editing.question_restore(version=draft, data=data)

    assert (age.min_value, age.max_value, age.condition) == (Decimal(18), Decimal(99), "role = it")


def test_it_refuses_to_restore_a_question_whose_code_is_taken(draft):
    data = editing.question_delete(question=_q(draft, "note"))
    editing.question_add(version=draft, page=_pages(draft)[0], type="long_text", label="Note")

    with pytest.raises(EditError, match="'note'"):
        editing.question_restore(version=draft, data=data)


def test_it_refuses_to_restore_a_question_whose_page_is_gone(draft):
    data = editing.question_delete(question=_q(draft, "note"))
    editing.page_delete(page=_pages(draft)[1])

    with pytest.raises(EditError, match="page has been deleted"):
        editing.question_restore(version=draft, data=data)


# --- Choices and rows ------------------------------------------------------------------------


def test_it_replaces_choices_keeping_the_rows_it_edits(draft):
    pets = _q(draft, "pets")
    cat, dog, none = _entries(pets)

    editing.choices_replace(question=pets, entries=[
        Entry(id=none.id, code="nothing", label="None of these", exclusive=True),
        Entry(id=cat.id, code="cat", label="Cats"),
        Entry(code="fish", label="Fish"),
    ])

    choices = list(pets.choices.order_by("position"))
    assert [(c.code, c.label, c.exclusive) for c in choices] == [
        ("nothing", "None of these", True), ("cat", "Cats", False), ("fish", "Fish", False)]
    assert (choices[0].pk, choices[1].pk) == (none.id, cat.id)
    assert not Choice.objects.filter(pk=dog.id).exists()


def test_it_swaps_two_codes(draft):
    role = _q(draft, "role")
    it, biz = _entries(role)

    editing.choices_replace(question=role, entries=[Entry(id=it.id, code="biz", label="IT"),
                                                    Entry(id=biz.id, code="it", label="Business")])

    assert dict(role.choices.values_list("pk", "code")) == {it.id: "biz", biz.id: "it"}


def test_it_refuses_duplicate_codes(draft):
    role = _q(draft, "role")

    with pytest.raises(EditError, match="same code"):
        editing.choices_replace(question=role, entries=[Entry(code="a", label="A"), Entry(code="a", label="B")])
    assert role.choices.count() == 2


def test_it_refuses_an_entry_of_another_question(draft):
    role, pets = _q(draft, "role"), _q(draft, "pets")

    with pytest.raises(EditError, match="another question"):
        editing.choices_replace(question=role, entries=_entries(pets))


def test_it_marks_exclusive_only_where_the_type_has_it(draft):
    role = _q(draft, "role")

    editing.choices_replace(question=role, entries=[Entry(code="a", label="A", exclusive=True)])

    assert list(role.choices.values_list("exclusive", flat=True)) == [False]


def test_it_replaces_matrix_rows(draft):
    tools = _q(draft, "tools")
    mail, chat = _entries(tools, "rows")

    editing.rows_replace(question=tools, entries=[Entry(id=chat.id, code="chat", label="Chat"),
                                                  Entry(code="video", label="Video calls")])

    assert list(tools.rows.order_by("position").values_list("code", flat=True)) == ["chat", "video"]
    assert not MatrixRow.objects.filter(pk=mail.id).exists()


def test_it_refuses_rows_on_a_question_without_rows(draft):
    with pytest.raises(EditError, match="no rows"):
        editing.rows_replace(question=_q(draft, "role"), entries=[Entry(code="a", label="A")])


# --- Published versions: wording only -----------------------------------------------------------


def test_it_refuses_structure_on_a_published_version(published):
    page = _pages(published)[0]
    role = _q(published, "role")
    before = layout(published)

    for change in (
        lambda: editing.page_add(version=published),
        lambda: editing.page_move(page=page, position=1),
        lambda: editing.page_delete(page=page),
        lambda: editing.question_add(version=published, page=page, type="single"),
        lambda: editing.question_move(question=role, direction=1),
        lambda: editing.question_duplicate(question=role),
        lambda: editing.question_delete(question=role),
        lambda: editing.question_update(question=role, code="job"),
        lambda: editing.page_update(page=page, title="x", condition="role = it"),
        lambda: editing.choices_replace(question=role, entries=_entries(role)[:1]),
    ):
        with pytest.raises(FrozenVersionError):
            change()

    assert layout(published) == before
    role.refresh_from_db()
    assert role.code == "role"


def test_it_accepts_wording_fixes_on_a_published_version(published):
    role = _q(published, "role")
    it, biz = _entries(role)
    page = _pages(published)[0]

    editing.question_update(question=role, label="Your job?", help_text="Pick one.",
                            choices=[Entry(id=it.id, code="it", label="IT people"), biz])
    editing.page_update(page=page, title="You")
    editing.version_texts_update(version=published, intro="Hello.", thank_you="Thanks!")

    role.refresh_from_db()
    page.refresh_from_db()
    published.refresh_from_db()
    assert (role.label, role.help_text, page.title) == ("Your job?", "Pick one.", "You")
    assert list(role.choices.order_by("position").values_list("label", flat=True)) == ["IT people", "Business"]
    assert (published.intro, published.thank_you) == ("Hello.", "Thanks!")


def test_it_refuses_a_choice_code_change_on_a_published_version(published):
    role = _q(published, "role")
    it, biz = _entries(role)

    with pytest.raises(FrozenVersionError):
        editing.choices_replace(question=role, entries=[Entry(id=it.id, code="tech", label="IT"), biz])
    assert sorted(role.choices.values_list("code", flat=True)) == ["biz", "it"]


def test_it_edits_a_new_draft_made_from_a_published_version(published):
    draft = version_duplicate(version=published)

    editing.question_add(version=draft, page=_pages(draft)[0], type="date", label="Born")

    assert layout(draft)[0][-1] == "born"
    assert layout(published)[0] == ["role", "tools", "pets"]
