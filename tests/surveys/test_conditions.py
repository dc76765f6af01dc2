"""The condition language: parsing, printing, checking against a survey and evaluating.

No database and no Django: `surveys.conditions` is pure Python.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.conditions import (
    MAX_DEPTH,
    And,
    Compare,
    ConditionError,
    Has,
    In,
    Not,
    Or,
    Ref,
    check,
    evaluate,
    parse,
    references,
    to_text,
)
from surveys.definition import ChoiceDef, QuestionDef, RowDef


def _choices(*codes: str) -> tuple[ChoiceDef, ...]:
    return tuple(ChoiceDef(code, code.title()) for code in codes)


QUESTIONS = {
    q.code: q
    for q in (
        QuestionDef("role", "single", "Role", choices=_choices("it", "business")),
        QuestionDef(
            "company_usage",
            "matrix",
            "Company usage",
            rows=(RowDef("twitter", "Twitter"), RowDef("facebook", "Facebook")),
            choices=_choices("none", "experimenting", "some", "widespread"),
        ),
        QuestionDef(
            "personal_use",
            "matrix",
            "Personal use",
            rows=(RowDef("twitter", "Twitter"), RowDef("facebook", "Facebook")),
            choices=_choices("never", "less_monthly", "monthly", "weekly", "daily"),
        ),
        QuestionDef("barriers", "multiple", "Barriers", choices=_choices("roi", "security", "no_barriers")),
        QuestionDef("revenue", "single", "Revenue", choices=_choices("lt_100m", "100m_1b", "1b_10b", "gt_10b")),
        QuestionDef("age", "integer", "Age"),
        QuestionDef("nps", "rating", "Recommend?"),
        QuestionDef("start", "date", "Start date"),
        QuestionDef("comments", "long_text", "Comments"),
    )
}

ANSWERS = {
    "role": "it",
    "company_usage": {"twitter": "some", "facebook": "none"},
    "personal_use": {"twitter": "never"},
    "barriers": frozenset({"roi", "security"}),
    "revenue": "100m_1b",
    "age": 42,
    "nps": Decimal("7.5"),
    "start": date(2020, 6, 1),
    "comments": "hello world",
}


def _holds(text: str, answers: dict | None = None) -> bool:
    return evaluate(parse(text), ANSWERS if answers is None else answers)


def _error(text: str) -> tuple[int, str]:
    with pytest.raises(ConditionError) as info:
        parse(text)
    return info.value.position, info.value.reason


def _check_error(text: str, **kwargs) -> tuple[int, str]:
    with pytest.raises(ConditionError) as info:
        check(parse(text), QUESTIONS, **kwargs)
    return info.value.position, info.value.reason


# --- Parsing -------------------------------------------------------------------------


def test_it_parses_a_comparison_on_a_matrix_row():
    assert parse("personal_use.twitter != never") == Compare(Ref("personal_use", "twitter"), "!=", "never")


def test_it_parses_in_and_not_in_lists():
    assert parse("company_usage.twitter in (some, widespread)") == In(
        Ref("company_usage", "twitter"), ("some", "widespread")
    )
    assert parse("role not in (it)") == In(Ref("role"), ("it",), negated=True)


def test_it_parses_has():
    assert parse("barriers has roi") == Has(Ref("barriers"), "roi")


def test_it_keeps_a_digit_only_has_value_as_its_text():
    assert parse("barriers has 007") == Has(Ref("barriers"), "007")


def test_it_gives_and_precedence_over_or():
    a, b, c = (Compare(Ref("role"), "=", v) for v in ("it", "business", "x"))
    assert parse("role = it or role = business and role = x") == Or((a, And((b, c))))
    assert parse("role = it and role = business or role = x") == Or((And((a, b)), c))


def test_it_gives_not_precedence_over_and():
    a, b = Compare(Ref("role"), "=", "it"), Compare(Ref("age"), "=", Decimal(1))
    assert parse("not role = it and age = 1") == And((Not(a), b))
    assert parse("not (role = it and age = 1)") == Not(And((a, b)))


def test_it_lets_parentheses_override_precedence():
    a, b, c = (Compare(Ref("role"), "=", v) for v in ("it", "business", "x"))
    assert parse("(role = it or role = business) and role = x") == And((Or((a, b)), c))


def test_it_flattens_nested_and_and_or():
    a, b, c = (Compare(Ref("q"), "=", v) for v in ("a", "b", "c"))
    assert parse("q = a and q = b and q = c") == And((a, b, c))
    assert parse("q = a and (q = b and q = c)") == And((a, b, c))
    assert parse("(q = a or q = b) or q = c") == Or((a, b, c))


def test_it_reads_keywords_in_any_case():
    assert parse("NOT role = it AND role NOT IN (x) Or barriers HAS roi") == parse(
        "not role = it and role not in (x) or barriers has roi"
    )


def test_it_keeps_codes_case_sensitive():
    assert parse("role = IT") != parse("role = it")


def test_it_tells_numbers_from_codes():
    assert parse("age >= 18").value == Decimal("18")
    assert parse("nps < 7.5").value == Decimal("7.5")
    assert parse("age > -3").value == Decimal("-3")
    assert parse("revenue = 100m_1b").value == "100m_1b"
    assert parse("revenue = 1b_10b").value == "1b_10b"
    assert parse("revenue = lt_100m").value == "lt_100m"


def test_it_keeps_numbers_exact():
    value = parse("nps = 0.1").value
    assert isinstance(value, Decimal) and value == Decimal("0.1")


def test_it_reads_quoted_strings_in_both_quotes():
    assert parse("comments = 'hello world'").value == "hello world"
    assert parse('comments = "hello world"').value == "hello world"
    assert parse("start > '2020-01-01'").value == "2020-01-01"
    assert parse("comments = 'it''s'").value == "it's"


def test_it_keeps_a_quoted_number_as_text():
    assert parse("comments = '18'").value == "18"


def test_it_needs_no_spaces_around_operators():
    assert parse("age>=18") == parse("age >= 18")
    assert parse("age>-3") == parse("age > -3")
    assert parse("(role=it)") == parse("role = it")


def test_it_lists_references_in_order():
    node = parse("role = it and (company_usage.twitter in (some) or not barriers has roi) or role = business")
    assert references(node) == [Ref("role"), Ref("company_usage", "twitter"), Ref("barriers"), Ref("role")]


def test_it_records_reference_positions_without_comparing_them():
    first, second = references(parse("role = it or  company_usage.facebook = none"))
    assert (first.position, second.position) == (0, 14)
    assert Ref("role", position=0) == Ref("role", position=5)


# --- Parse errors --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "position", "reason"),
    [
        ("", 0, "empty condition"),
        ("   ", 0, "empty condition"),
        ("role = ", 7, "expected a value after '='"),
        ("role =", 6, "expected a value after '='"),
        ("role = )", 7, "expected a value after '=', found ')'"),
        ("role = and", 7, "expected a value after '=', found 'and'"),
        ("role", 4, "expected an operator after 'role'"),
        ("role 'it'", 5, "expected an operator after 'role', found ''it''"),
        ("role == it", 5, "unknown operator '=='"),
        ("role ~ it", 5, "unknown operator '~'"),
        ("role is it", 5, "unknown operator 'is'"),
        ("role <> it", 5, "unknown operator '<>'"),
        ("role = it and", 13, "expected a question code after 'and'"),
        ("role = it or", 12, "expected a question code after 'or'"),
        ("not", 3, "expected a question code after 'not'"),
        ("and role = it", 0, "expected a question code, found 'and'"),
        ("= it", 0, "expected a question code, found '='"),
        ("(role = it", 0, "unbalanced parentheses: '(' is never closed"),
        ("((role = it)", 0, "unbalanced parentheses: '(' is never closed"),
        ("role = it)", 9, "unbalanced parentheses: ')' has no matching '('"),
        ("(role = it foo)", 11, "expected ')', 'and' or 'or' after 'it', found 'foo'"),
        ("role = it foo", 10, "unexpected 'foo' after a complete condition, expected 'and', 'or' or the end"),
        ("role = it = x", 10, "unexpected '=' after a complete condition, expected 'and', 'or' or the end"),
        ("comments = 'hello", 11, "unterminated string"),
        ('comments = "hello', 11, "unterminated string"),
        ("comments = 'it''", 11, "unterminated string"),
        ("role in it", 8, "expected '(' after 'in', found 'it'"),
        ("role in ()", 9, "expected a value after '(', found ')'"),
        ("role in (it,)", 12, "expected a value after ',', found ')'"),
        ("role in (it business)", 12, "expected ',' or ')' after 'it', found 'business'"),
        ("role in (it, business", 8, "unbalanced parentheses: '(' is never closed"),
        ("role not = it", 9, "expected 'in' after 'not', found '='"),
        ("barriers has", 12, "expected a value after 'has'"),
        ("a.b.c = 1", 0, "invalid question reference 'a.b.c'"),
        ("-role = 1", 0, "invalid question reference '-role'"),
        ("role = a.b", 7, "invalid value 'a.b' (put text in quotes)"),
        ("age = 1.2.3", 6, "invalid value '1.2.3' (put text in quotes)"),
    ],
)
def test_it_reports_parse_errors_with_position_and_reason(text, position, reason):
    assert _error(text) == (position, reason)


def test_it_formats_the_error_message_with_the_position():
    with pytest.raises(ConditionError) as info:
        parse("role = it and age = ")
    assert str(info.value) == "at position 20: expected a value after '='"
    assert isinstance(info.value, ValueError)


# --- Printing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("role=it", "role = it"),
        ("ROLE = it", "ROLE = it"),
        ("role = it  AND  age>=18", "role = it and age >= 18"),
        ("(role = it)", "role = it"),
        ("not (revenue = lt_100m)", "not revenue = lt_100m"),
        ("not (role = it and age = 1)", "not (role = it and age = 1)"),
        ("(role = it and age = 1) or nps > 7", "role = it and age = 1 or nps > 7"),
        ("(role = it or age = 1) and nps > 7", "(role = it or age = 1) and nps > 7"),
        ("role = it or (age = 1 or nps > 7)", "role = it or age = 1 or nps > 7"),
        ("company_usage.twitter IN (some,widespread)", "company_usage.twitter in (some, widespread)"),
        ("role Not In ( it )", "role not in (it)"),
        ("revenue = 100m_1b", "revenue = 100m_1b"),
        ('comments = "hello world"', "comments = 'hello world'"),
        ('comments = "it\'s"', "comments = 'it''s'"),
        ("comments = '18'", "comments = '18'"),
        ("comments = 'and'", "comments = 'and'"),
        ("comments = 'plain'", "comments = plain"),
        ("start > 2020-01-01", "start > '2020-01-01'"),
        ("nps = 7.50", "nps = 7.50"),
        ("barriers has 007", "barriers has '007'"),
    ],
)
def test_it_prints_canonical_text(text, canonical):
    assert to_text(parse(text)) == canonical


def test_it_prints_numbers_without_exponents():
    assert to_text(Compare(Ref("age"), ">", Decimal("1E+2"))) == "age > 100"
    assert to_text(Compare(Ref("nps"), ">", Decimal("1E-7"))) == "nps > 0.0000001"


# --- Checking against the survey -----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "role = it and company_usage.twitter in (some, widespread)",
        "personal_use.facebook != never",
        "barriers has no_barriers",
        "not (revenue = lt_100m) or revenue in (100m_1b, 1b_10b)",
        "age >= 18 and nps < 7.5 and age not in (20, 21)",
        "start > '2020-01-01' and start <= \"2021-12-31\"",
        "comments = 'hello world' or comments != anything",
    ],
)
def test_it_accepts_conditions_that_fit_the_survey(text):
    check(parse(text), QUESTIONS)


@pytest.mark.parametrize(
    ("text", "position", "reason"),
    [
        ("role = it and foo = 1", 14, "unknown question 'foo'"),
        ("company_usage = some", 0, "matrix question 'company_usage' needs a row, e.g. 'company_usage.twitter'"),
        ("company_usage.linkedin = some", 14, "unknown row 'linkedin' in matrix question 'company_usage'"),
        ("role.twitter = it", 0, "question 'role' is single, it has no rows"),
        ("role = manager", 0, "'manager' is not a choice of 'role' (it, business)"),
        ("revenue in (lt_100m, 100m)", 0, "'100m' is not a choice of 'revenue' (lt_100m, 100m_1b, 1b_10b, gt_10b)"),
        (
            "company_usage.twitter = never",
            0,
            "'never' is not a choice of 'company_usage' (none, experimenting, some, widespread)",
        ),
        ("barriers has cost", 0, "'cost' is not a choice of 'barriers' (roi, security, no_barriers)"),
        ("role has it", 0, "'has' needs a multiple-choice question, 'role' is single"),
        ("age has 18", 0, "'has' needs a multiple-choice question, 'age' is integer"),
        ("role > it", 0, "'>' needs a number or date question, 'role' is single"),
        ("comments <= 'm'", 0, "'<=' needs a number or date question, 'comments' is long_text"),
        ("age = old", 0, "'age' is a number question, 'old' is not a number"),
        ("nps in (7, '8')", 0, "'nps' is a number question, '8' is not a number"),
        ("start > 2020", 0, "'start' is a date question, compare it with a quoted date like '2020-01-31'"),
        ("start > '2020-13-01'", 0, "'start' is a date question, compare it with a quoted date like '2020-01-31'"),
        ("barriers = roi", 0, "use 'has' with multiple-choice question 'barriers'"),
        ("barriers != roi", 0, "use 'has' with multiple-choice question 'barriers'"),
        ("barriers in (roi)", 0, "use 'has' with multiple-choice question 'barriers'"),
    ],
)
def test_it_rejects_conditions_that_do_not_fit_the_survey(text, position, reason):
    assert _check_error(text) == (position, reason)


def test_it_rejects_questions_not_asked_before_the_condition():
    assert _check_error("role = it or age > 18", available={"role"}) == (
        13,
        "'age' is not asked before this condition",
    )
    check(parse("role = it or age > 18"), QUESTIONS, available={"role", "age"})


def test_it_reports_unknown_questions_before_availability():
    assert _check_error("foo = 1", available=set()) == (0, "unknown question 'foo'")


# --- Evaluation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("role = it", True),
        ("role = business", False),
        ("role != business", True),
        ("role != it", False),
        ("company_usage.twitter = some", True),
        ("company_usage.twitter = none", False),
        ("personal_use.twitter != never", False),
        ("age = 42", True),
        ("age = 42.0", True),
        ("age = 41", False),
        ("age != 41", True),
        ("age != 42", False),
        ("age < 43", True),
        ("age < 42", False),
        ("age <= 42", True),
        ("age <= 41", False),
        ("age > 41", True),
        ("age > 42", False),
        ("age >= 42", True),
        ("age >= 43", False),
        ("nps < 7.6", True),
        ("nps < 7.5", False),
        ("nps >= -3", True),
        ("start > '2020-01-01'", True),
        ("start > '2020-06-01'", False),
        ("start = '2020-06-01'", True),
        ("start <= '2020-05-31'", False),
        ("comments = 'hello world'", True),
        ("comments = 'Hello world'", False),
        ("role in (business, it)", True),
        ("role in (business)", False),
        ("role not in (business)", True),
        ("role not in (it, business)", False),
        ("company_usage.twitter in (some, widespread)", True),
        ("company_usage.facebook in (some, widespread)", False),
        ("age in (41, 42)", True),
        ("age not in (41, 42)", False),
        ("barriers has roi", True),
        ("barriers has no_barriers", False),
        ("revenue = 100m_1b", True),
        ("revenue = 1b_10b", False),
        ("not role = it", False),
        ("not role = business", True),
    ],
)
def test_it_evaluates_each_operator(text, expected):
    assert _holds(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # true or (false and false): `and` binds tighter, so true
        ("role = it or role = business and age = 1", True),
        # (true or false) and false
        ("(role = it or role = business) and age = 1", False),
        # (not false) and true
        ("not role = business and age = 42", True),
        # not (false and true)
        ("not (role = business and age = 42)", True),
        # not (true and true)
        ("not (role = it and age = 42)", False),
        ("role = it and age = 42 and barriers has roi", True),
        ("role = it and age = 42 and barriers has no_barriers", False),
        ("role = business or age = 1 or barriers has security", True),
        ("role = business or age = 1 or barriers has no_barriers", False),
        ("not not role = it", True),
    ],
)
def test_it_evaluates_boolean_structure(text, expected):
    assert _holds(text) is expected


@pytest.mark.parametrize(
    "text",
    [
        "role = it",
        "role != it",
        "role in (it)",
        "role not in (it)",
        "age < 1",
        "age >= 1",
        "barriers has roi",
        "company_usage.linkedin = none",
        "company_usage.linkedin != none",
        "company_usage.linkedin not in (none)",
    ],
)
def test_it_makes_every_test_on_a_missing_answer_false(text):
    assert _holds(text, {"company_usage": {"twitter": "some"}}) is False


def test_it_negates_a_missing_answer_plainly():
    assert _holds("not role = it", {}) is True
    assert _holds("not role != it", {}) is True
    assert _holds("role = it or not role = it", {}) is True


def test_it_treats_none_as_missing():
    assert _holds("role != it", {"role": None}) is False


def test_it_accepts_sets_and_decimals_and_ints_as_answers():
    assert _holds("barriers has roi", {"barriers": {"roi"}})
    assert _holds("age = 18", {"age": Decimal("18.0")})
    assert _holds("nps > 7", {"nps": 8})


def test_it_never_matches_a_multiple_choice_answer_with_equality():
    assert _holds("barriers = roi", {"barriers": {"roi"}}) is False
    assert _holds("barriers != roi", {"barriers": {"roi"}}) is False
    assert _holds("barriers not in (roi)", {"barriers": {"roi"}}) is False


def test_it_compares_a_digit_only_choice_code_as_text():
    assert _holds("size = 10", {"size": "10"})
    assert _holds("size in (5, 10)", {"size": "10"})


def test_it_treats_a_value_of_the_wrong_kind_as_unequal():
    assert _holds("age = old", {"age": 42}) is False
    assert _holds("age != old", {"age": 42}) is True
    assert _holds("age < old", {"age": 42}) is False
    assert _holds("start = 'soon'", {"start": date(2020, 1, 1)}) is False


# --- Round trip ----------------------------------------------------------------------

_KEYWORDS = {"and", "or", "not", "in", "has"}
codes = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,7}", fullmatch=True).filter(lambda c: c.lower() not in _KEYWORDS)
refs = st.builds(Ref, codes, st.none() | codes)
numbers = st.decimals(allow_nan=False, allow_infinity=False) | st.decimals(-1000, 1000, places=2)
texts = codes | st.text(max_size=12)
values = numbers | texts
leaves = (
    st.builds(Compare, refs, st.sampled_from(["=", "!=", "<", "<=", ">", ">="]), values)
    | st.builds(In, refs, st.lists(values, min_size=1, max_size=4).map(tuple), st.booleans())
    | st.builds(Has, refs, texts)
)


def _flat(cls, operands):
    """Like the parser: an And never holds an And, an Or never holds an Or."""
    flat = []
    for operand in operands:
        flat.extend(operand.operands if isinstance(operand, cls) else (operand,))
    return cls(tuple(flat))


trees = st.recursive(
    leaves,
    lambda children: (
        st.builds(Not, children)
        | st.lists(children, min_size=2, max_size=3).map(lambda ops: _flat(And, ops))
        | st.lists(children, min_size=2, max_size=3).map(lambda ops: _flat(Or, ops))
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(trees)
def test_it_parses_printed_trees_back_to_the_same_tree(tree):
    text = to_text(tree)
    assert parse(text) == tree
    assert to_text(parse(text)) == text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"ab.12-_ =!<>(),'\"~", " and ", " or ", " not ", " in ", " has "])).map("".join))
def test_it_only_ever_raises_condition_errors(text):
    try:
        node = parse(text)
    except ConditionError as error:
        assert 0 <= error.position <= len(text)
    else:
        assert parse(to_text(node)) == node


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60) | st.text(alphabet="()not role=it\x00'\"", max_size=400))
def test_it_only_ever_raises_condition_errors_on_any_text(text):
    try:
        parse(text)
    except ConditionError as error:
        assert 0 <= error.position <= len(text)


# --- Nesting -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "(" * 2000 + "role = it" + ")" * 2000,
        "(" * 2000,
        "not " * 2000 + "role = it",
        "not (" * 1000 + "role = it" + ")" * 1000,
        "role = it and " + "(" * 60 + "role = business" + ")" * 60,
    ],
)
def test_it_refuses_conditions_nested_too_deeply_with_the_position(text):
    with pytest.raises(ConditionError) as caught:
        parse(text)

    # The 51st level is the one refused: a '(' or a 'not', where it opens.
    opening = [m.start() for m in re.finditer(r"\(|not ", text)][MAX_DEPTH]
    assert caught.value.position == opening
    assert str(caught.value) == (
        f"at position {opening}: too deeply nested: more than {MAX_DEPTH} levels of parentheses and 'not'"
    )


def test_it_parses_conditions_nested_up_to_the_limit():
    text = "(" * (MAX_DEPTH - 1) + "not role = it" + ")" * (MAX_DEPTH - 1)

    node = parse(text)

    assert node == Not(Compare(Ref("role"), "=", "it"))
    assert evaluate(node, {"role": "business"})


def test_it_counts_only_the_nesting_not_every_parenthesis():
    text = " or ".join(["(role = it)"] * 500)

    assert parse(text) == Or((Compare(Ref("role"), "=", "it"),) * 500)
