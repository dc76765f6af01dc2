"""The condition picker's model (builder.condition_picker) and what it shows
(builder.condition_display): form data <-> condition trees, placed errors, buttons.

The property tests build random condition trees over a survey with a question of every
type, turn each into the picker's rows, render the picker's HTML, read back what a
browser would submit from it, and check that the server rebuilds the very same tree, the
one that parsing its text gives: conditions built with the picker equal the typed ones.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.condition_display import Place, condition_picker
from builder.condition_picker import (
    MAX_GROUP_DEPTH,
    MAX_ROWS,
    PickerInvalid,
    Rows,
    form_data,
    form_from_node,
    node_from_form,
    node_from_rows,
    operator_words,
    rows_apply,
    rows_from_form,
)
from surveys.conditions import And, Compare, ConditionError, Has, In, Node, Not, Or, Ref, parse, to_text
from surveys.definition_files import definition_from_data
from tests.kit.html_form import submitted_data
from tests.kit.surveys import EVERY_TYPE

DEFINITION = definition_from_data(EVERY_TYPE)
QUESTIONS = DEFINITION.questions
PLACE = Place("version:1", DEFINITION, None)
P = "condition"


def _data(fields: dict[str, str | list[str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in fields.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def _leaf_form(*leaves: dict, root_kind: str = "all") -> QueryDict:
    """Form data of a top group holding the given leaves (ids 2, 3, ...)."""
    fields: dict[str, str | list[str]] = {f"{P}-node": ["1"], f"{P}-1-parent": "", f"{P}-1-kind": root_kind}
    for number, leaf in enumerate(leaves, 2):
        fields[f"{P}-node"].append(str(number))
        fields[f"{P}-{number}-parent"] = "1"
        fields[f"{P}-{number}-kind"] = "leaf"
        for key, value in leaf.items():
            fields[f"{P}-{number}-{key}"] = value
    return _data(fields)


def _errors(data: QueryDict, available=None) -> list:
    with pytest.raises(PickerInvalid) as caught:
        node_from_form(data, P, questions=QUESTIONS, available=available)
    return caught.value.errors


def _render(picker) -> str:
    return render_to_string("builder/conditions/_picker.html", {"picker": picker})


# --- Random trees, as the picker builds them -------------------------------------------

REFS = [
    (question, row)
    for question in QUESTIONS.values()
    for row in (question.row_codes if question.question_type.has_rows else (None,))
]
TEXTS = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1, max_size=12).filter(
    str.strip
)
NUMBERS = st.one_of(
    st.integers(-(10**9), 10**9).map(Decimal),
    st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False, allow_infinity=False),
)
DATES = st.dates(min_value=date(1000, 1, 1), max_value=date(2999, 12, 31)).map(date.isoformat)


def _value_strategy(question):
    return {"number": NUMBERS, "date": DATES, "text": TEXTS}[question.question_type.column]


@st.composite
def leaves(draw) -> Node:
    question, row = draw(st.sampled_from(REFS))
    ref = Ref(question.code, row)
    op = draw(st.sampled_from(sorted(question.question_type.operators)))
    choice = question.question_type.column == "choice"
    if op in ("in", "not in"):
        if choice:
            # Checkboxes post the checked choices in the order they are listed.
            picked = draw(st.sets(st.sampled_from(question.choice_codes), min_size=1))
            values = tuple(code for code in question.choice_codes if code in picked)
        else:
            values = tuple(draw(st.lists(_value_strategy(question), min_size=1, max_size=4)))
        node: Node = In(ref, values, negated=op == "not in")
    elif op == "has":
        node = Has(ref, draw(st.sampled_from(question.choice_codes)))
    else:
        value = draw(st.sampled_from(question.choice_codes)) if choice else draw(_value_strategy(question))
        node = Compare(ref, op, value)
    return Not(node) if draw(st.booleans()) else node


def _combine(cls, operands: list[Node]) -> Node:
    flat: list[Node] = []
    for operand in operands:
        flat.extend(operand.operands if isinstance(operand, cls) else (operand,))
    return cls(tuple(flat))


def _depth(node: Node) -> int:
    match node:
        case Not(operand):
            return 1 + _depth(operand)
        case And(operands) | Or(operands):
            return 1 + max(map(_depth, operands))
    return 0


trees = st.recursive(
    leaves(),
    lambda children: st.one_of(
        children.map(Not),
        st.lists(children, min_size=2, max_size=4).map(lambda ops: _combine(And, ops)),
        st.lists(children, min_size=2, max_size=4).map(lambda ops: _combine(Or, ops)),
    ),
    max_leaves=12,
).filter(lambda tree: _depth(tree) <= MAX_GROUP_DEPTH)


@given(trees)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_it_rebuilds_every_tree_from_the_browsers_form_data(tree):
    assert parse(to_text(tree)) == tree  # the tree is one a typed condition gives
    picker = condition_picker(prefix=P, place=PLACE, preview_url="/preview/", stored=to_text(tree))
    assert picker.valid, picker.errors
    posted = submitted_data(_render(picker))
    assert node_from_form(posted, P, questions=QUESTIONS) == tree
    # The documented encoding says the same as the rendered form.
    assert node_from_form(_data(form_data(form_from_node(tree), P)), P, questions=QUESTIONS) == tree


@given(trees)
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_it_switches_to_text_and_back_without_change(tree):
    rows = form_data(form_from_node(tree), P)
    data = _data({**rows, f"{P}-action": "text"})
    to_text_mode = condition_picker(prefix=P, place=PLACE, preview_url="/p/", data=data)
    assert to_text_mode.mode == "text"
    assert to_text_mode.text == to_text(tree)
    back = submitted_data(_render(to_text_mode), button=(f"{P}-action", "picker"))
    picker = condition_picker(prefix=P, place=PLACE, preview_url="/p/", data=back)
    assert picker.mode == "picker"
    assert node_from_form(submitted_data(_render(picker)), P, questions=QUESTIONS) == tree


KEYS = st.sampled_from(["node", "1-parent", "1-kind", "2-parent", "2-kind", "2-ref", "2-op", "2-value", "2-not",
                        "2-shown", "3-parent", "3-kind", "3-ref", "mode", "text", "action", "x"])
JUNK = st.one_of(st.sampled_from(["", "1", "2", "3", "all", "any", "notany", "leaf", "notall", "role", "tools.mail",
                                  "age", "=", "in", "has", "<", "add:1", "group:2", "remove:2", "text", "picker",
                                  "picker", "clear", "red", "1e9", "(", "tools"]), st.text(max_size=8))


@given(st.dictionaries(KEYS, st.lists(JUNK, max_size=3), max_size=12))
@settings(max_examples=200, deadline=None)
def test_it_answers_any_forged_form_with_a_picker_or_placed_errors(fields):
    data = QueryDict(mutable=True)
    for key, values in fields.items():
        data.setlist(f"{P}-{key}", values)
    try:
        node_from_form(data, P, questions=QUESTIONS)
    except (PickerInvalid, ConditionError):
        pass
    _render(condition_picker(prefix=P, place=PLACE, preview_url="/p/", data=data))


# --- Rows <-> trees --------------------------------------------------------------------


def test_it_reads_an_empty_picker_as_no_condition():
    assert node_from_form(QueryDict(), P, questions=QUESTIONS) is None
    assert node_from_form(_leaf_form(), P, questions=QUESTIONS) is None


def test_it_builds_the_demo_example():
    data = _data({
        f"{P}-node": ["1", "2", "3", "4", "5"],
        f"{P}-1-parent": "", f"{P}-1-kind": "all",
        f"{P}-2-parent": "1", f"{P}-2-kind": "leaf", f"{P}-2-ref": "colour", f"{P}-2-op": "=", f"{P}-2-value": "red",
        f"{P}-3-parent": "1", f"{P}-3-kind": "any",
        f"{P}-4-parent": "3", f"{P}-4-kind": "leaf", f"{P}-4-ref": "tools.mail", f"{P}-4-op": "in",
        f"{P}-4-value": ["never", "often"],
        f"{P}-5-parent": "3", f"{P}-5-kind": "leaf", f"{P}-5-not": "1", f"{P}-5-ref": "country", f"{P}-5-op": "=",
        f"{P}-5-value": "fr",
    })
    node = node_from_form(data, P, questions=QUESTIONS)
    assert to_text(node) == "colour = red and (tools.mail in (never, often) or not country = fr)"


@pytest.mark.parametrize("text", [
    "not not colour = red",
    "not (colour = red and age > 3)",
    "not (colour = red or age > 3)",
    "colour = red or age > 3 and not (pets has cat or born < '2000-01-01')",
    "nickname in ('a, b', 'it''s', '12')",
    "height >= -0.5",
])
def test_it_gives_the_rows_of_a_tree_that_rebuild_it(text):
    tree = parse(text)
    node, errors = node_from_rows(form_from_node(tree), QUESTIONS)
    assert errors == []
    assert node == tree


def test_it_writes_a_digit_code_as_a_quoted_code():
    # Typed `colour = 10` is a number; the picker's choice is the code '10' (the same answers).
    definition = definition_from_data({**EVERY_TYPE, "pages": [{"title": "p", "questions": [
        {"code": "size", "type": "single", "label": "Size", "choices": [{"code": "10", "label": "Ten"}]}]}]})
    data = _leaf_form({"ref": "size", "op": "=", "value": "10"})
    assert to_text(node_from_form(data, P, questions=definition.questions)) == "size = '10'"


def test_it_shows_operators_in_words():
    assert operator_words("in") == "is one of"
    assert operator_words("not in") == "is none of"
    assert operator_words("has") == "includes"
    assert operator_words("<", QUESTIONS["age"]) == "is less than"
    assert operator_words("<", QUESTIONS["born"]) == "is before"


# --- Placed errors -------------------------------------------------------------------


def test_it_refuses_an_operator_that_does_not_fit_the_type():
    [error] = _errors(_leaf_form({"ref": "colour", "op": "<", "value": "red"}))
    assert (error.row, error.field) == ("2", "op")
    assert "“is less than” does not apply" in error.message
    [error] = _errors(_leaf_form({"ref": "pets", "op": "=", "value": "cat"}))
    assert (error.row, error.field) == ("2", "op")


def test_it_refuses_a_value_that_is_not_a_choice():
    [error] = _errors(_leaf_form({"ref": "colour", "op": "in", "value": ["red", "green"]}))
    assert (error.row, error.field) == ("2", "value")
    assert "'green' is not a choice of “Colour?”" in error.message


@pytest.mark.parametrize(("leaf", "message"), [
    ({"ref": "age", "op": "=", "value": "twelve"}, "'twelve' is not a number"),
    ({"ref": "born", "op": "<", "value": "2020-02-30"}, "is not a date"),
    ({"ref": "colour", "op": "=", "value": ["red", "blue"]}, "takes one value"),
    ({"ref": "nickname", "op": "=", "value": "x" * 501}, "at most 500 characters"),
    ({"ref": "colour", "op": "~", "value": "red"}, "'~' is not an operator"),
])
def test_it_places_a_wrong_value_or_operator_on_its_row(leaf, message):
    [error] = _errors(_leaf_form(leaf))
    assert error.row == "2"
    assert message in error.message
    assert not error.incomplete


def test_it_refuses_a_question_asked_later():
    [error] = _errors(_leaf_form({"ref": "age", "op": ">", "value": "3"}), available={"colour", "country"})
    assert (error.row, error.field) == ("2", "ref")
    assert "“Age?” is not asked before this point" in error.message


@pytest.mark.parametrize(("ref", "message"), [
    ("nope", "There is no question 'nope'"),
    ("tools", "Choose one of the rows of “How often?”"),
    ("tools.fax", "“How often?” has no row 'fax'"),
    ("colour.red", "“Colour?” has no rows"),
    ("a b", "There is no question 'a b'"),
])
def test_it_places_a_wrong_question_on_its_row(ref, message):
    [error] = _errors(_leaf_form({"ref": ref, "op": "=", "value": "red"}))
    assert (error.row, error.field) == ("2", "ref")
    assert message in error.message


def test_it_marks_what_is_only_missing_as_unfinished():
    errors = _errors(_leaf_form({}, {"ref": "colour", "op": "="}, {"ref": "tools.mail", "op": "in"}))
    assert [(e.row, e.field, e.incomplete) for e in errors] == [
        ("2", "ref", True), ("3", "value", True), ("4", "value", True)
    ]
    assert [e.message for e in errors] == ["Choose a question.", "Choose a value.", "Choose at least one value."]


def test_it_resets_the_operator_and_values_when_the_question_changed():
    # Shown as "colour is one of (red)"; the author then picked another question.
    data = _leaf_form({"ref": "age", "op": "in", "value": "red", "shown": "colour in"})
    [error] = _errors(data)
    assert (error.field, error.incomplete) == ("value", True)
    rows = rows_from_form(data, P)
    assert (rows.rows[1].op, rows.rows[1].values) == ("", ())
    picker = condition_picker(prefix=P, place=PLACE, preview_url="/p/", data=data)
    assert picker.root.items[0].op == "="  # the number question's first operator


def test_it_keeps_one_value_when_the_operator_changed_to_a_single_one():
    data = _leaf_form({"ref": "colour", "op": "=", "value": ["red", "blue"], "shown": "colour in"})
    assert to_text(node_from_form(data, P, questions=QUESTIONS)) == "colour = red"


def _rows_form(rows: dict[str, tuple[str, str]], order: list[str] | None = None) -> QueryDict:
    """Form data of rows given as id -> (parent, kind); leaves ask colour = red."""
    fields: dict[str, str | list[str]] = {f"{P}-node": order or list(rows)}
    for row_id, (parent, kind) in rows.items():
        fields[f"{P}-{row_id}-parent"] = parent
        fields[f"{P}-{row_id}-kind"] = kind
        fields.update({f"{P}-{row_id}-ref": "colour", f"{P}-{row_id}-op": "=", f"{P}-{row_id}-value": "red"})
    return _data(fields)


@pytest.mark.parametrize(("rows", "row", "message"), [
    ({"1": ("", "all"), "2": ("9", "leaf")}, "2", "in a group '9' that does not exist"),
    ({"1": ("", "all"), "2": ("3", "any"), "3": ("2", "any"), "4": ("3", "leaf")}, "2", "in a cycle"),
    ({"1": ("", "all"), "2": ("1", "maybe")}, "2", "unknown kind 'maybe'"),
    ({"1": ("", "all"), "2": ("1", "leaf"), "3": ("2", "leaf")}, "3", "inside a condition, not a group"),
    ({"1": ("", "all"), "2": ("", "any")}, "2", "outside the condition's top group"),
    ({"1": ("2", "all"), "2": ("1", "all")}, "", "no top group"),
    ({"1": ("", "leaf")}, "", "no top group"),
])
def test_it_places_malformed_rows(rows, row, message):
    errors = _errors(_rows_form(rows))
    assert any(e.row == row and message in e.message for e in errors), errors


def test_it_refuses_a_row_given_twice_and_bad_ids():
    errors = _errors(_rows_form({"1": ("", "all"), "2": ("1", "leaf")}, order=["1", "2", "2", "<b>"]))
    assert {e.message for e in errors} == {"Row '2' appears twice.", "Row '<b>' has an invalid id."}


def test_it_limits_the_number_of_rows():
    rows = {"1": ("", "all")} | {str(i): ("1", "leaf") for i in range(2, MAX_ROWS + 2)}
    [error] = _errors(_rows_form(rows))
    assert error.row == ""
    assert f"at most {MAX_ROWS} rows" in error.message


def test_it_limits_how_deeply_groups_nest():
    rows = {"1": ("", "all")} | {str(i): (str(i - 1), "any" if i % 2 else "all") for i in range(2, 15)}
    errors = _errors(_rows_form(rows))
    assert any(f"at most {MAX_GROUP_DEPTH} levels" in e.message for e in errors)


def test_it_rebuilds_the_picker_of_a_huge_forged_form_without_its_rows():
    rows = {"1": ("", "all")} | {str(i): ("1", "leaf") for i in range(2, 500)}
    picker = condition_picker(prefix=P, place=PLACE, preview_url="/p/", data=_rows_form(rows))
    assert not picker.valid
    assert picker.root.items == []
    assert "at most 100 rows" in _render(picker)


# --- Buttons -------------------------------------------------------------------------


def _apply(rows: Rows, action: str) -> Rows:
    name, _, row_id = action.partition(":")
    return rows_apply(rows, name, row_id)


def test_it_adds_a_condition_at_the_end_of_a_group_and_focuses_it():
    rows = form_from_node(parse("colour = red and (age > 3 or born < '2000-01-01')"))
    added = _apply(rows, "add:3")
    assert [(r.id, r.parent, r.kind) for r in added.rows] == [
        ("1", "", "all"), ("2", "1", "leaf"), ("3", "1", "any"), ("4", "3", "leaf"), ("5", "3", "leaf"),
        ("6", "3", "leaf"),
    ]
    assert added.focus == "6"


def test_it_adds_a_group_of_the_other_kind_with_one_condition():
    added = _apply(form_from_node(parse("colour = red")), "group:1")
    assert [(r.id, r.parent, r.kind) for r in added.rows] == [
        ("1", "", "all"), ("2", "1", "leaf"), ("3", "1", "any"), ("4", "3", "leaf")
    ]
    assert added.focus == "4"


def test_it_removes_a_group_with_its_conditions_and_keeps_the_top_group():
    rows = form_from_node(parse("colour = red and (age > 3 or born < '2000-01-01')"))
    removed = _apply(rows, "remove:3")
    assert [r.id for r in removed.rows] == ["1", "2"]
    assert removed.focus == "1"
    assert _apply(rows, "remove:1").rows == rows.rows
    assert _apply(rows, "remove:99").rows == rows.rows
    assert _apply(rows, "clear").rows == rows.rows[:1]


def test_it_applies_a_posted_button_before_showing_the_rows():
    data = _leaf_form({"ref": "colour", "op": "=", "value": "red"})
    data[f"{P}-action"] = "add:1"
    picker = condition_picker(prefix=P, place=PLACE, preview_url="/p/", data=data)
    assert [item.row.id for item in picker.root.items] == ["2", "3"]
    assert picker.partial_text == "colour = red"  # the new condition is unfinished
    html = _render(picker)
    assert 'id="condition-3-ref"' in html and "autofocus" in html


# --- What the picker shows --------------------------------------------------------------


def test_it_offers_earlier_questions_with_matrix_rows_by_label():
    place = Place("question:9", DEFINITION, frozenset({"colour", "tools"}))
    picker = condition_picker(prefix=P, place=place, preview_url="/p/", data=_leaf_form({}))
    [group] = picker.root.items[0].ref_groups[1:]
    assert [(o.value, o.label) for o in group.options] == [
        ("colour", "Colour?"), ("tools.mail", "Mail — How often?"), ("tools.chat", "Chat — How often?")
    ]


def test_it_shows_what_a_stored_condition_names_even_when_it_is_wrong():
    place = Place("question:9", DEFINITION, frozenset({"colour"}))
    picker = condition_picker(prefix=P, place=place, preview_url="/p/", stored="age > 3 and colour in (red, pink)")
    later, wrong_choice = picker.root.items
    assert later.ref_groups[0].options[0].label == "Age? (asked later)"
    assert [o.value for o in wrong_choice.value_options if o.selected] == ["pink", "red"]
    html = _render(picker)
    assert "pink (not a choice)" in html
    assert "is not asked before this point" in html


@pytest.mark.parametrize(("leaf", "widget", "input_type"), [
    ({"ref": "colour", "op": "="}, "select", "text"),
    ({"ref": "colour", "op": "not in"}, "checkboxes", "text"),
    ({"ref": "pets", "op": "has"}, "select", "text"),
    ({"ref": "age", "op": ">="}, "input", "number"),
    ({"ref": "age", "op": "in", "value": ["3", "4"]}, "inputs", "number"),
    ({"ref": "born", "op": "<"}, "input", "date"),
    ({"ref": "nickname", "op": "="}, "input", "text"),
    ({"ref": "age", "op": "=", "value": "abc"}, "input", "text"),  # shown as typed, not blanked
])
def test_it_offers_the_value_control_that_fits(leaf, widget, input_type):
    picker = condition_picker(prefix=P, place=PLACE, preview_url="/p/", data=_leaf_form(leaf))
    view = picker.root.items[0]
    assert (view.widget, view.input_type) == (widget, input_type)


def test_it_leaves_one_more_blank_input_for_a_list_of_numbers():
    picker = condition_picker(prefix=P, place=PLACE, preview_url="/p/",
                              data=_leaf_form({"ref": "age", "op": "in", "value": ["3", "4"]}))
    assert picker.root.items[0].input_values == ["3", "4", ""]


def test_it_opens_a_stored_text_that_does_not_parse_in_text_mode_with_a_caret():
    picker = condition_picker(prefix=P, place=PLACE, preview_url="/p/", stored="colour = red and rol = x")
    assert picker.mode == "picker"  # it parses: the unknown question is shown on its row
    data = _data({f"{P}-mode": "text", f"{P}-text": "colour = red and\nrol = x"})
    picker = condition_picker(prefix=P, place=PLACE, preview_url="/p/", data=data)
    assert str(picker.text_error) == "at position 17: unknown question 'rol'"
    assert (picker.caret_line, picker.caret_marker) == ("rol = x", "^")
    picker = condition_picker(prefix=P, place=PLACE, preview_url="/p/", stored="colour = = red")
    assert picker.mode == "text"
    assert picker.caret_marker == "         ^"


def test_it_stays_in_text_mode_until_the_text_parses():
    data = _data({f"{P}-mode": "text", f"{P}-text": "colour = (", f"{P}-action": "picker"})
    picker = condition_picker(prefix=P, place=PLACE, preview_url="/p/", data=data)
    assert picker.mode == "text"
    assert not picker.valid
    assert "Correct the text before going back to the picker." in _render(picker)


def test_it_refuses_to_switch_to_text_with_a_wrong_row():
    data = _leaf_form({"ref": "colour", "op": "=", "value": "green"})
    data[f"{P}-action"] = "text"
    picker = condition_picker(prefix=P, place=PLACE, preview_url="/p/", data=data)
    assert picker.mode == "picker"
    assert "Correct the marked problems before switching to text." in _render(picker)


def test_it_saves_a_typed_condition_in_its_canonical_form():
    data = _data({f"{P}-mode": "text", f"{P}-text": "colour = red AND (age>3)"})
    picker = condition_picker(prefix=P, place=PLACE, preview_url="/p/", data=data)
    assert picker.valid
    assert picker.saved_text == "colour = red and age > 3"
