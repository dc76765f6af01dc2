"""The ranking question: the respondent puts the question's choices in order.

The JSON answer is the list of choice codes in rank order (`["price", "speed", ...]`: the
first is ranked 1). With `max` set the respondent ranks the top `max` choices only
("rank your top 3"); without it every choice gets a rank. Stored, each ranked choice is
an Answer row of its own: the choice, and its rank in the number column.

The respondent's form has a rank select per choice (the choices in their defined order,
so that a page's HTML differs between respondents only in the selected options: see
responses.rendering); static/js/ranking.js turns it into a list ordered by drag or by
Move up / Move down buttons, which keeps the (hidden) selects in sync. The form posts a
rank per choice, which `clean` takes as a mapping {choice: rank} beside the JSON list.

Counted, a ranked choice adds to its cell like a picked choice (ranked at all) and to a
cell per (rank, choice): the matrix's (row x choice) shape, ranks standing in the row's
place (`CountKeys.ranks`).

Conditions name the choice as a matrix names its row and compare its rank as a number:
`priorities.price <= 3` is true when price was ranked 1, 2 or 3 (false when unranked).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from crispy_forms.layout import Field, LayoutObject
from django import forms

from surveys.types.base import ORDERED, CountKeys, Invalid, Message, Predicate, QuestionType, Stored

if TYPE_CHECKING:
    from surveys.definition import QuestionDef


NOT_A_RANKING = Message("Expected a list of choices, in rank order.", "invalid")
UNKNOWN_CHOICES = Message("Select valid choices.", "invalid_choice")


def top(question: QuestionDef) -> int:
    """How many choices are ranked: the question's `max` (its top N), or all of them."""
    count = len(question.choices)
    if question.max_value is None:
        return count
    return max(1, min(count, int(question.max_value)))


def ranks_top_n(question: QuestionDef) -> bool:
    """Whether only the top few choices are ranked (some stay unranked)."""
    return top(question) < len(question.choices)


def item_key(code: str, choice: str) -> str:
    """The form field (a rank select) of one choice; also how conditions name it."""
    return f"{code}.{choice}"


def _label(question: QuestionDef, code: str) -> str:
    return next((c.label for c in question.choices if c.code == code), code)


def _rank(value: Any) -> int | None:
    """A posted rank: a whole number (or its digits), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        return int(value.strip())
    return None


class RankingType(QuestionType):
    """The choices in the respondent's order; optionally only the top `max` of them."""

    name = "ranking"
    label = "Ranking (order the choices)"
    column = "choice"
    has_choices = True
    picks_many = True  # several choices per answer: never crossed as one choice
    many_rows = True
    whole_numbers = True  # its ranks
    ranks = True  # `max` is how many choices are ranked; the rows carry ranks
    operators = ORDERED
    result_kind = "ranking"
    export_shape = "ranks"
    template = "responses/layout/ranking.html"
    item_template = "responses/layout/ranking_item.html"
    answer_prompt = "Put the answers in order."

    # --- Cleaning ------------------------------------------------------------------------

    def clean(self, question: QuestionDef, value: Any) -> tuple[str, ...]:
        if isinstance(value, Mapping):
            order = self._from_ranks(question, value)
        elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            value = list(value)
            if not set(value) <= set(question.choice_codes):
                raise Invalid(UNKNOWN_CHOICES)
            repeated = next((v for i, v in enumerate(value) if v in value[:i]), None)
            if repeated is not None:
                label = _label(question, repeated)
                raise Invalid(Message(f"“{label}” is ranked more than once.", "rank_repeated", label=label))
            order = tuple(value)
        else:
            raise Invalid(NOT_A_RANKING)
        wanted = top(question)
        if len(order) > wanted:
            raise Invalid(Message(f"Rank only your top {wanted}.", "rank_too_many", top=wanted))
        if len(order) < wanted:
            missing = [c.label for c in question.choices if c.code not in order]
            if ranks_top_n(question):
                text = f"Rank your top {wanted}: {len(order)} ranked."
            else:
                text = f"Give every answer a rank (not ranked: {', '.join(missing)})."
            raise Invalid(Message(text, "rank_incomplete", top=wanted, ranked=len(order), missing=missing))
        return order

    def _from_ranks(self, question: QuestionDef, value: Mapping) -> tuple[str, ...]:
        """{choice: rank} (the form's shape: a select per choice) in rank order."""
        if not set(value) <= set(question.choice_codes):
            raise Invalid(UNKNOWN_CHOICES)
        ranked: dict[str, int] = {}
        for choice in question.choice_codes:  # in the choices' order, so messages are stable
            if choice not in value or value[choice] in (None, ""):
                continue
            rank = _rank(value[choice])
            if rank is None or not 1 <= rank <= top(question):
                raise Invalid(Message(f"A rank is a whole number from 1 to {top(question)}.", "rank_range",
                                      top=top(question)))
            ranked[choice] = rank
        by_rank: dict[int, list[str]] = {}
        for choice, rank in ranked.items():
            by_rank.setdefault(rank, []).append(choice)
        shared = next((rank for rank in sorted(by_rank) if len(by_rank[rank]) > 1), None)
        if shared is not None:
            labels = [_label(question, c) for c in by_rank[shared]]
            raise Invalid(Message(f"{' and '.join(f'“{label}”' for label in labels)} share rank {shared}.",
                                  "rank_repeated", rank=shared, labels=labels))
        gap = next((rank for rank in range(1, len(ranked) + 1) if rank not in by_rank), None)
        if gap is not None:
            raise Invalid(Message(f"No answer is ranked {gap}: ranks go 1, 2, 3… without gaps.", "rank_gap",
                                  rank=gap))
        return tuple(sorted(ranked, key=ranked.__getitem__))

    def form_message(self, question: QuestionDef, message: str, row_label: str | None = None) -> str:
        params = getattr(message, "params", {})
        match getattr(message, "code", None):
            case "required":
                if ranks_top_n(question):
                    return f"Put your top {top(question)} answers in order."
                return self.answer_prompt
            case "rank_repeated" if "labels" in params:
                return f"Give {' and '.join(f'“{label}”' for label in params['labels'])} different ranks."
            case "rank_gap":
                return f"Give an answer rank {params['rank']}, or move the ranks after it up."
            case "rank_incomplete" if ranks_top_n(question):
                return f"Choose your top {params['top']}: {params['ranked']} ranked so far."
            case "rank_incomplete":
                return f"Give every answer a rank (not ranked yet: {', '.join(params['missing'])})."
            case "rank_too_many":
                return f"Rank only your top {params['top']}; leave the others “Not ranked”."
            case "invalid_choice" | "invalid" | "rank_range":
                return "Choose ranks among those offered."
        return super().form_message(question, message, row_label)

    # --- Storage and counting ---------------------------------------------------------

    def to_stored(self, value: tuple[str, ...]) -> tuple[Stored, ...]:
        return tuple(Stored(choice=choice, number=Decimal(rank)) for rank, choice in enumerate(value, start=1))

    def from_stored(self, current: tuple[str, ...] | None, stored: Stored) -> tuple[str, ...]:
        # Rows may come in any order: each goes to its rank's place.
        order = list(current or ())
        rank = int(stored.number)
        order.extend([None] * (rank - len(order)))
        order[rank - 1] = stored.choice
        return tuple(order)

    def count_keys(self, value: tuple[str, ...]) -> CountKeys:
        return CountKeys(cells=tuple((None, choice) for choice in value),
                         ranks=tuple((choice, rank) for rank, choice in enumerate(value, start=1)))

    # --- Conditions: `code.choice <= 3` compares the choice's rank ----------------------

    @property
    def condition_column(self) -> str:
        return "number"

    def condition_items(self, question: QuestionDef) -> tuple[str, ...]:
        return question.choice_codes

    def predicate(self, op: str, values: tuple[str | Decimal, ...]) -> Predicate:
        return Predicate("number", op, tuple(Decimal(v) if not isinstance(v, Decimal) else v for v in values))

    def js_value(self, value: str | Decimal) -> float:
        return float(value)

    # --- Exports: a column per choice holding its rank -------------------------------------

    def export_columns(self, question: QuestionDef) -> list[str]:
        return [item_key(question.code, code) for code in question.choice_codes]

    # --- The respondent's form ------------------------------------------------------------

    def form_fields(self, question: QuestionDef) -> dict[str, forms.Field]:
        # The block's legend carries the question label and its required mark.
        ranks = [("", "Not ranked")] + [(str(r), str(r)) for r in range(1, top(question) + 1)]
        return {
            item_key(question.code, choice.code): forms.ChoiceField(
                label=choice.label, required=False, choices=ranks,
                widget=forms.Select(attrs={"class": "form-select ranking-select", "data-rank-choice": choice.code}),
            )
            for choice in question.choices
        }

    def block_context(self, question: QuestionDef) -> dict[str, Any]:
        return {"top": top(question), "top_n": ranks_top_n(question)}

    def layout(self, question: QuestionDef) -> list[LayoutObject | str]:
        return [Field(item_key(question.code, c.code), template=self.item_template) for c in question.choices]

    def from_post(self, question: QuestionDef, data) -> dict[str, Any] | None:
        posted = {}
        for choice in question.choice_codes:
            values = [v for v in data.getlist(item_key(question.code, choice)) if v != ""]
            if values:
                posted[choice] = values[0] if len(values) == 1 else values  # two ranks: refused
        return posted or None

    def initial(self, question: QuestionDef, value: Any) -> dict[str, Any]:
        if isinstance(value, Mapping):
            return {item_key(question.code, choice): str(rank) for choice, rank in value.items()}
        if isinstance(value, list | tuple):
            return {item_key(question.code, choice): str(rank) for rank, choice in enumerate(value, start=1)}
        return {}

    def error_field(self, question: QuestionDef, key: str) -> str:
        # The question's errors stand at its first choice's select (the summary links there).
        if key == question.code and question.choices:
            return item_key(question.code, question.choices[0].code)
        return key
