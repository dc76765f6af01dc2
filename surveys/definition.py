"""Plain, immutable survey definitions: the shape shared by YAML files, the database,
the intake validator and the API.

A definition is built from a YAML mapping (`definition_from_data`, which reports every
problem with its place, such as `pages[1].questions[0].rows: duplicate code 'twitter'`),
from a stored version (`selectors.version_definition`), and dumped back to a mapping
(`definition_to_data`) so that import and export round-trip exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from surveys.types import QuestionType, question_type

SPECIFY_LEVELS = ("optional", "required")
SHUFFLE_CHOICES, SHUFFLE_ROWS = "choices", "rows"


@dataclass(frozen=True)
class ChoiceDef:
    code: str
    label: str
    exclusive: bool = False
    # "Other, please specify": "" (no text box), "optional" or "required" (SPECIFY_LEVELS).
    specify: str = ""
    anchor: bool = False  # keeps its place when the question's choices are shuffled


@dataclass(frozen=True)
class RowDef:
    code: str
    label: str
    # An attention check on this row: the choice code a careful respondent picks.
    attention_check: str = ""
    anchor: bool = False  # keeps its place when the matrix's rows are shuffled


@dataclass(frozen=True)
class QuestionDef:
    code: str
    type: str
    label: str
    help_text: str = ""
    required: bool = False
    segment: bool = False
    # Text and e-mail questions only: the answers identify the respondent (a name typed in),
    # so erasure blanks them and exports leave them out unless asked for.
    personal_data: bool = False
    condition: str = ""
    choices: tuple[ChoiceDef, ...] = ()
    rows: tuple[RowDef, ...] = ()
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    max_length: int | None = None
    # Rating scales only (see QuestionType.scales): the words under the scale's two ends,
    # and how it is shown ("" for the type's default display).
    low_label: str = ""
    high_label: str = ""
    display: str = ""
    step: Decimal | None = None  # sliders (`QuestionType.stepped`)
    # An attention check ("select 'Agree' here"): the choice code a careful respondent picks;
    # single-choice questions (a matrix marks its rows instead). See responses.quality.
    attention_check: str = ""
    shuffle: str = ""  # "", or SHUFFLE_CHOICES / SHUFFLE_ROWS: shown in a random order (surveys.ordering)

    @cached_property
    def question_type(self) -> QuestionType:
        """What this type of question holds and does (`surveys.types`)."""
        return question_type(self.type)

    @property
    def holds_personal_data(self) -> bool:
        """E-mail answers are personal data whatever the flag says."""
        return self.personal_data or self.question_type.always_personal

    @property
    def scale(self) -> tuple[int, int] | None:
        """(low, high) of a rating scale, its default filled in; None for other types."""
        return self.question_type.scale(self)

    @property
    def scale_display(self) -> str:
        """How a rating scale is shown, its default filled in; "" for other types."""
        return self.question_type.display(self)

    @cached_property
    def choice_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.choices)

    @cached_property
    def row_codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.rows)

    @cached_property
    def specified_choices(self) -> tuple[ChoiceDef, ...]:
        """The choices that carry a text box ("Other, please specify")."""
        return tuple(c for c in self.choices if c.specify)


# A question's settings that its database row keeps one to a column (the column's name where
# it differs): written by `services` when a version is stored, read back by `selectors`.
QUESTION_COLUMNS = {
    "code": "code", "type": "type", "label": "label", "help_text": "help_text", "required": "required",
    "segment": "is_segment", "personal_data": "personal_data", "condition": "condition",
    "min_value": "min_value", "max_value": "max_value", "max_length": "max_length",
    "low_label": "low_label", "high_label": "high_label", "display": "display", "step": "step",
    "attention_check": "attention_check",
    "shuffle": "shuffle",
}


def question_columns(question: QuestionDef) -> dict:
    """The columns of `question`'s row (choices and rows go to rows of their own)."""
    return {column: getattr(question, name) for name, column in QUESTION_COLUMNS.items()}


def question_settings(row) -> dict:
    """The settings of a QuestionDef read from a question's row; numbers as written (2, not 2.000000)."""
    values = {name: getattr(row, column) for name, column in QUESTION_COLUMNS.items()}
    return {name: value.normalize() if isinstance(value, Decimal) else value for name, value in values.items()}


@dataclass(frozen=True)
class PageDef:
    title: str
    questions: tuple[QuestionDef, ...]
    condition: str = ""
    shuffle_questions: bool = False  # its questions shown in a random order (surveys.ordering)
    # Consecutive pages naming the same block are shown in a random order among themselves.
    shuffle_block: str = ""


@dataclass(frozen=True)
class FindingDef:
    code: str
    statement: str
    base: str
    target: str


@dataclass(frozen=True)
class NetDef:
    """A NET: one more line in the results of a choice question (of each row of a matrix),
    counting the respondents who chose any of its choices. Declared as its choices, or with
    `all_but` as the choices it leaves out (which then also name the question's zero point)."""

    question: str
    code: str
    label: str
    choices: tuple[str, ...]
    all_but: bool = False

    def members(self, scale: tuple[str, ...]) -> tuple[str, ...] | None:
        """The choice codes the NET adds up on this scale; None when the scale lacks one of
        the codes the NET names (another version's scale: showing a NET without one of its
        choices would mislead)."""
        if any(code not in scale for code in self.choices):
            return None
        if self.all_but:
            return tuple(code for code in scale if code not in self.choices)
        return self.choices

    @property
    def zero_point(self) -> str | None:
        """"Every choice but `x`" makes `x` the scale's zero point (for paired answers)."""
        return self.choices[0] if self.all_but and len(self.choices) == 1 else None


@dataclass(frozen=True)
class ViewDef:
    """A saved crosstab: rows against columns (a single-choice question's code, or
    `question.row` for a matrix row), optionally within one segment value ("question:choice"),
    and optionally a highlighted cell: the row's `highlight_row` with anything but the
    column's `highlight_column_not`, shown with McNemar's test of those two answers."""

    code: str
    label: str
    row: str
    column: str
    description: str = ""
    segment: str = ""
    highlight_row: str = ""
    highlight_column_not: str = ""


@dataclass(frozen=True)
class HiddenFieldDef:
    """A value the respondent does not answer but brings along: from the public link's query
    string (`?rid=abc`), the invitee list or the API payload. Its code shares the question
    codes' namespace (conditions and exports name both alike); `values`, when given, are the
    only values kept (others are ignored), and make it usable like a single-choice question."""

    code: str
    values: tuple[str, ...] = ()
    description: str = ""  # for the survey's editors: what it holds, who fills it in

    @cached_property
    def as_question(self) -> QuestionDef:
        """How conditions see it: a single-choice question over its values, else a text one."""
        if self.values:
            return QuestionDef(
                code=self.code, type="single", label=self.code,
                choices=tuple(ChoiceDef(code=v, label=v) for v in self.values),
            )
        return QuestionDef(code=self.code, type="short_text", label=self.code)

    @cached_property
    def segment_question(self) -> QuestionDef | None:
        """How results see a field with `values`: a segment over them (None without values)."""
        if not self.values:
            return None
        return QuestionDef(
            code=self.code, type="single", label=self.description or self.code, segment=True,
            choices=tuple(ChoiceDef(code=v, label=f"{self.code} = {v}") for v in self.values),
        )


@dataclass(frozen=True)
class ScreenOutDef:
    """A condition that ends the survey for a respondent it does not target, with the message
    they see (or the survey's `screened_out` redirect). Frozen with its version like the
    questions it names; decided at the end of the page where every question it names has
    been answered."""

    code: str
    condition: str
    message: str


@dataclass(frozen=True)
class QuotaDef:
    """A survey-level quota: completes whose answers meet `condition` are taken up to
    `limit`, no further (responses.quotas). Not frozen: a limit may be raised, or the quota
    closed, while the survey runs."""

    code: str
    label: str
    condition: str
    limit: int
    closed: bool = False


# The outcomes a survey may send a respondent elsewhere on, in the definition file's order.
REDIRECT_OUTCOMES = ("complete", "screened_out", "quota_full", "closed")


@dataclass(frozen=True)
class RedirectsDef:
    """Survey-level URLs per outcome, each optional; `{code}` of any hidden field is replaced
    by its value, URL-encoded."""

    complete: str = ""
    screened_out: str = ""
    quota_full: str = ""
    closed: str = ""

    def items(self) -> list[tuple[str, str]]:
        return [(outcome, getattr(self, outcome)) for outcome in REDIRECT_OUTCOMES if getattr(self, outcome)]


@dataclass(frozen=True)
class SurveyDef:
    slug: str
    title: str
    pages: tuple[PageDef, ...]
    description: str = ""
    intro: str = ""
    thank_you: str = ""
    status: str = "draft"
    findings: tuple[FindingDef, ...] = field(default=())
    nets: tuple[NetDef, ...] = field(default=())
    views: tuple[ViewDef, ...] = field(default=())
    hidden_fields: tuple[HiddenFieldDef, ...] = field(default=())
    redirects: RedirectsDef = field(default=RedirectsDef())
    screen_outs: tuple[ScreenOutDef, ...] = field(default=())
    quotas: tuple[QuotaDef, ...] = field(default=())

    @cached_property
    def questions(self) -> dict[str, QuestionDef]:
        """Every question by code, in the order the respondent meets them."""
        return {q.code: q for page in self.pages for q in page.questions}

    @cached_property
    def extra_answer_keys(self) -> dict[str, str]:
        """The keys of JSON answers beside the question codes (the "please specify" texts,
        `code.choice.text`), each with its question's code."""
        return {key: q.code for q in self.questions.values() for key in q.question_type.extra_keys(q)}

    @cached_property
    def hidden(self) -> dict[str, HiddenFieldDef]:
        """Every hidden field by code, the built-in `external_id` included (it is filled from
        the invitee, so today's `{external_id}` placeholders keep working)."""
        fields = {BUILTIN_HIDDEN: HiddenFieldDef(code=BUILTIN_HIDDEN)}
        fields.update((h.code, h) for h in self.hidden_fields)
        return fields

    @cached_property
    def condition_questions(self) -> dict[str, QuestionDef]:
        """What conditions may name: the questions and the declared hidden fields."""
        return {**{h.code: h.as_question for h in self.hidden_fields}, **self.questions}


    @cached_property
    def view_questions(self) -> dict[str, QuestionDef]:
        """What saved views may name (`view_questions`)."""
        return view_questions(self.questions, self.hidden_fields)


def view_questions(questions: Mapping[str, QuestionDef],
                   hidden_fields: Iterable[HiddenFieldDef]) -> dict[str, QuestionDef]:
    """What a saved view may name as its rows, columns or segment: the questions, and the
    hidden fields with `values` as single-choice segment questions over them, as results
    offer them (`HiddenFieldDef.segment_question`; a question's code wins)."""
    segments = {h.code: h.segment_question for h in hidden_fields if h.segment_question and h.code not in questions}
    return {**questions, **segments}


# Filled from the invitee's external id; declared by every survey without being written.
BUILTIN_HIDDEN = "external_id"
