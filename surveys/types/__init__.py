"""Question types: one registry, one small class per type (see `surveys.types.base`).

    from surveys.types import question_type
    question_type("matrix").has_rows        # True
    question.question_type.count_keys(v)    # a QuestionDef knows its type

`TYPES` maps each name to its type in the order the admin lists them; `Question.type`
takes its choices from it. A new type is a `QuestionType` subclass registered here (or
by `register` anywhere before it is used), its template if its form block differs, and
its tests: nothing else compares type names.
"""

from __future__ import annotations

from surveys.types.base import (
    COLUMNS,
    REQUIRED,
    CountKeys,
    Invalid,
    Predicate,
    QuestionType,
    Stored,
    UnknownType,
)
from surveys.types.choices import DropdownType, MatrixMultipleType, MatrixType, MultipleType, SingleType
from surveys.types.constant_sum import ConstantSumType
from surveys.types.dates import DateType
from surveys.types.numeric import DecimalType, IntegerType, RatingType, SliderType
from surveys.types.ranking import RankingType
from surveys.types.text import EmailType, LongTextType, ShortTextType

__all__ = [
    "REQUIRED",
    "TYPES",
    "UNKNOWN",
    "CountKeys",
    "Invalid",
    "Predicate",
    "QuestionType",
    "Stored",
    "definition_order",
    "question_type",
    "register",
    "type_choices",
    "type_names",
]

TYPES: dict[str, QuestionType] = {}
UNKNOWN: QuestionType = UnknownType()


def register(cls: type[QuestionType]) -> type[QuestionType]:
    """Register one instance of `cls` under its name (usable as a class decorator)."""
    if not cls.name or cls.name in TYPES:
        raise ValueError(f"question type {cls.name!r} is unnamed or registered twice")
    TYPES[cls.name] = cls()
    return cls


def question_type(name: str) -> QuestionType:
    """The registered type of that name, or `UNKNOWN` (which accepts no answer)."""
    return TYPES.get(name, UNKNOWN)


def type_choices() -> list[tuple[str, str]]:
    """(name, label) of every type: the choices of `Question.type`."""
    return [(t.name, t.label) for t in TYPES.values()]


def type_names(**flags: object) -> list[str]:
    """The names of the types whose attributes have these values, e.g.
    `type_names(numeric=True)`, for queries on the stored `Question.type`."""
    return [t.name for t in TYPES.values() if all(getattr(t, k) == v for k, v in flags.items())]


def definition_order() -> list[str]:
    """Every name as the definition format lists them: by answer column (choices, numbers,
    text, dates), in registry order within each."""
    return sorted(TYPES, key=lambda name: COLUMNS.index(TYPES[name].column))


for _cls in (
    SingleType, DropdownType, MultipleType, MatrixType, MatrixMultipleType, RankingType, ShortTextType,
    LongTextType, IntegerType, DecimalType, DateType, EmailType, RatingType, SliderType, ConstantSumType,
):
    register(_cls)
