"""The choices and matrix rows of a question in its edit form: an editable list (add,
remove, reorder, paste a block of lines) that is posted with the question and saved with
it, codes made from labels where the author left them empty."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django import forms

from builder.forms.outline import validate_code
from surveys.codes import code_from_label
from surveys.editing import Entry
from surveys.models import Choice, Question

LABEL_MAX = 300  # Choice.label and MatrixRow.label


@dataclass
class EntryRow:
    """One line of the list as the author sees it (maybe invalid)."""

    label: str = ""
    code: str = ""
    id: int | None = None
    exclusive: bool = False
    specify: str = ""  # the choice's text box: "", "optional" or "required"
    anchor: bool = False  # keeps its place when the list is shuffled
    attention_check: str = ""  # a matrix row's: the choice a careful respondent picks on it
    errors: list[str] = field(default_factory=list)

    @property
    def blank(self) -> bool:
        return self.id is None and not self.label.strip() and not self.code.strip()


_OP = re.compile(r"^(?P<kind>choices|rows)-(?P<action>add|paste|remove|up|down)(?:-(?P<index>[0-9]+))?$")


@dataclass(frozen=True)
class ListOp:
    kind: str
    action: str
    index: int | None

    @classmethod
    def parse(cls, op: str) -> ListOp | None:
        match = _OP.match(op)
        if match is None:
            return None
        index = match["index"]
        return cls(match["kind"], match["action"], None if index is None else int(index))


class EntryList:
    """The choices (or rows) of a question in its edit form: posted as `choices-N-label`,
    `-code`, `-id`, `-exclusive`, `-specify`, `-anchor`, `-attention_check` (a matrix's rows)
    and `choices-count`, edited by list operations (add, remove, move, paste a block of
    lines) that re-render the form without saving."""

    MAX_ENTRIES = 200

    def __init__(self, kind: str, rows: list[EntryRow], *, question: Question, paste: str = "") -> None:
        self.kind = kind
        self.rows = rows
        self.question = question
        self.paste = paste
        self.errors: list[str] = []
        qtype = question.question_type
        self.exclusive = kind == "choices" and qtype.exclusive_choices
        self.specify = kind == "choices" and qtype.specify_choices
        # A matrix's row may be an attention check ("select 'Often' on this row"), as the import allows.
        self.attention = kind == "rows" and qtype.has_choices and not (qtype.picks_many or qtype.ranks)
        # The answers it may expect, as (code, label): set by `entry_lists`.
        self.attention_choices: list[tuple[str, str]] = []
        self.attention_codes: list[str] = []
        self.frozen = question.version.is_frozen
        self.noun = "choice" if kind == "choices" else "row"

    @property
    def title(self) -> str:
        return "Choices" if self.kind == "choices" else "Rows"

    @property
    def prefix(self) -> str:
        return f"q{self.question.pk}-{self.kind}"

    @classmethod
    def of_question(cls, kind: str, question: Question) -> EntryList:
        options = question.choices.all() if kind == "choices" else question.rows.all()
        rows = [
            EntryRow(label=o.label, code=o.code, id=o.pk, exclusive=getattr(o, "exclusive", False),
                     specify=getattr(o, "specify", ""), anchor=o.anchor,
                     attention_check=getattr(o, "attention_check", ""))
            for o in sorted(options, key=lambda o: (o.position, o.pk))
        ]
        return cls(kind, rows, question=question)

    @classmethod
    def from_post(cls, kind: str, data, question: Question) -> EntryList:
        try:
            count = min(int(data.get(f"{kind}-count", 0)), cls.MAX_ENTRIES)
        except ValueError:
            count = 0
        rows = []
        for i in range(count):
            raw_id = data.get(f"{kind}-{i}-id", "")
            rows.append(EntryRow(
                label=data.get(f"{kind}-{i}-label", ""),
                code=data.get(f"{kind}-{i}-code", "").strip(),
                id=int(raw_id) if raw_id.isdigit() else None,
                exclusive=bool(data.get(f"{kind}-{i}-exclusive")),
                specify=data.get(f"{kind}-{i}-specify", ""),
                anchor=bool(data.get(f"{kind}-{i}-anchor")),
                attention_check=data.get(f"{kind}-{i}-attention_check", "").strip(),
            ))
        return cls(kind, rows, question=question, paste=data.get(f"{kind}-paste", ""))

    def display_rows(self) -> list[EntryRow]:
        """The rows to show: at least one line to type into on a draft."""
        if not self.rows and not self.frozen:
            return [EntryRow()]
        return self.rows

    def field_id(self, index: int, name: str) -> str:
        return f"{self.prefix}-{index}-{name}"

    # --- Operations (no saving) --------------------------------------------------------

    def apply(self, op: ListOp) -> str:
        """Apply a list operation; returns the id of the element to focus afterwards."""
        rows = self.rows
        index = op.index if op.index is not None and 0 <= op.index < len(rows) else None
        if op.action == "add":
            if not rows:
                rows.append(EntryRow())  # the empty line shown replaces the first added one
            rows.append(EntryRow())
            return self.field_id(len(rows) - 1, "label")
        if op.action == "paste":
            added = self.take_paste()  # a new list: `rows` is the one before the paste
            return self.field_id(len(self.rows) - 1, "label") if added else f"{self.prefix}-paste"
        if index is None:
            return f"{self.prefix}-add"
        if op.action == "remove":
            del rows[index]
            if not rows:
                return f"{self.prefix}-add"
            return self.field_id(min(index, len(rows) - 1), "label")
        target = index - 1 if op.action == "up" else index + 1
        if 0 <= target < len(rows):
            rows[index], rows[target] = rows[target], rows[index]
            index = target
        return self.field_id(index, op.action)

    def take_paste(self) -> int:
        """Append one entry per non-empty pasted line, codes made from the labels."""
        lines = [line.strip() for line in self.paste.splitlines() if line.strip()]
        self.rows = [row for row in self.rows if not row.blank]
        taken = {row.code for row in self.rows if row.code}
        for line in lines[: self.MAX_ENTRIES - len(self.rows)]:
            code = code_from_label(line, taken, fallback=self.noun)
            taken.add(code)
            self.rows.append(EntryRow(label=line[:LABEL_MAX], code=code))
        self.paste = ""
        return len(lines)

    # --- Saving --------------------------------------------------------------------------

    def clean(self) -> list[Entry] | None:
        """The entries to save, or None with `errors` (and each row's) set."""
        if self.paste.strip():
            self.take_paste()
        self.rows = [row for row in self.rows if not row.blank]
        taken = {row.code for row in self.rows if row.code}
        for row in self.rows:
            row.label = row.label.strip()
            row.errors = []
            if not row.label:
                row.errors.append(f"Write the {self.noun}'s label.")
            elif len(row.label) > LABEL_MAX:
                row.errors.append(f"At most {LABEL_MAX} characters.")
            if not row.code:
                row.code = code_from_label(row.label, taken, fallback=self.noun)
                taken.add(row.code)
        for row in self.rows:
            if row.specify not in ("", *Choice.Specify.values):
                row.errors.append("Choose whether the choice has a text box: none, optional or required.")
            if self.attention and row.attention_check and row.attention_check not in self.attention_codes:
                row.errors.append(f"“{row.attention_check[:64]}” is not one of the question's answers: choose the "
                                  "answer a careful respondent picks on this row.")
        seen: set[str] = set()
        for row in self.rows:
            try:
                validate_code(row.code, seen, self.noun)
            except forms.ValidationError as exc:
                row.errors.extend(exc.messages)
            seen.add(row.code)
        if not self.rows:
            self.errors.append(f"Add at least one {self.noun}.")
        if self.errors or any(row.errors for row in self.rows):
            return None
        return [
            Entry(code=r.code, label=r.label, id=r.id, exclusive=r.exclusive and self.exclusive,
                  specify=r.specify if self.specify else "", anchor=r.anchor,
                  attention_check=r.attention_check if self.attention else "")
            for r in self.rows
        ]

    @property
    def specify_options(self) -> list[tuple[str, str]]:
        """The text box settings a choice may have, for its select."""
        return list(Choice.Specify.choices)


def entry_lists(question: Question, data=None) -> list[EntryList]:
    """The question's lists (choices, rows) its type has, from the database or the post."""
    qtype = question.question_type
    kinds = [kind for kind, has in (("rows", qtype.has_rows), ("choices", qtype.has_choices)) if has]
    if data is None:
        lists = [EntryList.of_question(kind, question) for kind in kinds]
    else:
        lists = [EntryList.from_post(kind, data, question) for kind in kinds]
    by_kind = {entries.kind: entries for entries in lists}
    if "rows" in by_kind and "choices" in by_kind:
        # What a row's attention check may expect: the answers as this form holds them.
        choices = by_kind["choices"]
        by_kind["rows"].attention_choices = [(r.code, r.label) for r in choices.rows if r.code]
        by_kind["rows"].attention_codes = [code for code, _ in by_kind["rows"].attention_choices]
    return lists
