"""Form pages as crispy-forms renders them in full, and random questions of every registered
type: what the rendering tests (tests/responses/test_form_rendering.py and the piping
tests) compare the page skeleton of responses/rendering.py against."""

from __future__ import annotations

import random
from decimal import Decimal

from django.template import engines

from responses.forms import SurveyPageForm
from surveys.definition import ChoiceDef, QuestionDef, RowDef
from surveys.types import TYPES

FULL = engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}")


def choices(rng: random.Random) -> tuple[ChoiceDef, ...]:
    codes = rng.sample(["a", "b_2", "c-3", "d4", "e", "other", "none_of_these"], rng.randint(1, 6))
    return tuple(ChoiceDef(code=c, label=f"Label {c} & <i>{i}</i>", exclusive=rng.random() < 0.2)
                 for i, c in enumerate(codes))


def question_of(rng: random.Random, kind: str, n: int) -> QuestionDef:
    """A question of a registered type, with the settings its kind takes (and the others
    left at their defaults, as a definition gives them)."""
    qtype = TYPES[kind]
    low = Decimal(rng.choice([0, 1, -5]))
    return QuestionDef(
        code=f"{kind}_{n}", type=kind, label=rng.choice([f"{kind} {n}?", f"<{kind}> & co", "Label: "]),
        help_text=rng.choice(["", "Some help & <em>more</em>"]), required=rng.random() < 0.5,
        choices=choices(rng) if qtype.has_choices else (),
        rows=tuple(RowDef(code=f"r{i}", label=f"Row {i} <x>") for i in range(rng.randint(1, 4)))
        if qtype.has_rows else (),
        # A slider needs both ends of its scale; a ranking's `max` is how many to rank.
        min_value=low if qtype.numeric and (rng.random() < 0.5 or qtype.stepped) else None,
        max_value=low + 10 if qtype.numeric and (rng.random() < 0.5 or qtype.stepped) else
        Decimal(2) if qtype.ranks and rng.random() < 0.5 else None,
        max_length=rng.choice([None, 20, 500]) if qtype.text else None,
    )


def full(form: SurveyPageForm) -> str:
    return FULL.render({"form": form})
