"""The condition picker's model: a display condition edited as rows of a form.

The picker shows a condition (surveys.conditions) as nested groups ("all of", "any of",
"none of", "not all of") whose items are conditions on one earlier question ("role is
IT"). The browser's form carries the whole tree as flat rows, so that every state can be
rebuilt from one POST: adding and removing are submit buttons (no JavaScript needed), and
htmx only posts the same form to re-render the picker as the author works.

The form data of a picker with prefix P (a name such as "condition", "base" or "target"):

    P-mode           "picker": the rows below hold the condition; "text": P-text does
    P-text           text mode: the condition as typed
    P-node           one field per row, holding its id (letters, digits, "_"); the order of
                     these fields is the order of the rows, hence of the items in a group
    P-<id>-parent    the id of the group the row is in; empty for the one root group
    P-<id>-kind      a group: "all", "any", "notany" or "notall";
                     "leaf": a condition on one question
    P-<id>-not       leaf: "1" when negated ("not seniority = other")
    P-<id>-ref       leaf: the question's code, or "question.row" for a row of a matrix
    P-<id>-op        leaf: "=", "!=", "<", "<=", ">", ">=", "in", "not in" or "has"
    P-<id>-value     leaf: its value; repeated for "in" and "not in" (empty ones ignored)
    P-<id>-shown     leaf: "<ref> <op>" as the row was last shown. When the question has
                     changed since, the operator and values chosen for the old one are
                     dropped (the new question gets its first operator); when only the
                     operator changed, a one-value operator keeps the first value
    P-action         the button pressed: "add:<group id>" (a condition), "group:<group
                     id>" (a group holding one new condition), "remove:<id>", "clear",
                     "text" (to text mode), "picker" (back to the rows) or "update"

An empty picker (a root group without items) is the empty condition: always shown.

`rows_from_form` reads the rows (placing what is malformed: a missing group, a cycle, an
unknown kind, too many rows), `node_from_rows` checks each condition against the survey's
questions (placing an operator that does not fit, a value that is not a choice, a
question asked later) and builds the tree, which is always one that parsing its own text
gives back (`parse(to_text(node)) == node`). `form_from_node` gives the rows of a tree,
to show a stored condition. Nothing here touches the database.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Protocol

from surveys import conditions
from surveys.conditions import And, Compare, ConditionError, Has, In, Node, Not, Or, Ref
from surveys.definition import QuestionDef

# Kinds of rows: the four groups and a leaf (a condition on one question).
GROUP_KINDS = ("all", "any", "notany", "notall")
LEAF = "leaf"
KINDS = (*GROUP_KINDS, LEAF)
# A group of each kind as (combinator, negated).
_GROUP_MEANING: dict[str, tuple[type[And] | type[Or], bool]] = {
    "all": (And, False),
    "any": (Or, False),
    "notany": (Or, True),
    "notall": (And, True),
}
# Every operator of the language, in the order the picker offers them.
OPERATORS = ("=", "!=", "in", "not in", "has", "<", "<=", ">", ">=")
MANY_VALUES = frozenset({"in", "not in"})
ACTIONS = ("add", "group", "remove", "clear", "text", "picker", "update")
MODES = ("picker", "text")

# Limits for what a browser could never send but a forged POST could: each row costs a
# few fields and a little work, and nesting costs recursion (the language itself allows
# conditions.MAX_DEPTH levels of parentheses and `not`s; a group can add two).
MAX_ROWS = 100
MAX_GROUP_DEPTH = 10
MAX_VALUES = 50
MAX_VALUE_LENGTH = 500
MAX_TEXT_LENGTH = 10_000

_ID_RE = re.compile(r"[A-Za-z0-9_]{1,20}")
_PREFIX_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}")
_REF_RE = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_-]*)(?:\.([A-Za-z0-9_][A-Za-z0-9_-]*))?")
_NUMBER_RE = re.compile(r"-?[0-9]{1,30}(?:\.[0-9]{1,30})?")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class FormData(Protocol):
    """A QueryDict, or anything else that lists a field's values."""

    def getlist(self, key: str) -> list[str]: ...


@dataclass(frozen=True)
class Row:
    """One row of the picker: a group, or a leaf with its question, operator and values
    as the form holds them (text, so that what the author chose is shown back as it was)."""

    id: str
    parent: str  # "" for the root group
    kind: str  # one of KINDS
    negated: bool = False  # leaves only; a group's negation is in its kind
    ref: str = ""
    op: str = ""
    values: tuple[str, ...] = ()

    @property
    def is_group(self) -> bool:
        return self.kind != LEAF


@dataclass(frozen=True)
class PlacedError:
    """What is wrong, and where: the row's id ("" for the picker as a whole) and its field
    ("ref", "op", "value" or "" for the row). `incomplete` marks what is only missing so
    far (a new condition without its question yet), which the picker shows as a hint."""

    row: str
    message: str
    field: str = ""
    incomplete: bool = False


class PickerInvalid(ValueError):
    """The picker's rows do not make a condition; `errors` says where and why."""

    def __init__(self, errors: list[PlacedError]) -> None:
        self.errors = errors
        super().__init__("; ".join(e.message for e in errors))


@dataclass
class Rows:
    """The picker's rows as read from a form: the ones attached to the root group, in
    order (each group's items after it), and the problems found reading them."""

    rows: list[Row]
    errors: list[PlacedError] = field(default_factory=list)
    focus: str = ""  # the id of the row whose first control should get the focus

    @property
    def root(self) -> Row:
        return self.rows[0]

    def children(self, row_id: str) -> list[Row]:
        return [row for row in self.rows if row.parent == row_id]

    def get(self, row_id: str) -> Row | None:
        return next((row for row in self.rows if row.id == row_id), None)


def looks_like_number(text: str) -> bool:
    return bool(_NUMBER_RE.fullmatch(text.strip()))


def looks_like_date(text: str) -> bool:
    return bool(_DATE_RE.fullmatch(text.strip()))


def valid_prefix(prefix: str) -> bool:
    return bool(_PREFIX_RE.fullmatch(prefix))


def empty_rows() -> Rows:
    return Rows([Row(id="1", parent="", kind="all")])


# --- Form data -> rows ----------------------------------------------------------------


def _getlist(data: FormData, key: str) -> list[str]:
    return [value for value in data.getlist(key) if isinstance(value, str)]


def _get(data: FormData, key: str) -> str:
    values = _getlist(data, key)
    return values[-1] if values else ""


def picker_mode(data: FormData, prefix: str) -> str:
    mode = _get(data, f"{prefix}-mode")
    return mode if mode in MODES else "picker"


def picker_text(data: FormData, prefix: str) -> str:
    return _get(data, f"{prefix}-text")


def picker_action(data: FormData, prefix: str) -> tuple[str, str] | None:
    """The picker's button that was pressed, as (action, row id), or None when the form
    was submitted otherwise (to be saved)."""
    action, _, row_id = _get(data, f"{prefix}-action").partition(":")
    return (action, row_id) if action in ACTIONS else None


def _leaf_from_form(data: FormData, prefix: str, row_id: str, parent: str) -> Row:
    key = f"{prefix}-{row_id}"
    ref = _get(data, f"{key}-ref").strip()
    op = _get(data, f"{key}-op").strip()
    # Whitespace alone is no value (an input left blank, or a space typed by mistake).
    values = [v for v in _getlist(data, f"{key}-value") if v.strip()]
    shown_ref, _, shown_op = _get(data, f"{key}-shown").partition(" ")
    if shown_ref or shown_op:
        if shown_ref != ref:
            # Another question: what was chosen for the old one does not apply.
            op, values = "", []
        elif shown_op != op and op not in MANY_VALUES:
            values = values[:1]
    return Row(
        id=row_id,
        parent=parent,
        kind=LEAF,
        negated=_get(data, f"{key}-not") == "1",
        ref=ref,
        op=op,
        values=tuple(values[: MAX_VALUES + 1]),  # one more than allowed, to say so
    )


def rows_from_form(data: FormData, prefix: str) -> Rows:
    """The rows of a picker's form data, in tree order, with their structural problems."""
    ids = _getlist(data, f"{prefix}-node")
    if not ids:
        return empty_rows()
    if len(ids) > MAX_ROWS:
        rows = empty_rows()
        rows.errors.append(PlacedError("", f"A condition can have at most {MAX_ROWS} rows; this one has {len(ids)}."))
        return rows
    errors: list[PlacedError] = []
    read: dict[str, Row] = {}
    for row_id in ids:
        if not _ID_RE.fullmatch(row_id):
            errors.append(PlacedError("", f"Row '{row_id[:20]}' has an invalid id."))
            continue
        if row_id in read:
            errors.append(PlacedError(row_id, f"Row '{row_id}' appears twice."))
            continue
        key = f"{prefix}-{row_id}"
        kind = _get(data, f"{key}-kind")
        parent = _get(data, f"{key}-parent")
        if kind not in KINDS:
            errors.append(PlacedError(row_id, f"Row '{row_id}' is of an unknown kind '{kind[:20]}'."))
            continue
        read[row_id] = _leaf_from_form(data, prefix, row_id, parent) if kind == LEAF else Row(row_id, parent, kind)

    roots = [row for row in read.values() if not row.parent]
    if not roots or not roots[0].is_group:
        errors.append(PlacedError("", "The condition has no top group; start again with an empty one."))
        rows = empty_rows()
        rows.errors[:0] = errors
        return rows
    for extra in roots[1:]:
        errors.append(PlacedError(extra.id, f"Row '{extra.id}' is outside the condition's top group."))

    children: dict[str, list[Row]] = defaultdict(list)
    for row in read.values():
        if row.parent:
            children[row.parent].append(row)
    ordered: list[Row] = []
    reported: set[str] = set()

    def refuse(row: Row, message: str) -> None:
        errors.append(PlacedError(row.id, message))
        reported.add(row.id)

    def attach(row: Row, depth: int) -> None:
        ordered.append(row)
        for child in children.get(row.id, ()):
            if not row.is_group:
                refuse(child, f"Row '{child.id}' is inside a condition, not a group.")
            elif child.is_group and depth + 1 > MAX_GROUP_DEPTH:
                refuse(child, f"Groups can be nested at most {MAX_GROUP_DEPTH} levels deep.")
            else:
                attach(child, depth + 1 if child.is_group else depth)

    attach(roots[0], 1)
    attached = {row.id for row in ordered}
    for row in read.values():
        if row.id in attached or row.id in reported or not row.parent:
            continue
        if row.parent not in read:
            errors.append(PlacedError(row.id, f"Row '{row.id}' is in a group '{row.parent[:20]}' that does not exist."))
        elif _in_cycle(row, read):
            errors.append(PlacedError(row.id, f"Row '{row.id}' is in a cycle of groups, outside the condition."))
        else:
            errors.append(PlacedError(row.id, f"Row '{row.id}' is not attached to the condition."))
    return Rows(ordered, errors)


def _in_cycle(row: Row, read: Mapping[str, Row]) -> bool:
    seen = set()
    current: Row | None = row
    while current is not None and current.parent:
        if current.id in seen:
            return True
        seen.add(current.id)
        current = read.get(current.parent)
    return False


# --- Actions ------------------------------------------------------------------------


def _new_id(rows: list[Row]) -> str:
    numbers = [int(row.id) for row in rows if row.id.isdigit() and len(row.id) < 10]
    return str(max(numbers, default=0) + 1)


def _subtree(rows: list[Row], row_id: str) -> set[str]:
    ids = {row_id}
    for row in rows:  # tree order: a child comes after its parent
        if row.parent in ids:
            ids.add(row.id)
    return ids


def _insert_last(rows: list[Row], group_id: str, new: list[Row]) -> list[Row]:
    """The rows with `new` after the last row of the group's subtree (tree order kept)."""
    inside = _subtree(rows, group_id)
    last = max(i for i, row in enumerate(rows) if row.id in inside)
    return rows[: last + 1] + new + rows[last + 1 :]


def rows_apply(rows: Rows, action: str, row_id: str) -> Rows:
    """The rows after a picker button: add a condition or a group, remove, or clear.

    Buttons of rows that do not exist (a stale page) change nothing; the root group cannot
    be removed. The new rows' first control gets the focus; after a removal, the group's.
    """
    target = rows.get(row_id)
    current = rows.rows
    if action in ("add", "group") and target is not None and target.is_group:
        if len(current) + 2 > MAX_ROWS:
            return Rows(current, [*rows.errors, PlacedError(
                "", f"A condition can have at most {MAX_ROWS} rows.")], focus=target.id)
        leaf_id = _new_id(current)
        if action == "add":
            return Rows(_insert_last(current, target.id, [Row(leaf_id, target.id, LEAF)]), rows.errors, focus=leaf_id)
        depth = _group_depth(current, target)
        if depth + 1 > MAX_GROUP_DEPTH:
            return Rows(current, [*rows.errors, PlacedError(
                target.id, f"Groups can be nested at most {MAX_GROUP_DEPTH} levels deep.")], focus=target.id)
        # Inside "all of", the group one adds is usually an "any of" (and vice versa).
        kind = "all" if _GROUP_MEANING[target.kind][0] is Or else "any"
        group = Row(leaf_id, target.id, kind)
        leaf = Row(str(int(leaf_id) + 1), leaf_id, LEAF)
        return Rows(_insert_last(current, target.id, [group, leaf]), rows.errors, focus=leaf.id)
    if action == "remove" and target is not None and target.parent:
        gone = _subtree(current, target.id)
        return Rows([row for row in current if row.id not in gone], rows.errors, focus=target.parent)
    if action == "clear":
        return Rows([replace(rows.root, kind="all")], [], focus=rows.root.id)
    return rows


def _group_depth(rows: list[Row], group: Row) -> int:
    by_id = {row.id: row for row in rows}
    depth, current = 1, group
    while current.parent and current.parent in by_id:
        depth += 1
        current = by_id[current.parent]
    return depth


# --- Rows -> tree -------------------------------------------------------------------


def _label(question: QuestionDef) -> str:
    label = " ".join(question.label.split())
    return f"“{label[:60]}…”" if len(label) > 60 else f"“{label}”"


def _question_of(row: Row, questions: Mapping[str, QuestionDef], available: Collection[str] | None,
                 errors: list[PlacedError]) -> QuestionDef | None:
    """The leaf's question, checked: it exists, is asked earlier, and has the row named."""
    if not row.ref:
        errors.append(PlacedError(row.id, "Choose a question.", "ref", incomplete=True))
        return None
    match = _REF_RE.fullmatch(row.ref)
    question = questions.get(match.group(1)) if match else None
    if question is None:
        errors.append(PlacedError(row.id, f"There is no question '{row.ref[:64]}' in this survey.", "ref"))
        return None
    if available is not None and question.code not in available:
        errors.append(PlacedError(
            row.id, f"{_label(question)} is not asked before this point: only earlier questions can be used.", "ref"
        ))
        return None
    row_code = match.group(2)
    if question.question_type.ranks:
        # A ranking's condition names one of its choices and compares that choice's rank.
        if row_code is None:
            errors.append(PlacedError(row.id, f"Choose one of the answers of {_label(question)}.", "ref"))
            return None
        if row_code not in question.choice_codes:
            errors.append(PlacedError(row.id, f"{_label(question)} has no answer '{row_code}'.", "ref"))
            return None
    elif question.question_type.has_rows:
        if row_code is None:
            errors.append(PlacedError(row.id, f"Choose one of the rows of {_label(question)}.", "ref"))
            return None
        if row_code not in question.row_codes:
            errors.append(PlacedError(row.id, f"{_label(question)} has no row '{row_code}'.", "ref"))
            return None
    elif row_code is not None:
        errors.append(PlacedError(row.id, f"{_label(question)} has no rows.", "ref"))
        return None
    return question


def operators_of(question: QuestionDef) -> list[str]:
    """The operators that fit the question's type, in the picker's order."""
    fitting = question.question_type.operators
    return [op for op in OPERATORS if op in fitting]


def leaf_op(row: Row, question: QuestionDef | None) -> str:
    """The row's operator; a row whose question was just chosen gets the type's first."""
    if row.op or question is None:
        return row.op
    return operators_of(question)[0]


def _value(text: str, question: QuestionDef, row: Row, errors: list[PlacedError]) -> str | Decimal | None:
    if len(text) > MAX_VALUE_LENGTH:
        errors.append(PlacedError(row.id, f"A value can have at most {MAX_VALUE_LENGTH} characters.", "value"))
        return None
    column = question.question_type.condition_column
    if column == "choice":
        if text not in question.choice_codes:
            errors.append(PlacedError(row.id, f"'{text[:64]}' is not a choice of {_label(question)}.", "value"))
            return None
        return text
    if column == "number":
        if not _NUMBER_RE.fullmatch(text.strip()):
            errors.append(PlacedError(row.id, f"'{text[:64]}' is not a number: enter one such as 12 or -3.5.", "value"))
            return None
        return Decimal(text.strip())
    if column == "date":
        text = text.strip()
        try:
            if not _DATE_RE.fullmatch(text):
                raise ValueError
            date.fromisoformat(text)
        except ValueError:
            errors.append(PlacedError(row.id, f"'{text[:64]}' is not a date: enter one as YYYY-MM-DD.", "value"))
            return None
        return text
    return text


def _leaf_node(row: Row, questions: Mapping[str, QuestionDef], available: Collection[str] | None,
               errors: list[PlacedError]) -> Node | None:
    question = _question_of(row, questions, available, errors)
    if question is None:
        return None
    op = leaf_op(row, question)
    if op not in OPERATORS:
        errors.append(PlacedError(row.id, f"'{op[:20]}' is not an operator.", "op"))
        return None
    if op not in question.question_type.operators:
        words = operator_words(op, question)
        type_label = question.question_type.label or question.type
        errors.append(PlacedError(
            row.id, f"“{words}” does not apply to {_label(question)} ({type_label}): choose another operator.", "op"
        ))
        return None
    many = op in MANY_VALUES
    if not row.values:
        message = "Choose at least one value." if many else "Choose a value."
        if question.question_type.condition_column != "choice":
            message = "Enter at least one value." if many else "Enter a value."
        errors.append(PlacedError(row.id, message, "value", incomplete=True))
        return None
    if not many and len(row.values) > 1:
        errors.append(PlacedError(row.id, f"“{operator_words(op, question)}” takes one value.", "value"))
        return None
    if len(row.values) > MAX_VALUES:
        errors.append(PlacedError(row.id, f"A condition can list at most {MAX_VALUES} values.", "value"))
        return None
    before = len(errors)
    values = [_value(text, question, row, errors) for text in row.values]
    if len(errors) > before:
        return None
    ref = Ref(*_REF_RE.fullmatch(row.ref).groups())
    node: Node
    if many:
        node = In(ref, tuple(values), negated=op == "not in")
    elif op == "has":
        node = Has(ref, values[0])
    else:
        node = Compare(ref, op, values[0])
    return Not(node) if row.negated else node


def _combine(combinator: type[And] | type[Or], operands: list[Node]) -> Node:
    """As the parser does: one operand stands alone, nested ones of the same kind merge."""
    if len(operands) == 1:
        return operands[0]
    flat: list[Node] = []
    for operand in operands:
        flat.extend(operand.operands if isinstance(operand, combinator) else (operand,))
    return combinator(tuple(flat))


def node_from_rows(rows: Rows, questions: Mapping[str, QuestionDef], *,
                   available: Collection[str] | None = None) -> tuple[Node | None, list[PlacedError]]:
    """The condition the rows make (None: the empty condition) and every problem placed.

    `available` is the codes of the questions asked before the condition's place (None:
    any question, as for findings). With any problem, the node is None.
    """
    errors = list(rows.errors)

    def build(row: Row) -> Node | None:
        if not row.is_group:
            return _leaf_node(row, questions, available, errors)
        operands = [node for node in map(build, rows.children(row.id)) if node is not None]
        if not operands:
            return None  # an empty group adds nothing (a new one, not filled in yet)
        combinator, negated = _GROUP_MEANING[row.kind]
        node = _combine(combinator, operands)
        return Not(node) if negated else node

    node = build(rows.root)
    if errors:
        return None, errors
    if node is not None:
        # The picker builds only what the language can say; this guards the promise that
        # the text it writes parses back to this tree and fits the survey.
        try:
            node = conditions.parse(conditions.to_text(node))
            conditions.check(node, questions, available=available)
        except ConditionError as exc:
            return None, [PlacedError("", exc.reason)]
    return node, []


def node_from_form(data: FormData, prefix: str, *, questions: Mapping[str, QuestionDef],
                   available: Collection[str] | None = None) -> Node | None:
    """The condition in a picker's form data (None: empty), or PickerInvalid with every
    problem placed on its row. Text mode reads the text instead."""
    if picker_mode(data, prefix) == "text":
        return node_from_text(picker_text(data, prefix), questions=questions, available=available)
    node, errors = node_from_rows(rows_from_form(data, prefix), questions, available=available)
    if errors:
        raise PickerInvalid(errors)
    return node


def node_from_text(text: str, *, questions: Mapping[str, QuestionDef],
                   available: Collection[str] | None = None) -> Node | None:
    """A typed condition, parsed and checked (ConditionError with its position)."""
    if not text.strip():
        return None
    if len(text) > MAX_TEXT_LENGTH:
        raise ConditionError(f"a condition can have at most {MAX_TEXT_LENGTH} characters", MAX_TEXT_LENGTH)
    node = conditions.parse(text)
    conditions.check(node, questions, available=available)
    return node


# --- Tree -> rows -------------------------------------------------------------------


def _ref_text(ref: Ref) -> str:
    return ref.question if ref.row is None else f"{ref.question}.{ref.row}"


def _value_text(value: str | Decimal) -> str:
    return format(value, "f") if isinstance(value, Decimal) else value


def form_from_node(node: Node | None) -> Rows:
    """The picker's rows for a condition (None: an empty picker)."""
    rows: list[Row] = []

    def add(row: Row) -> Row:
        rows.append(row)
        return row

    def group(kind: str, parent: str, operands: tuple[Node, ...]) -> None:
        row = add(Row(str(len(rows) + 1), parent, kind))
        for operand in operands:
            item(operand, row.id)

    def item(node: Node, parent: str) -> None:
        match node:
            case Not(And(operands)):
                group("notall", parent, operands)
            case Not(Or(operands)):
                group("notany", parent, operands)
            case Not(Not() as operand):
                # "not not x": the outer `not` needs a group of its own.
                group("notall", parent, (operand,))
            case Not(operand):
                leaf(operand, parent, negated=True)
            case And(operands):
                group("all", parent, operands)
            case Or(operands):
                group("any", parent, operands)
            case _:
                leaf(node, parent, negated=False)

    def leaf(node: Node, parent: str, negated: bool) -> None:
        match node:
            case Compare(ref, op, value):
                values, op_text = (_value_text(value),), op
            case In(ref, in_values, in_negated):
                values, op_text = tuple(map(_value_text, in_values)), "not in" if in_negated else "in"
            case Has(ref, value):
                values, op_text = (value,), "has"
            case _:
                raise TypeError(f"not a condition node: {node!r}")
        add(Row(str(len(rows) + 1), parent, LEAF, negated, _ref_text(ref), op_text, values))

    match node:
        case None:
            return empty_rows()
        case And() | Or() | Not(And() | Or()):
            item(node, "")
        case _:
            group("all", "", (node,))
    return Rows(rows)


def form_data(rows: Rows, prefix: str, *, mode: str = "picker", text: str = "") -> dict[str, list[str]]:
    """The form data the picker's rows make (what the browser posts; see the module's
    docstring), e.g. for tests and for pickers prefilled without a browser."""
    data: dict[str, list[str]] = {f"{prefix}-mode": [mode], f"{prefix}-node": []}
    if mode == "text":
        data[f"{prefix}-text"] = [text]
    for row in rows.rows:
        key = f"{prefix}-{row.id}"
        data[f"{prefix}-node"].append(row.id)
        data[f"{key}-parent"] = [row.parent]
        data[f"{key}-kind"] = [row.kind]
        if not row.is_group:
            if row.negated:
                data[f"{key}-not"] = ["1"]
            data[f"{key}-ref"] = [row.ref]
            data[f"{key}-op"] = [row.op]
            data[f"{key}-value"] = list(row.values)
            data[f"{key}-shown"] = [f"{row.ref} {row.op}"]
    return data


# --- Words --------------------------------------------------------------------------

_WORDS = {
    "=": "is",
    "!=": "is not",
    "in": "is one of",
    "not in": "is none of",
    "has": "includes",
    "<": "is less than",
    "<=": "is at most",
    ">": "is more than",
    ">=": "is at least",
}
_DATE_WORDS = {"<": "is before", "<=": "is on or before", ">": "is after", ">=": "is on or after"}


def operator_words(op: str, question: QuestionDef | None = None) -> str:
    """The operator as the picker shows it: "is one of", "is before" (dates)."""
    if question is not None and question.question_type.column == "date" and op in _DATE_WORDS:
        return _DATE_WORDS[op]
    return _WORDS.get(op, op)
