"""What the condition picker shows: its rows as nested groups and leaves with their
options (questions, operators in words, values), the condition's text, and in text mode
the parser's message with a caret under its position.

`condition_picker` is the one entry point: from a stored condition (GET) or from posted
form data (POST, after a picker button or a change), it returns a `Picker` that the
template `builder/conditions/_picker.html` renders. The outline and the findings editor
call it the same way (see builder.views.conditions.picker_for).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from builder.condition_picker import (
    GROUP_KINDS,
    MANY_VALUES,
    FormData,
    PlacedError,
    Row,
    Rows,
    form_from_node,
    leaf_op,
    looks_like_date,
    looks_like_number,
    node_from_rows,
    node_from_text,
    operator_words,
    operators_of,
    picker_action,
    picker_mode,
    picker_text,
    rows_apply,
    rows_from_form,
)
from surveys import conditions
from surveys.conditions import ConditionError, Node
from surveys.definition import QuestionDef, SurveyDef

GROUP_WORDS = {
    "all": "all of these are true",
    "any": "any of these is true",
    "notany": "none of these is true",
    "notall": "not all of these are true",
}
_LABEL_LENGTH = 70


@dataclass(frozen=True)
class Place:
    """Where a condition applies, and so which questions it may use.

    `token` names the place in the picker's form ("question:12", "page:3", "version:5",
    "finding:5", "screenout:5") so that a preview request can find it again; `available` holds the
    codes of the questions asked before it (None: every question of the version, as for
    findings).
    """

    token: str
    definition: SurveyDef
    available: frozenset[str] | None = None
    name: str = "this condition"  # "the question “…”", for headings and messages
    lead: str = "Show when"  # the words before the top group's "all of these are true"
    empty_words: str = "Always shown: no condition."
    hidden: bool = False  # the hidden fields may be named too (screen-outs, as the import allows)

    @property
    def questions(self) -> dict[str, QuestionDef]:
        return self.definition.condition_questions if self.hidden else self.definition.questions


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool = False


@dataclass(frozen=True)
class OptionGroup:
    label: str
    options: tuple[Option, ...]


@dataclass
class LeafView:
    row: Row
    key: str  # the prefix of its fields' names and ids: "<prefix>-<id>"
    number: int
    question: QuestionDef | None
    ref_groups: list[OptionGroup]
    op: str
    op_options: list[Option]
    widget: str  # "" (no question yet), "select", "checkboxes", "inputs" or "input"
    input_type: str = "text"
    step: str = ""
    value_options: list[Option] = field(default_factory=list)
    input_values: list[str] = field(default_factory=list)
    errors: list[PlacedError] = field(default_factory=list)
    focus: bool = False
    is_group = False

    def _invalid(self, *names: str) -> bool:
        # Only what is wrong marks a control invalid; what is missing so far is a hint.
        return any(e.field in names and not e.incomplete for e in self.errors)

    @property
    def ref_invalid(self) -> bool:
        return self._invalid("ref")

    @property
    def op_invalid(self) -> bool:
        return self._invalid("op")

    @property
    def value_invalid(self) -> bool:
        return self._invalid("value", "")

    @property
    def shown(self) -> str:
        return f"{self.row.ref} {self.op}"


@dataclass
class GroupView:
    row: Row
    key: str
    number: int
    is_root: bool
    kind_options: list[Option]
    items: list[GroupView | LeafView] = field(default_factory=list)
    errors: list[PlacedError] = field(default_factory=list)
    focus: bool = False
    is_group = True


@dataclass
class Picker:
    """Everything the picker's template shows; `valid` says whether it can be saved,
    and `text` is then the condition to store ("" for none)."""

    prefix: str
    place: Place
    preview_url: str
    mode: str
    editable: bool = True
    stored: str = ""
    root: GroupView | None = None
    node: Node | None = None
    text: str = ""  # picker mode: the canonical text; text mode: as typed
    partial_text: str = ""  # picker mode, unfinished rows left out
    errors: list[PlacedError] = field(default_factory=list)  # every problem, placed or not
    loose_errors: list[PlacedError] = field(default_factory=list)  # those of no row shown
    text_error: ConditionError | None = None
    caret_line: str = ""
    caret_marker: str = ""
    focus: str = ""

    @property
    def codes(self) -> list[tuple[str, str, str]]:
        """For text mode: each question it can use as (code, label, its choice codes)."""
        listed = []
        for question in self.place.questions.values():
            if self.place.available is not None and question.code not in self.place.available:
                continue
            code = question.code
            if question.question_type.condition_items(question):
                code += ".(" + ", ".join(question.question_type.condition_items(question)) + ")"
            listed.append((code, _short(question.label), ", ".join(question.choice_codes)))
        return listed

    @property
    def valid(self) -> bool:
        return not self.errors and self.text_error is None

    @property
    def unfinished(self) -> bool:
        """Only missing pieces (a new condition without its question or value)."""
        return bool(self.errors) and all(e.incomplete for e in self.errors)

    @property
    def saved_text(self) -> str:
        return conditions.to_text(self.node) if self.node is not None else ""


def _short(label: str, length: int = _LABEL_LENGTH) -> str:
    label = " ".join(label.split())
    return label if len(label) <= length else label[: length - 1].rstrip() + "…"


def _ref_groups(row: Row, place: Place) -> list[OptionGroup]:
    """The questions to pick from: each page's questions asked before the place (a
    matrix once per row), and the row's own choice if it is not among them."""
    groups = []
    offered = set()
    for number, page in enumerate(place.definition.pages, 1):
        options = []
        for question in page.questions:
            if place.available is not None and question.code not in place.available:
                continue
            if question.question_type.ranks:
                # A choice's rank, the choice first as a matrix's row is.
                label = _short(question.label, 50)
                pairs = [(f"{question.code}.{c.code}", f"Rank of {_short(c.label, 30)} — {label}")
                         for c in question.choices]
            elif question.question_type.has_rows:
                # The row first: it tells the options apart, and a narrow select cuts the end off.
                label = _short(question.label, 50)
                pairs = [(f"{question.code}.{r.code}", f"{_short(r.label, 30)} — {label}") for r in question.rows]
            else:
                pairs = [(question.code, _short(question.label))]
            for value, text in pairs:
                offered.add(value)
                options.append(Option(value, text, value == row.ref))
        if options:
            title = f"Page {number}: {_short(page.title, 40)}" if page.title else f"Page {number}"
            groups.append(OptionGroup(title, tuple(options)))
    if place.hidden and place.definition.hidden_fields:
        fields = tuple(Option(h.code, h.code, h.code == row.ref) for h in place.definition.hidden_fields)
        offered.update(h.code for h in place.definition.hidden_fields)
        groups.append(OptionGroup("Hidden fields", fields))
    if not row.ref:
        groups.insert(0, OptionGroup("", (Option("", "Choose a question…", True),)))
    elif row.ref not in offered:
        code = row.ref.partition(".")[0]
        question = place.questions.get(code)
        if question is None:
            label = f"{_short(row.ref, 40)} (not in this survey)"
        elif place.available is not None and code not in place.available:
            label = f"{_short(question.label)} (asked later)"
        else:
            label = f"{_short(question.label)} ({_short(row.ref, 40)})"
        groups.insert(0, OptionGroup("", (Option(row.ref, label, True),)))
    return groups


def _op_options(row: Row, op: str, question: QuestionDef | None) -> list[Option]:
    ops = operators_of(question) if question is not None else []
    options = [Option(o, operator_words(o, question), o == op) for o in ops]
    if op and op not in ops:
        options.insert(0, Option(op, f"{operator_words(op, question)} (does not apply)", True))
    return options


def _question(row: Row, place: Place) -> QuestionDef | None:
    """The row's question when its reference names one (checked or not: the widgets
    follow what was chosen, the errors say what is wrong with it)."""
    if not row.ref:
        return None
    return place.questions.get(row.ref.partition(".")[0])


def _leaf_view(row: Row, key: str, number: int, place: Place, errors: list[PlacedError]) -> LeafView:
    question = _question(row, place)
    op = leaf_op(row, question)
    view = LeafView(
        row=row,
        key=key,
        number=number,
        question=question,
        ref_groups=_ref_groups(row, place),
        op=op,
        op_options=_op_options(row, op, question),
        widget="",
        errors=errors,
    )
    if not row.ref:
        return view
    many = op in MANY_VALUES
    column = question.question_type.condition_column if question is not None else "text"
    if column == "choice":
        choices = [(c.code, _short(c.label, 50)) for c in question.choices]
        codes = {code for code, _ in choices}
        stray = [(v, f"{_short(v, 30)} (not a choice)") for v in row.values if v not in codes]
        view.value_options = [Option(code, label, code in row.values) for code, label in stray + choices]
        view.widget = "checkboxes" if many else "select"
        if not many and not row.values:
            view.value_options.insert(0, Option("", "Choose…", True))
        return view
    view.widget = "inputs" if many else "input"
    # A value the input type would blank (a browser empties a number input holding
    # letters) is shown as text, so that nothing the author wrote disappears.
    if column == "number" and all(looks_like_number(v) for v in row.values):
        view.input_type = "number"
        view.step = "1" if question.question_type.whole_numbers else "any"
    elif column == "date" and all(looks_like_date(v) for v in row.values):
        view.input_type = "date"
    view.input_values = [*row.values, ""] if many else [row.values[0] if row.values else ""]
    return view


def _tree_view(rows: Rows, prefix: str, place: Place, errors: list[PlacedError], focus: str) -> GroupView:
    by_row: dict[str, list[PlacedError]] = {}
    for error in errors:
        by_row.setdefault(error.row, []).append(error)
    counters = {"group": 0, "leaf": 0}

    def view(row: Row) -> GroupView | LeafView:
        key = f"{prefix}-{row.id}"
        if not row.is_group:
            counters["leaf"] += 1
            leaf = _leaf_view(row, key, counters["leaf"], place, by_row.get(row.id, []))
            leaf.focus = row.id == focus
            return leaf
        counters["group"] += 1
        group = GroupView(
            row=row,
            key=key,
            number=counters["group"],
            is_root=not row.parent,
            kind_options=[Option(kind, GROUP_WORDS[kind], kind == row.kind) for kind in GROUP_KINDS],
            errors=by_row.get(row.id, []),
            focus=row.id == focus,
        )
        group.items = [view(child) for child in rows.children(row.id)]
        return group

    return view(rows.root)


def _caret(picker: Picker) -> None:
    """The line of the text holding the error's position, and a caret under it."""
    error, text = picker.text_error, picker.text
    if error is None or error.position < 0:
        return
    position = min(error.position, len(text))
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    line = text[start : end if end >= 0 else len(text)].replace("\t", " ")
    picker.caret_line = line
    picker.caret_marker = " " * (position - start) + "^"


def _rows_without(rows: Rows, ids: set[str]) -> Rows:
    return Rows([row for row in rows.rows if row.id not in ids])


def condition_picker(*, prefix: str, place: Place, preview_url: str, data: FormData | None = None,
                     stored: str = "", editable: bool = True) -> Picker:
    """The picker for a stored condition (`stored`, when `data` is None) or for posted
    form data, with a picker button (add, remove, switch modes) applied. Not `editable`:
    the template shows the stored text only."""
    picker = Picker(prefix=prefix, place=place, preview_url=preview_url, mode="picker", editable=editable,
                    stored=stored)
    rows: Rows | None = None
    if data is None:
        try:
            rows = form_from_node(conditions.parse(stored) if stored.strip() else None)
        except ConditionError as exc:
            # A stored text the picker cannot show (it does not parse): open it as text.
            picker.mode, picker.text, picker.text_error = "text", stored, exc
    elif picker_mode(data, prefix) == "text":
        picker.mode, picker.text = "text", picker_text(data, prefix)
        if picker_action(data, prefix) == ("picker", ""):
            try:
                parsed = conditions.parse(picker.text) if picker.text.strip() else None
                rows = form_from_node(parsed)
                picker.mode, picker.focus = "picker", "switch"
            except ConditionError as exc:
                picker.text_error = exc
                picker.errors.append(PlacedError("", "Correct the text before going back to the picker."))
    else:
        rows = rows_from_form(data, prefix)
        action = picker_action(data, prefix)
        if action is not None:
            rows = rows_apply(rows, *action)
        picker.focus = rows.focus
    if picker.mode == "text":
        if picker.text_error is None:
            try:
                picker.node = node_from_text(picker.text, questions=place.questions, available=place.available)
            except ConditionError as exc:
                picker.text_error = exc
        _caret(picker)
        return picker

    assert rows is not None
    node, errors = node_from_rows(rows, place.questions, available=place.available)
    if data is not None and picker_action(data, prefix) == ("text", "") and picker_mode(data, prefix) == "picker":
        if not errors or all(e.incomplete for e in errors):
            unfinished = {e.row for e in errors}
            node = node if not errors else node_from_rows(_rows_without(rows, unfinished), place.questions,
                                                          available=place.available)[0]
            picker.mode, picker.focus = "text", "text"
            picker.text = conditions.to_text(node) if node is not None else ""
            picker.node = node
            return picker
        errors = [*errors, PlacedError("", "Correct the marked problems before switching to text.")]
    picker.node, picker.errors = node, errors
    picker.text = conditions.to_text(node) if node is not None else ""
    if errors and all(e.incomplete for e in errors):
        partial, _ = node_from_rows(_rows_without(rows, {e.row for e in errors}), place.questions,
                                    available=place.available)
        picker.partial_text = conditions.to_text(partial) if partial is not None else ""
    picker.root = _tree_view(rows, prefix, place, errors, picker.focus)
    shown = {row.id for row in rows.rows}
    picker.loose_errors = [e for e in errors if e.row not in shown]
    return picker
