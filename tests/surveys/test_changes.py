"""What changes between two definitions (surveys.changes): pure, no database."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from surveys.changes import (
    CHOICE,
    ROW,
    ConditionChange,
    Relabel,
    definition_changes,
    definition_with_codes,
    new_codes,
    pair_pages,
)
from surveys.definition import ChoiceDef, HiddenFieldDef, PageDef, QuestionDef, RowDef, SurveyDef
from surveys.definition_files import CODE_RE

ROLE = QuestionDef(
    code="role", type="single", label="Your role?", required=True,
    choices=(ChoiceDef("it", "IT"), ChoiceDef("business", "Business")),
)
USAGE = QuestionDef(
    code="usage", type="matrix", label="How often?",
    rows=(RowDef("twitter", "Twitter"), RowDef("blogs", "Blogs")),
    choices=(ChoiceDef("never", "Never"), ChoiceDef("often", "Often")),
)
BARRIERS = QuestionDef(
    code="barriers", type="multiple", label="Barriers?",
    choices=(ChoiceDef("roi", "ROI"), ChoiceDef("none", "None", exclusive=True)),
)
AGE = QuestionDef(code="age", type="integer", label="Age?", min_value=Decimal(18))
COMMENTS = QuestionDef(code="comments", type="long_text", label="Comments?", condition="role = it")


def survey(*pages: PageDef, **fields) -> SurveyDef:
    return SurveyDef(slug="s", title="S", pages=pages, **fields)


OLD = survey(
    PageDef("About you", (ROLE, AGE)),
    PageDef("Usage", (USAGE, BARRIERS)),
    PageDef("", (COMMENTS,)),
)


def _edit(definition: SurveyDef, code: str, **fields) -> SurveyDef:
    """The definition with one question changed."""
    return replace(definition, pages=tuple(
        replace(p, questions=tuple(replace(q, **fields) if q.code == code else q for q in p.questions))
        for p in definition.pages
    ))


def test_it_finds_hidden_fields_added_removed_and_changed_by_code():
    old = replace(OLD, hidden_fields=(HiddenFieldDef("rid"), HiddenFieldDef("src", ("li", "tw")),
                                      HiddenFieldDef("wave")))
    new = replace(OLD, hidden_fields=(HiddenFieldDef("src", ("li",), description="Source"), HiddenFieldDef("rid"),
                                      HiddenFieldDef("batch")))

    changes = definition_changes(old, new)

    assert bool(changes)
    assert [h.code for h in changes.hidden_added] == ["batch"]
    assert [h.code for h in changes.hidden_removed] == ["wave"]
    [change] = changes.hidden_changed
    assert (change.new.code, change.values_changed, change.description_changed) == ("src", True, True)
    assert not changes.questions_changed


def test_it_finds_no_change_between_equal_definitions():
    changes = definition_changes(OLD, OLD)
    assert not changes
    assert changes.relabels == () and changes.conditions_changed == ()


def test_it_finds_questions_added_and_removed():
    age2 = replace(AGE, code="age2")
    new = survey(PageDef("About you", (ROLE, AGE)), PageDef("Usage", (USAGE,)), PageDef("", (COMMENTS, age2)))
    changes = definition_changes(OLD, new)
    assert [(p, q.code) for p, q in changes.questions_added] == [(2, "age2")]
    assert [(p, q.code) for p, q in changes.questions_removed] == [(1, "barriers")]
    assert changes.questions_changed == ()
    assert not changes.questions_reordered


def test_it_finds_each_changed_field_of_a_question():
    new = _edit(OLD, "age", label="Your age?", required=True, min_value=Decimal(16), max_value=Decimal(99),
                help_text="In years", type="decimal")
    (change,) = definition_changes(OLD, new).questions_changed
    assert change.code == "age"
    assert {(f.name, f.old, f.new) for f in change.fields} == {
        ("label", "Age?", "Your age?"),
        ("required", False, True),
        ("min_value", Decimal(18), Decimal(16)),
        ("max_value", None, Decimal(99)),
        ("help_text", "", "In years"),
        ("type", "integer", "decimal"),
    }
    assert not change.choices and not change.rows and not change.moved


def test_it_finds_settings_of_text_questions_and_segments():
    new = _edit(_edit(OLD, "comments", max_length=500, personal_data=True), "role", segment=True)
    changed = {c.code: {f.name for f in c.fields} for c in definition_changes(OLD, new).questions_changed}
    assert changed == {"comments": {"max_length", "personal_data"}, "role": {"segment"}}


def test_it_finds_choices_added_removed_and_relabelled():
    new = _edit(OLD, "role", choices=(ChoiceDef("it", "Information technology"), ChoiceDef("hr", "HR")))
    (change,) = definition_changes(OLD, new).questions_changed
    assert [c.code for c in change.choices.added] == ["hr"]
    assert [c.code for c in change.choices.removed] == ["business"]
    assert change.choices.relabelled == (Relabel(CHOICE, "role", "it", "IT", "Information technology"),)
    assert not change.rows and change.fields == ()


def test_it_finds_rows_relabelled_apart_from_the_scale():
    new = _edit(OLD, "usage", rows=(RowDef("twitter", "X (Twitter)"), RowDef("blogs", "Blogs")),
                choices=(ChoiceDef("never", "Not at all"), ChoiceDef("often", "Often")))
    changes = definition_changes(OLD, new)
    assert changes.relabels == (
        Relabel(ROW, "usage", "twitter", "Twitter", "X (Twitter)"),
        Relabel(CHOICE, "usage", "never", "Never", "Not at all"),
    )
    assert changes.relabels[0].key == "row.usage.twitter"


def test_it_finds_a_choice_made_exclusive_and_choices_reordered():
    new = _edit(OLD, "barriers", choices=(ChoiceDef("none", "None"), ChoiceDef("roi", "ROI")))
    (change,) = definition_changes(OLD, new).questions_changed
    assert [c.code for c in change.choices.exclusive_changed] == ["none"]
    assert change.choices.reordered
    assert change.choices.relabelled == ()


def test_it_finds_conditions_changed_on_questions_and_pages():
    new = _edit(OLD, "comments", condition="role = business")
    new = replace(new, pages=(*new.pages[:2], replace(new.pages[2], condition="age >= 18")))
    changes = definition_changes(OLD, new)
    assert changes.conditions_changed == (
        ConditionChange(page=2, question=None, old="", new="age >= 18"),
        ConditionChange(page=2, question=new.pages[2].questions[0], old="role = it", new="role = business"),
    )


def test_it_finds_pages_added_removed_and_retitled():
    new = survey(
        PageDef("Welcome", ()),
        PageDef("About yourself", (ROLE, AGE)),
        PageDef("Usage", (USAGE, BARRIERS, COMMENTS)),
    )
    changes = definition_changes(OLD, new)
    assert [(i, p.title) for i, p in changes.pages_added] == [(0, "Welcome")]
    assert [i for i, _ in changes.pages_removed] == [2]
    assert [(p.old_index, p.new_index, p.retitled) for p in changes.pages_changed] == [(0, 1, True)]
    (moved,) = changes.questions_changed
    assert (moved.code, moved.moved, moved.old_page, moved.new_page) == ("comments", True, 2, 2)
    assert not changes.pages_reordered and not changes.questions_reordered


def test_it_finds_reordered_questions_and_pages():
    reordered = survey(PageDef("Usage", (BARRIERS, USAGE)), PageDef("About you", (ROLE, AGE)), OLD.pages[2])
    changes = definition_changes(OLD, reordered)
    assert changes.pages_reordered and changes.questions_reordered
    assert changes.questions_changed == ()  # every question kept its page
    assert changes.pages_added == changes.pages_removed == ()


def test_it_pairs_pages_by_shared_questions_then_by_title():
    old = (PageDef("A", (ROLE,)), PageDef("B", ()), PageDef("C", (AGE, COMMENTS)), PageDef("", ()))
    new = (PageDef("B", ()), PageDef("", ()), PageDef("C", (ROLE, AGE, COMMENTS)), PageDef("D", ()))
    # New "C" shares one question with old A and two with old C; "B" goes by its title, and
    # the empty untitled page by being equal. Old A was removed, new D added.
    assert pair_pages(old, new) == {2: 2, 0: 1, 1: 3}


def test_it_pairs_pages_sharing_as_many_questions_by_position():
    old = (PageDef("A", (ROLE,)), PageDef("B", (AGE,)))
    new = (PageDef("", (AGE, ROLE)),)
    assert pair_pages(old, new) == {0: 0}


def test_it_finds_the_intro_and_thank_you_changed():
    changes = definition_changes(OLD, replace(OLD, intro="Hello", thank_you="Bye"))
    assert changes.intro_changed and changes.thank_you_changed and bool(changes)


def test_it_gives_new_codes_unique_in_both_versions():
    old = _edit(OLD, "role", choices=(*ROLE.choices, ChoiceDef("hr", "HR")))
    new = _edit(OLD, "role", choices=(ChoiceDef("it", "HR"), ChoiceDef("business", "Hr")))
    relabels = definition_changes(old, new).relabels
    # Both new labels make "hr", which version 1 already uses for a removed choice.
    assert new_codes(old, new, relabels) == {"choice.role.it": "hr_2", "choice.role.business": "hr_3"}


def test_it_renames_only_the_options_given_new_codes():
    renamed = definition_with_codes(OLD, {"row.usage.twitter": "x_twitter", "choice.role.it": "tech"})
    assert renamed.questions["usage"].row_codes == ("x_twitter", "blogs")
    assert renamed.questions["usage"].choice_codes == ("never", "often")
    assert renamed.questions["role"].choice_codes == ("tech", "business")
    assert definition_with_codes(OLD, {}) is OLD


# --- Properties, over random pairs of small definitions -------------------------------------

LABELS = st.sampled_from(["A", "B", "Yes", "No", "Often", "Never"])
TYPES = st.sampled_from(["single", "multiple", "matrix", "short_text", "integer"])


@st.composite
def options(draw, cls):
    codes = draw(st.lists(st.sampled_from(["x", "y", "z", "w"]), unique=True, max_size=3))
    return tuple(cls(code, draw(LABELS)) for code in codes)


@st.composite
def definitions(draw):
    codes = draw(st.lists(st.sampled_from(["q1", "q2", "q3", "q4", "q5", "q6"]), unique=True, max_size=6))
    questions = [
        QuestionDef(
            code=code, type=draw(TYPES), label=draw(LABELS), required=draw(st.booleans()),
            condition=draw(st.sampled_from(["", "q1 = x"])),
            choices=draw(options(ChoiceDef)), rows=draw(options(RowDef)),
        )
        for code in codes
    ]
    cuts = sorted(draw(st.lists(st.integers(0, len(questions)), max_size=3)))
    bounds = [0, *cuts, len(questions)]
    pages = tuple(
        PageDef(draw(st.sampled_from(["", "One", "Two"])), tuple(questions[a:b]))
        for a, b in zip(bounds, bounds[1:], strict=False)
    )
    return survey(*pages)


@given(definitions())
def test_a_definition_against_itself_changes_nothing(definition):
    assert not definition_changes(definition, definition)


@given(definitions(), definitions())
def test_added_and_removed_questions_are_the_codes_in_one_only(old, new):
    changes = definition_changes(old, new)
    assert {q.code for _, q in changes.questions_added} == set(new.questions) - set(old.questions)
    assert {q.code for _, q in changes.questions_removed} == set(old.questions) - set(new.questions)
    backwards = definition_changes(new, old)
    assert {q.code for _, q in backwards.questions_added} == {q.code for _, q in changes.questions_removed}


@given(definitions(), definitions())
def test_every_question_that_differs_is_changed_and_only_kept_ones(old, new):
    changed = {c.code for c in definition_changes(old, new).questions_changed}
    kept = set(old.questions) & set(new.questions)
    assert {code for code in kept if old.questions[code] != new.questions[code]} <= changed <= kept


@given(definitions(), definitions())
def test_relabels_are_the_options_kept_with_another_label(old, new):
    expected = {
        (kind, code, option.code)
        for code in set(old.questions) & set(new.questions)
        for kind, before, after in (
            (CHOICE, old.questions[code].choices, new.questions[code].choices),
            (ROW, old.questions[code].rows, new.questions[code].rows),
        )
        for option in after
        if any(o.code == option.code and o.label != option.label for o in before)
    }
    relabels = definition_changes(old, new).relabels
    assert {(r.kind, r.question, r.code) for r in relabels} == expected
    swapped = {(r.kind, r.question, r.code, r.new_label, r.old_label) for r in definition_changes(new, old).relabels}
    assert swapped == {(r.kind, r.question, r.code, r.old_label, r.new_label) for r in relabels}


@given(definitions(), definitions())
def test_new_codes_are_valid_and_unique_within_their_question(old, new):
    relabels = definition_changes(old, new).relabels
    codes = new_codes(old, new, relabels)
    renamed = definition_with_codes(new, codes)
    for relabel in relabels:
        code = codes[relabel.key]
        assert CODE_RE.match(code)
        kind_codes = "choice_codes" if relabel.kind == CHOICE else "row_codes"
        assert code not in getattr(old.questions[relabel.question], kind_codes)
        after = getattr(renamed.questions[relabel.question], kind_codes)
        assert len(set(after)) == len(after)
    assert definition_changes(new, renamed).relabels == ()  # codes change, labels do not
