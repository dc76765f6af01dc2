"""The condition language: display conditions, finding definitions and filters.

One small language serves all three so that a survey author learns it once, and so that
the same parsed tree can be evaluated here (per response, in Python) and compiled to SQL
by the counting engine. Examples::

    role = it and company_usage.twitter in (some, widespread)
    barriers has roi
    not (revenue = lt_100m) or age >= 18
    start > '2020-01-01'
    priorities.price <= 3                 -- price ranked 1, 2 or 3 (false when unranked)
    not flagged and src = li              -- results filters only: data-quality flags

Results filters (and only they: `check` refuses it elsewhere unless given the flags)
may also test a response's data-quality flags: `flagged` holds for a response with any
flag, `flagged(f1, f2)` for one with any of those flags. A question coded `flagged` is
still named as before (`flagged = yes`): the word is the predicate only where no
operator follows it.

Grammar (keywords are case-insensitive, codes are case-sensitive)::

    or_expr    := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | "(" or_expr ")" | flagged | comparison
    flagged    := "flagged" ["(" code ("," code)* ")"]   -- results filters only
    comparison := ref ("=" | "!=" | "<" | "<=" | ">" | ">=") value
                | ref ["not"] "in" "(" value ("," value)* ")"
                | ref "has" value
    ref        := code ["." code]            -- question, or matrix question and row, or
                                             -- ranking question and choice (its rank)
    value      := number | code | quoted string

A bare value that looks like `-?[0-9]+(.[0-9]+)?` is a number (kept as an exact
`Decimal`); any other bare value is a code such as `under_10` or `band_2`. Text goes in
single or double quotes, a doubled quote standing for the quote itself (`'it''s'`).

The module needs no database (what each question type allows comes from `surveys.types`)
so it can be tested and reused without one.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple, NoReturn

from surveys.definition import QuestionDef

__all__ = [
    "FLAGS_KEY",
    "And",
    "Compare",
    "ConditionError",
    "Flagged",
    "Has",
    "In",
    "Node",
    "Not",
    "Or",
    "Ref",
    "check",
    "evaluate",
    "flag_tests",
    "parse",
    "references",
    "to_text",
]

KEYWORDS = frozenset({"and", "or", "not", "in", "has"})
FLAGGED = "flagged"
# The key of a response's data-quality flags in the answers `evaluate` takes: not a code
# (codes have no parentheses), so it never meets a question's.
FLAGS_KEY = "(flags)"
COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")
ORDERINGS = frozenset({"<", "<=", ">", ">="})

_CODE = r"[A-Za-z0-9_][A-Za-z0-9_-]*"
_CODE_RE = re.compile(_CODE)
_REF_RE = re.compile(rf"({_CODE})(?:\.({_CODE}))?")
_NUMBER_RE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# How deeply parentheses and `not`s may nest. The parser, the printer, the checker, the
# evaluator and the SQL compiler all recurse once per level, so without a bound a pasted
# or generated condition of a few hundred levels would raise RecursionError (a crash, not
# a message) in whichever of them came first. No hand-written condition comes near this.
MAX_DEPTH = 50

# Every character falls in exactly one group, so scanning never stalls. The string
# pattern is possessive so that `'a''` is reported as unterminated from its first quote.
_TOKEN_RE = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<string>'(?:[^']|'')*+'|"(?:[^"]|"")*+")
    | (?P<word>[A-Za-z0-9_.\-]+)
    | (?P<op>[=!<>]+)
    | (?P<punct>[(),])
    | (?P<quote>['"])
    | (?P<stray>[^\sA-Za-z0-9_.\-=!<>(),'"]+)
    """,
    re.VERBOSE,
)


class ConditionError(ValueError):
    """A condition that cannot be parsed or does not fit the survey.

    `position` is a 0-based offset into the condition text (-1 when unknown) so that an
    editor can point at the place; `reason` is the message without the position.
    """

    def __init__(self, reason: str, position: int = -1) -> None:
        self.reason = reason
        self.position = position
        super().__init__(f"at position {position}: {reason}" if position >= 0 else reason)


# --- The tree -------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """A question, or one row of a matrix question.

    `position` only serves error messages, so it takes no part in equality: two parses
    of differently spaced texts give equal trees.
    """

    question: str
    row: str | None = None
    position: int = field(default=-1, compare=False, repr=False)


@dataclass(frozen=True)
class Compare:
    """`ref op value`; `value` is a `Decimal` for numbers, a `str` for codes and text."""

    ref: Ref
    op: str
    value: str | Decimal


@dataclass(frozen=True)
class In:
    """`ref in (values)`, or `ref not in (values)` when `negated`."""

    ref: Ref
    values: tuple[str | Decimal, ...]
    negated: bool = False


@dataclass(frozen=True)
class Has:
    """`ref has code`: a multiple-choice answer includes the choice."""

    ref: Ref
    value: str


@dataclass(frozen=True)
class Flagged:
    """`flagged` (any data-quality flag, `flags` empty) or `flagged(f1, f2)` (any of these)."""

    flags: tuple[str, ...] = ()
    position: int = field(default=-1, compare=False, repr=False)


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class And:
    """All operands hold. The parser flattens nested `And`s: `a and (b and c)` has 3."""

    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """Some operand holds. Flattened like `And`."""

    operands: tuple[Node, ...]


Node = Compare | In | Has | Flagged | Not | And | Or
Leaf = Compare | In | Has


# --- Parsing --------------------------------------------------------------------------


class _Token(NamedTuple):
    kind: str  # "word", "string", "op", "(", ")", ",", "stray" or "end"
    text: str
    position: int


def _tokenize(text: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN_RE.finditer(text):
        kind = match.lastgroup
        if kind == "space":
            continue
        if kind == "quote":
            raise ConditionError("unterminated string", match.start())
        if kind == "punct":
            kind = match.group()
        tokens.append(_Token(kind, match.group(), match.start()))
    tokens.append(_Token("end", "", len(text)))
    return tokens


def _is_keyword(token: _Token, *words: str) -> bool:
    return token.kind == "word" and token.text.lower() in words


def _combine(cls: type[And] | type[Or], operands: list[Node]) -> Node:
    """One operand stands alone; nested nodes of the same kind are merged into one."""
    if len(operands) == 1:
        return operands[0]
    flat: list[Node] = []
    for operand in operands:
        flat.extend(operand.operands if isinstance(operand, cls) else (operand,))
    return cls(tuple(flat))


class _Parser:
    """Recursive descent over the token list, one method per grammar rule."""

    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.index = 0
        self.depth = 0  # open parentheses and `not`s around the current token

    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def fail(self, expected: str) -> NoReturn:
        """Raise "expected X after 'previous', found 'current'" at the current token."""
        reason = f"expected {expected}"
        if self.index:
            reason += f" after '{self.tokens[self.index - 1].text}'"
        if self.token.kind != "end":
            reason += f", found '{self.token.text}'"
        raise ConditionError(reason, self.token.position)

    def parse_or(self) -> Node:
        operands = [self.parse_and()]
        while _is_keyword(self.token, "or"):
            self.advance()
            operands.append(self.parse_and())
        return _combine(Or, operands)

    def parse_and(self) -> Node:
        operands = [self.parse_not()]
        while _is_keyword(self.token, "and"):
            self.advance()
            operands.append(self.parse_not())
        return _combine(And, operands)

    def nest(self, opening: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ConditionError(
                f"too deeply nested: more than {MAX_DEPTH} levels of parentheses and 'not'", opening.position
            )

    def parse_not(self) -> Node:
        if _is_keyword(self.token, "not"):
            self.nest(self.advance())
            node = Not(self.parse_not())
            self.depth -= 1
            return node
        if self.token.kind == "(":
            opening = self.advance()
            self.nest(opening)
            node = self.parse_or()
            self.depth -= 1
            if self.token.kind == "end":
                raise ConditionError("unbalanced parentheses: '(' is never closed", opening.position)
            if self.token.kind != ")":
                self.fail("')', 'and' or 'or'")
            self.advance()
            return node
        if self.at_flagged():
            return self.parse_flagged()
        return self.parse_comparison()

    def at_flagged(self) -> bool:
        """Whether the current word is the `flagged` predicate rather than a question coded
        so: it is, unless an operator (`=`, `in`, `not in`, `has`) follows."""
        if not _is_keyword(self.token, FLAGGED):
            return False
        after = self.tokens[self.index + 1]
        return after.kind != "op" and not _is_keyword(after, "in", "not", "has")

    def parse_flagged(self) -> Flagged:
        word = self.advance()
        if self.token.kind != "(":
            return Flagged((), position=word.position)
        opening = self.advance()
        flags = []
        while True:
            token = self.token
            if token.kind != "word" or not _CODE_RE.fullmatch(token.text) or _is_keyword(token, *KEYWORDS):
                self.fail("a flag code")
            flags.append(self.advance().text)
            if self.token.kind != ",":
                break
            self.advance()
        if self.token.kind == "end":
            raise ConditionError("unbalanced parentheses: '(' is never closed", opening.position)
        if self.token.kind != ")":
            self.fail("',' or ')'")
        self.advance()
        return Flagged(tuple(flags), position=word.position)

    def parse_comparison(self) -> Leaf:
        ref = self.parse_ref()
        token = self.token
        if token.kind == "op":
            if token.text not in COMPARISONS:
                raise ConditionError(f"unknown operator '{token.text}'", token.position)
            self.advance()
            return Compare(ref, token.text, self.parse_value())
        if _is_keyword(token, "in"):
            self.advance()
            return In(ref, self.parse_list())
        if _is_keyword(token, "not"):
            self.advance()
            if not _is_keyword(self.token, "in"):
                self.fail("'in'")
            self.advance()
            return In(ref, self.parse_list(), negated=True)
        if _is_keyword(token, "has"):
            self.advance()
            value = self.parse_value()
            # A choice code may be all digits; `has` only takes codes, so keep the text.
            return Has(ref, value if isinstance(value, str) else self.tokens[self.index - 1].text)
        if token.kind == "stray" or (token.kind == "word" and not _is_keyword(token, *KEYWORDS)):
            raise ConditionError(f"unknown operator '{token.text}'", token.position)
        self.fail("an operator")

    def parse_ref(self) -> Ref:
        token = self.token
        if token.kind != "word" or _is_keyword(token, *KEYWORDS):
            self.fail("a question code")
        match = _REF_RE.fullmatch(token.text)
        if match is None:
            raise ConditionError(f"invalid question reference '{token.text}'", token.position)
        self.advance()
        return Ref(match.group(1), match.group(2), position=token.position)

    def parse_value(self) -> str | Decimal:
        token = self.token
        if token.kind == "string":
            self.advance()
            quote = token.text[0]
            return token.text[1:-1].replace(quote * 2, quote)
        if token.kind != "word" or _is_keyword(token, *KEYWORDS):
            self.fail("a value")
        if _NUMBER_RE.fullmatch(token.text):
            self.advance()
            return Decimal(token.text)
        if _CODE_RE.fullmatch(token.text):
            self.advance()
            return token.text
        raise ConditionError(f"invalid value '{token.text}' (put text in quotes)", token.position)

    def parse_list(self) -> tuple[str | Decimal, ...]:
        if self.token.kind != "(":
            self.fail("'('")
        opening = self.advance()
        values = [self.parse_value()]
        while self.token.kind == ",":
            self.advance()
            values.append(self.parse_value())
        if self.token.kind == "end":
            raise ConditionError("unbalanced parentheses: '(' is never closed", opening.position)
        if self.token.kind != ")":
            self.fail("',' or ')'")
        self.advance()
        return tuple(values)


def parse(text: str) -> Node:
    """Parse a condition, raising `ConditionError` with the position of the first problem."""
    parser = _Parser(text)
    if parser.token.kind == "end":
        raise ConditionError("empty condition", 0)
    node = parser.parse_or()
    token = parser.token
    if token.kind == ")":
        raise ConditionError("unbalanced parentheses: ')' has no matching '('", token.position)
    if token.kind != "end":
        raise ConditionError(
            f"unexpected '{token.text}' after a complete condition, expected 'and', 'or' or the end",
            token.position,
        )
    return node


# --- Printing -------------------------------------------------------------------------


def _number_text(value: Decimal) -> str:
    """Plain digits, never exponent notation, so that the text parses back as a number."""
    if not value.is_finite():
        raise ValueError(f"not a finite number: {value}")
    return format(value, "f")


def _value_text(value: str | Decimal) -> str:
    if isinstance(value, Decimal):
        return _number_text(value)
    # Numbers must be quoted to stay text; dates are valid codes but read better quoted.
    looks_special = _NUMBER_RE.fullmatch(value) or _DATE_RE.fullmatch(value) or value.lower() in KEYWORDS
    bare = _CODE_RE.fullmatch(value) and not looks_special
    return value if bare else "'" + value.replace("'", "''") + "'"


def _ref_text(ref: Ref) -> str:
    return ref.question if ref.row is None else f"{ref.question}.{ref.row}"


def to_text(node: Node) -> str:
    """Canonical text: lowercase keywords, single spaces and only the parentheses needed.

    `parse(to_text(tree)) == tree` for every parsed tree, so stored conditions can be
    normalised and compared as text.
    """
    match node:
        case Compare(ref, op, value):
            return f"{_ref_text(ref)} {op} {_value_text(value)}"
        case In(ref, values, negated):
            keyword = "not in" if negated else "in"
            return f"{_ref_text(ref)} {keyword} ({', '.join(map(_value_text, values))})"
        case Has(ref, value):
            return f"{_ref_text(ref)} has {_value_text(value)}"
        case Flagged(flags):
            return f"{FLAGGED}({', '.join(flags)})" if flags else FLAGGED
        case Not(operand):
            text = to_text(operand)
            return f"not ({text})" if isinstance(operand, And | Or) else f"not {text}"
        case And(operands):
            # Nested `And`s need no parentheses: parsing flattens them anyway.
            return " and ".join(f"({to_text(o)})" if isinstance(o, Or) else to_text(o) for o in operands)
        case Or(operands):
            return " or ".join(to_text(o) for o in operands)
    raise TypeError(f"not a condition node: {node!r}")


# --- Inspection and checking ----------------------------------------------------------


def _leaves(node: Node) -> Iterator[Leaf | Flagged]:
    match node:
        case Not(operand):
            yield from _leaves(operand)
        case And(operands) | Or(operands):
            for operand in operands:
                yield from _leaves(operand)
        case _:
            yield node


def references(node: Node) -> list[Ref]:
    """Every reference to a question or hidden field in order of appearance (repeats
    included; `flagged` names none)."""
    return [leaf.ref for leaf in _leaves(node) if not isinstance(leaf, Flagged)]


def flag_tests(node: Node) -> list[Flagged]:
    """The `flagged` predicates of a condition."""
    return [leaf for leaf in _leaves(node) if isinstance(leaf, Flagged)]


def _resolve(ref: Ref, questions: Mapping[str, QuestionDef], available: Collection[str] | None) -> QuestionDef:
    question = questions.get(ref.question)
    if question is None:
        raise ConditionError(f"unknown question '{ref.question}'", ref.position)
    if available is not None and ref.question not in available:
        raise ConditionError(f"'{ref.question}' is not asked before this condition", ref.position)
    if question.question_type.ranks:
        # A ranking is asked about one of its choices: `priorities.price <= 3` (its rank).
        if ref.row is None:
            example = f", e.g. '{ref.question}.{question.choice_codes[0]} <= 3'" if question.choice_codes else ""
            raise ConditionError(f"ranking question '{ref.question}' needs a choice{example}", ref.position)
        if ref.row not in question.choice_codes:
            choice_position = ref.position + len(ref.question) + 1 if ref.position >= 0 else -1
            raise ConditionError(f"unknown choice '{ref.row}' in ranking question '{ref.question}'", choice_position)
    elif question.question_type.has_rows:
        if ref.row is None:
            raise ConditionError(
                f"matrix question '{ref.question}' needs a row, e.g. '{ref.question}.{question.row_codes[0]}'"
                if question.row_codes
                else f"matrix question '{ref.question}' needs a row",
                ref.position,
            )
        if ref.row not in question.row_codes:
            row_position = ref.position + len(ref.question) + 1 if ref.position >= 0 else -1
            raise ConditionError(f"unknown row '{ref.row}' in matrix question '{ref.question}'", row_position)
    elif ref.row is not None:
        raise ConditionError(f"question '{ref.question}' is {question.type}, it has no rows", ref.position)
    return question


def _check_value(value: str | Decimal, question: QuestionDef, position: int) -> None:
    # By the column the type's answers are compared in (text takes any value).
    column = question.question_type.column
    if question.question_type.ranks:
        if not isinstance(value, Decimal) or value != value.to_integral_value():
            raise ConditionError(f"'{question.code}' is a ranking, compare a choice's rank with a whole number "
                                 f"such as 1", position)
    elif column == "number":
        if not isinstance(value, Decimal):
            raise ConditionError(f"'{question.code}' is a number question, '{value}' is not a number", position)
    elif column == "date":
        if not (isinstance(value, str) and _DATE_RE.fullmatch(value) and _iso_date(value)):
            raise ConditionError(
                f"'{question.code}' is a date question, compare it with a quoted date like '2020-01-31'", position
            )
    elif column == "choice":
        code = value if isinstance(value, str) else _number_text(value)
        if code not in question.choice_codes:
            choices = ", ".join(question.choice_codes)
            raise ConditionError(f"'{code}' is not a choice of '{question.code}' ({choices})", position)


def check(node: Node, questions: Mapping[str, QuestionDef], *, available: Collection[str] | None = None,
          flags: Collection[str] | None = None) -> None:
    """Raise `ConditionError` for the first reference or value that does not fit the survey.

    Parsing only proves the text is well formed; this catches what would otherwise make
    a condition silently never (or always) true, such as a misspelt choice code.
    `available` is the codes of the questions asked before the condition's place;
    `flags` the data-quality flags a `flagged` test may name (None: it may not be used,
    as a respondent's flags are only known once the response is complete).
    """
    for leaf in _leaves(node):
        if isinstance(leaf, Flagged):
            _check_flagged(leaf, flags)
            continue
        ref = leaf.ref
        question = _resolve(ref, questions, available)
        operators = question.question_type.operators
        op = _operator(leaf)
        if op not in operators:
            if op == "has":
                raise ConditionError(
                    f"'has' needs a multiple-choice question, '{ref.question}' is {question.type}", ref.position
                )
            if "has" in operators:
                raise ConditionError(f"use 'has' with multiple-choice question '{ref.question}'", ref.position)
            if op in ORDERINGS:
                raise ConditionError(
                    f"'{op}' needs a number or date question, '{ref.question}' is {question.type}", ref.position
                )
            raise ConditionError(f"'{op}' does not apply to {question.type} question '{ref.question}'", ref.position)
        for value in leaf.values if isinstance(leaf, In) else (leaf.value,):
            _check_value(value, question, ref.position)


def _check_flagged(leaf: Flagged, flags: Collection[str] | None) -> None:
    if flags is None:
        raise ConditionError("'flagged' (data-quality flags) can only be used in a results filter", leaf.position)
    for flag in leaf.flags:
        if flag not in flags:
            raise ConditionError(f"unknown flag '{flag}' ({', '.join(flags)})", leaf.position)


def _operator(leaf: Leaf) -> str:
    """The leaf's operator as question types list them: a comparison, "in", "not in" or "has"."""
    match leaf:
        case Compare(_, op, _):
            return op
        case In(_, _, negated):
            return "not in" if negated else "in"
    return "has"


# --- Evaluation -----------------------------------------------------------------------

_OPERATORS: dict[str, Callable[[object, object], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_COLLECTIONS = (set, frozenset, list, tuple, dict)


@lru_cache(maxsize=1024)
def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _answer(ref: Ref, answers: Mapping[str, object]) -> object:
    answer = answers.get(ref.question)
    if ref.row is None:
        return answer
    if isinstance(answer, tuple | list):  # a ranking: the rank of the choice, None when unranked
        return Decimal(answer.index(ref.row) + 1) if ref.row in answer else None
    return answer.get(ref.row) if isinstance(answer, Mapping) else None


def _single_answer(ref: Ref, answers: Mapping[str, object]) -> object:
    """The answer if it is one value; None when missing or a set (multiple) or a dict (matrix)."""
    answer = _answer(ref, answers)
    return None if isinstance(answer, _COLLECTIONS) else answer


def _coerce(value: str | Decimal, answer: object) -> object:
    """The condition value in the answer's type, or None when the two cannot be compared."""
    if isinstance(answer, str):
        return value if isinstance(value, str) else _number_text(value)
    if isinstance(answer, int | float | Decimal):
        return value if isinstance(value, Decimal) else None
    if isinstance(answer, date):
        return _iso_date(value) if isinstance(value, str) else None
    return None


def evaluate(node: Node, answers: Mapping[str, object]) -> bool:
    """Whether a response satisfies the condition.

    `answers` maps question codes to a choice code (single, dropdown), a set of codes
    (multiple), a dict of row code to choice code (matrix), a number, a `date` or text.
    A missing answer (unanswered or hidden) makes every comparison, `in`, `not in` and
    `has` on it false, as an SQL `EXISTS` would; `not` is plain negation. A value of the
    wrong kind (which `check` rejects) is simply unequal to the answer. The response's
    data-quality flags, for `flagged`, are a collection of codes under `FLAGS_KEY`.
    """
    match node:
        case Compare(ref, op, value):
            answer = _single_answer(ref, answers)
            if answer is None:
                return False
            target = _coerce(value, answer)
            if target is None:
                return op == "!="
            return _OPERATORS[op](answer, target)
        case In(ref, values, negated):
            answer = _single_answer(ref, answers)
            if answer is None:
                return False
            return any(_coerce(value, answer) == answer for value in values) != negated
        case Has(ref, value):
            answer = _answer(ref, answers)
            return isinstance(answer, set | frozenset | list | tuple) and value in answer
        case Flagged(flags):
            carried = answers.get(FLAGS_KEY) or ()
            return bool(carried) if not flags else any(flag in carried for flag in flags)
        case Not(operand):
            return not evaluate(operand, answers)
        case And(operands):
            return all(evaluate(operand, answers) for operand in operands)
        case Or(operands):
            return any(evaluate(operand, answers) for operand in operands)
    raise TypeError(f"not a condition node: {node!r}")
