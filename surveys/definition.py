"""Plain, immutable survey definitions: the shape shared by YAML files, the database,
the intake validator and the API.

A definition is built from a YAML mapping (`definition_from_data`, which reports every
problem with its place, such as `pages[1].questions[0].rows: duplicate code 'twitter'`),
from a stored version (`selectors.version_definition`), and dumped back to a mapping
(`definition_to_data`) so that import and export round-trip exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from surveys.types import QuestionType, question_type


@dataclass(frozen=True)
class ChoiceDef:
    code: str
    label: str
    exclusive: bool = False


@dataclass(frozen=True)
class RowDef:
    code: str
    label: str


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
    step: Decimal | None = None  # sliders (`QuestionType.stepped`)

    @cached_property
    def question_type(self) -> QuestionType:
        """What this type of question holds and does (`surveys.types`)."""
        return question_type(self.type)

    @property
    def holds_personal_data(self) -> bool:
        """E-mail answers are personal data whatever the flag says."""
        return self.personal_data or self.question_type.always_personal

    @cached_property
    def choice_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.choices)

    @cached_property
    def row_codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.rows)


@dataclass(frozen=True)
class PageDef:
    title: str
    questions: tuple[QuestionDef, ...]
    condition: str = ""


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

    @cached_property
    def questions(self) -> dict[str, QuestionDef]:
        """Every question by code, in the order the respondent meets them."""
        return {q.code: q for page in self.pages for q in page.questions}
