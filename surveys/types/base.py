"""The base class of question types, and the plain values their methods return.

A question type is one small class, like a Django model field or a Wagtail block: it says
what a question of its kind holds (choices, rows, bounds...), how the respondent's form
shows it, how an answer is cleaned, stored as Answer rows and read back, what it adds to
the count tables, which condition operators fit it, how it is exported and which kind of
result it gets. Every other module asks its question's type instead of comparing type
names, so a new kind of question is one class (plus its template and tests).

The methods return plain values (codes, numbers, dates, tuples); the apps downstream map
them to their rows, SQL and cells. Nothing here imports `responses`, `invitations` or
`analytics`: data flows one way.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from crispy_forms.layout import Field, LayoutObject
from django import forms
from django.utils.html import conditional_escape

if TYPE_CHECKING:
    from surveys.definition import QuestionDef


class Message(str):
    """An error message as the JSON API words it (its text is what API clients read, so it
    stays as it is), carrying a stable `code` and the `params` by which the respondent's
    form words its own message (`QuestionType.form_message`), as Django's ValidationError
    carries a code beside its text."""

    code: str
    params: dict[str, Any]

    def __new__(cls, text: str, code: str = "invalid", **params: Any) -> Message:
        message = super().__new__(cls, text)
        message.code = code
        message.params = params
        return message

    def __getnewargs__(self) -> tuple[str, str]:
        return str(self), self.code


REQUIRED = Message("This question is required.", "required")
# The Net Promoter Score is defined on 0–10 (promoters 9–10, detractors 0–6) and on no other scale.
NPS_SCALE = (0, 10)
INVALID_CHOICE = Message("Select a valid choice.", "invalid_choice")

# The abstract columns an answer is stored in and a condition compares: the choice (with
# its matrix row), the number, the date or the text of an Answer row. In this order the
# definition format lists the types (choices first, then numbers, text and dates).
COLUMNS = ("choice", "number", "text", "date")

# Condition operators (see surveys.conditions): what each kind of answer can be asked.
EQUALITY = frozenset({"=", "!=", "in", "not in"})
ORDERED = EQUALITY | {"<", "<=", ">", ">="}
MEMBERSHIP = frozenset({"has"})


class Invalid(Exception):
    """An answer that cannot be accepted: the message for the respondent, and the error
    key when it is not the question's code (`code.row` for a matrix row)."""

    def __init__(self, message: str, key: str | None = None):
        self.message = message
        self.key = key
        super().__init__(message)


class Stored(NamedTuple):
    """The values of one Answer row, with codes where the row holds ids."""

    row: str | None = None
    choice: str | None = None
    number: Decimal | None = None
    date: dt.date | None = None
    text: str | None = None


class CountKeys(NamedTuple):
    """What one answer adds to the count tables: a cell for each (row code or None for the
    whole question, choice code) picked, each row named also getting its base, and the
    number counted among the question's values; `row_numbers`, a number per (row code)
    counted among that row's values, each row also getting its base (a constant sum)."""

    cells: tuple[tuple[str | None, str], ...] = ()
    number: Decimal | None = None
    row_numbers: tuple[tuple[str, Decimal], ...] = ()
    # A ranking's (choice code, rank) pairs: counted in the matrix's (row x choice) shape,
    # the rank in the row's place (analytics.models.rank_row_id).
    ranks: tuple[tuple[str, int], ...] = ()


class Predicate(NamedTuple):
    """A condition's comparison as a test of one stored answer row: `column op values`,
    the values in the column's own type (choice codes, Decimals, dates or text)."""

    column: str  # one of COLUMNS
    op: str  # "=", "!=", "<", "<=", ">", ">=", "in" or "not in"
    values: tuple


class WithExtras:
    """A cleaned answer that carries parts the JSON shape keeps under keys of their own
    (`QuestionType.extra_keys`): it compares, hashes and counts as the plain answer, and
    gives its parts back as JSON answers by key."""

    def extra_answers(self, code: str) -> dict[str, Any]:
        raise NotImplementedError


def extra_answers(code: str, value: Any) -> dict[str, Any]:
    """The JSON answers beside `code` that its cleaned `value` carries (none for most)."""
    return value.extra_answers(code) if isinstance(value, WithExtras) else {}


def joined(items: list[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}" if items else ""


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def code_text(value: str | Decimal) -> str:
    """A condition value as a code or text: a digits-only code parses as a number."""
    return format(value, "f") if isinstance(value, Decimal) else value


class QuestionType:
    """One kind of question. Subclasses set the class attributes that differ from these
    defaults and override the methods their answers need; one instance of each is
    registered (`surveys.types.register`)."""

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""

    # --- What a question of this type holds (the definition checks read these) --------
    column: ClassVar[str] = "text"  # where its answers are stored and compared: one of COLUMNS
    has_choices: ClassVar[bool] = False  # choices are required (and allowed only here)
    has_rows: ClassVar[bool] = False  # a matrix: rows, each answered with one of the choices
    picks_many: ClassVar[bool] = False  # the answer is a set of choices
    exclusive_choices: ClassVar[bool] = False  # a choice may be marked exclusive
    specify_choices: ClassVar[bool] = False  # a choice may carry a text box ("Other, please specify")
    bounds: ClassVar[bool] = False  # `min` and `max` apply
    stepped: ClassVar[bool] = False  # a scale from `min` to `max` (both required) in steps of `step`
    whole_numbers: ClassVar[bool] = False  # answers (and bounds) are whole numbers
    # A number per row adding up to a total (a constant sum): `total` applies, kept in `max_value`.
    sums_to_total: ClassVar[bool] = False
    # A scale of whole numbers (a rating): the (low, high) scales a question may choose with
    # `min` and `max`, the first one when it sets neither, so that definitions written
    # before there was a choice keep their scale. A type with scales also takes end labels
    # (`low_label`, `high_label`) and a `display`, one of `displays` (the first by default).
    scales: ClassVar[tuple[tuple[int, int], ...]] = ()
    displays: ClassVar[tuple[str, ...]] = ()
    nps: ClassVar[bool] = False  # results show a Net Promoter Score on an NPS_SCALE question
    default_max_length: ClassVar[int | None] = None  # None: `max_length` does not apply
    can_be_segment: ClassVar[bool] = False  # results can be broken down by its choices
    supports_nets: ClassVar[bool] = False  # NETs (groups of choices) can be declared on it
    can_be_personal: ClassVar[bool] = False  # may be marked personal data (free text)
    always_personal: ClassVar[bool] = False  # its answers are personal data whatever the flag
    many_rows: ClassVar[bool] = False  # an answer may be stored as several Answer rows
    # A ranking: the answer orders the choices, `max` says how many are ranked (the top N),
    # each Answer row holds a choice and its rank, and conditions compare a choice's rank
    # (`code.choice <= 3`, the choice in a matrix row's place).
    ranks: ClassVar[bool] = False

    # --- Conditions ------------------------------------------------------------------
    operators: ClassVar[frozenset[str]] = EQUALITY

    # --- Results and exports -----------------------------------------------------------
    # What the results show: "choice" (a choice table), "rows" (a choice table per row),
    # "ranking" (first places, mean ranks and the ranks' distribution), "numeric" (summaries
    # and a histogram), "row_numbers" (a number summary per row: a constant sum), "date"
    # (the base only) or "text" (the answers).
    result_kind: ClassVar[str] = "text"
    # How an answer fills the raw export's columns: "choice" (one column, the choice code),
    # "rows" (a column per row, its choice code), "flags" (a column per choice, 1 if
    # picked, 0 if not), "row_flags" (a flag per row and choice), "row_values" (a column per
    # row, its number), "ranks" (a column per choice, its rank) or "value" (one column, the
    # number, date or text).
    export_shape: ClassVar[str] = "value"

    # --- The respondent's form ----------------------------------------------------------
    template: ClassVar[str] = "responses/layout/question.html"  # the block around its fields
    # What the form asks of a respondent who left a required question empty (the API keeps
    # saying REQUIRED): what to do, in the words of the type's control.
    answer_prompt: ClassVar[str] = "Enter an answer."

    def __repr__(self) -> str:
        return f"<question type {self.name!r}>"

    @property
    def numeric(self) -> bool:
        return self.column == "number"

    @property
    def text(self) -> bool:
        return self.column == "text"

    @property
    def date(self) -> bool:
        return self.column == "date"

    @property
    def condition_column(self) -> str:
        """The column a condition compares its value with (a ranking compares ranks)."""
        return self.column

    def condition_items(self, question: QuestionDef) -> tuple[str, ...]:
        """The codes a condition names after the question's (`code.item`): a matrix's rows,
        a ranking's choices; none for the other types."""
        return question.row_codes if self.has_rows else ()

    @property
    def one_choice(self) -> bool:
        """One choice per answer (per row for a matrix): it can be crossed with another."""
        return self.has_choices and not self.picks_many

    # --- Piping (surveys.piping) ---------------------------------------------------------

    @property
    def pipes(self) -> bool:
        """Its answer can be shown inside a later question's text: one value or a set of
        choices, not an answer per row (a matrix, a constant sum)."""
        return not self.has_rows

    def piped_text(self, question: QuestionDef, value: Any) -> str:
        """An answer as a later question's text shows it: the chosen label, the chosen
        labels joined ("A, B and C", in the answer's order for a ranking, else the
        choices'), or the number, date or text as entered."""
        if self.has_choices:
            labels = {c.code: c.label for c in question.choices}
            if isinstance(value, str):
                return labels.get(value, value)
            codes = list(value) if isinstance(value, list | tuple) else [c for c in question.choice_codes if c in value]
            return joined([labels.get(code, code) for code in codes])
        if isinstance(value, Decimal):
            return format(value, "f")
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)

    # --- Scales (types with `scales`) --------------------------------------------------

    def scale(self, question: QuestionDef) -> tuple[int, int] | None:
        """The question's scale as (low, high): its `min` and `max`, or the type's default
        for those it leaves out; None for a type without scales. `question` may be a
        QuestionDef or a stored Question (the builder's summary), which share the names."""
        if not self.scales:
            return None
        low, high = self.scales[0]
        if question.min_value is not None:
            low = int(question.min_value)
        if question.max_value is not None:
            high = int(question.max_value)
        return low, high

    def display(self, question: QuestionDef) -> str:
        """How the scale is shown: the question's `display`, or the type's default."""
        return (question.display or self.displays[0]) if self.displays else ""

    def shows_nps(self, question: QuestionDef) -> bool:
        """The NPS is computed (and shown) for 0–10 scales only: on another scale its
        promoter and detractor bands mean nothing."""
        return self.nps and self.scale(question) == NPS_SCALE

    def scale_problems(self, question: QuestionDef) -> list[tuple[str, Message]]:
        """What is wrong with the question's scale settings, as (setting, message) pairs:
        setting "scale" (its min and max), "display" or "labels". The definition file and
        the builder both ask here, so both refuse the same scales with the same words."""
        problems: list[tuple[str, Message]] = []
        if not self.scales:
            if question.low_label or question.high_label:
                problems.append(("labels", Message(
                    f"end labels apply to rating questions, not {self.name}", "no_scale")))
            if question.display:
                problems.append(("display", Message(f"display applies to rating questions, not {self.name}",
                                                    "no_scale")))
            return problems
        scale = self.scale(question)
        if scale not in self.scales:
            allowed = ", ".join(f"{low}–{high}" for low, high in sorted(self.scales))
            problems.append(("scale", Message(
                f"a rating scale runs {allowed}, not {scale[0]}–{scale[1]}", "scale", allowed=allowed)))
        if question.display and question.display not in self.displays:
            problems.append(("display", Message(
                f"expected {' or '.join(self.displays)}, got {question.display!r}", "display")))
        return problems

    # --- Cleaning ---------------------------------------------------------------------

    def clean_answer(self, question: QuestionDef, value: Any, errors: dict[str, list[str]], *,
                     enforce_required: bool = True) -> Any:
        """One question's cleaned answer, or None when unanswered. Raises Invalid; a type
        whose answer has parts (matrix rows) adds their errors to `errors` instead."""
        if is_empty(value) or (isinstance(value, str) and not value.strip()):
            if question.required and enforce_required:
                raise Invalid(REQUIRED)
            return None
        return self.clean(question, value)

    def clean(self, question: QuestionDef, value: Any) -> Any:
        """A non-empty raw (JSON-shaped) answer in the shape conditions evaluate."""
        raise NotImplementedError

    def extra_keys(self, question: QuestionDef) -> tuple[str, ...]:
        """Keys of the JSON answers, beside the question's code, that belong to its answer
        (the text of an "Other, please specify" choice): they add to the shape, so that an
        answer without them means what it always did."""
        return ()

    def clean_extras(self, question: QuestionDef, answer: Any, extras: dict[str, Any],
                     errors: dict[str, list[str]], *, enforce_required: bool = True) -> Any:
        """The cleaned answer (None when unanswered) with the values posted under its
        `extra_keys` (those present in `extras`) cleaned into it; their errors are added
        to `errors` under their own keys. Only called for a question with extra keys."""
        return answer

    # --- Storage ----------------------------------------------------------------------

    def to_stored(self, value: Any) -> tuple[Stored, ...]:
        """A cleaned answer as the values of its Answer rows."""
        raise NotImplementedError

    def from_stored(self, current: Any, stored: Stored) -> Any:
        """The cleaned answer with one more of its Answer rows read in (`current` is None
        for the first row)."""
        raise NotImplementedError

    # --- Counting ---------------------------------------------------------------------

    def count_keys(self, value: Any) -> CountKeys:
        """What a cleaned answer adds to the count tables (beyond the question's base)."""
        return CountKeys()

    # --- Conditions -------------------------------------------------------------------

    def condition_value(self, value: str | Decimal) -> Any:
        """A condition's value in this type's column."""
        return code_text(value)

    def predicate(self, op: str, values: tuple[str | Decimal, ...]) -> Predicate:
        """A condition leaf on this question (`op` is a comparison, "in", "not in" or "has")
        as a test of one stored answer row. `has` always looks at the choices."""
        if op == "has":
            return Predicate("choice", "in", tuple(code_text(v) for v in values))
        return Predicate(self.column, op, tuple(self.condition_value(v) for v in values))

    def js_value(self, value: str | Decimal) -> str | float:
        """A condition value for the browser's evaluator (static/js/form.js), which
        compares JSON numbers as numbers and strings as strings."""
        return code_text(value)

    # --- Exports ----------------------------------------------------------------------

    def export_columns(self, question: QuestionDef) -> list[str]:
        """The names of its raw export columns."""
        return [question.code]

    def specify_export_columns(self, question: QuestionDef) -> list[tuple[str, str]]:
        """(choice code, column name) of the columns, among `export_columns`, holding the
        texts of "Other, please specify" choices."""
        return []

    # --- The respondent's form --------------------------------------------------------

    def form_fields(self, question: QuestionDef) -> dict[str, forms.Field]:
        """Presentation-only form fields by name (validation is `clean_answer`)."""
        return {question.code: self.form_field(question, **self.field_options(question))}

    def field_options(self, question: QuestionDef) -> dict[str, Any]:
        return {
            "label": question.label,
            "required": question.required,
            # crispy renders help text with |safe: escape it here.
            "help_text": conditional_escape(question.help_text) if question.help_text else "",
        }

    def form_field(self, question: QuestionDef, **options: Any) -> forms.Field:
        raise NotImplementedError

    def block_context(self, question: QuestionDef) -> dict[str, Any]:
        """What its block's template needs beside the question (e.g. how many to rank)."""
        return {}

    def layout(self, question: QuestionDef) -> list[LayoutObject | str]:
        """The crispy layout pieces of its fields, inside the question's block."""
        return [Field(question.code)]

    def from_post(self, question: QuestionDef, data) -> Any:
        """The posted values (a QueryDict) in the JSON shape `clean_answer` takes, or None
        when nothing was posted. Two values for a one-answer field stay a list, so that
        cleaning refuses them."""
        return one_or_many(data.getlist(question.code))

    def initial(self, question: QuestionDef, value: Any) -> dict[str, Any]:
        """A stored answer (in raw JSON shape) as initial field values by name."""
        return {question.code: str(value) if isinstance(value, int | float) else value}

    def error_field(self, question: QuestionDef, key: str) -> str:
        """The form field that shows the error keyed `key` (the question's code, or a key
        of one of its parts): the field of that name unless the type has none."""
        return key

    def form_message(self, question: QuestionDef, message: str, row_label: str | None = None) -> str:
        """An error message on `question` (on its row `row_label` for a matrix) as the
        respondent's form words it: saying what to do. A message the form has no words of
        its own for (it already says what to do) is shown as the API gives it."""
        if getattr(message, "code", None) == "required":
            return self.answer_prompt
        return str(message)


class UnknownType(QuestionType):
    """Stands for a type name that is not registered (a definition being checked): it
    accepts nothing and compares like text, as an unknown type always did."""

    label = "unknown"

    def clean(self, question: QuestionDef, value: Any) -> Any:
        raise KeyError(question.type)


def one_or_many(values: list) -> Any:
    """The values posted for one field: None, one value, or a list when there were several."""
    if not values:
        return None
    return values[0] if len(values) == 1 else values
