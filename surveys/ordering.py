"""Randomised order: choices, matrix rows, a page's questions and a block's pages shown in
an order drawn for each respondent.

A definition asks for it with `shuffle: choices` / `shuffle: rows` on a question (items
marked `anchor: true`, such as "Other" or "None of these", keep their position and the
others are shuffled among the remaining places), `shuffle: questions` on a page, and
`shuffle_block: <name>` on consecutive pages (shown in a random order among themselves).

The order is drawn once per response (`draw_order`), seeded by its submission id (signed:
responses.ordering): the form shows page 1 in the order its response will store when
created, and the same response always gets the same order. It is stored with the response
(`Response.display_order`: `stored_order`, which adds each item's display position) and
exported as display positions. Since a random order leaves no
fixed "asked before" inside a shuffled page or block, conditions and piping may not name
a question of their own shuffled page or block (`surveys.piping.asked_before`).
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Mapping, Sequence
from typing import Any

from surveys.definition import SHUFFLE_ROWS, PageDef, QuestionDef, SurveyDef

# The keys of a drawn order: page indexes per block, question codes per page (its index as
# text, JSON's keys being strings), item codes per question.
BLOCKS, PAGES, ITEMS = "blocks", "pages", "items"
# Beside them in a stored order: `positions`, by export column, so that exports read them
# as they read a hidden value.
POSITIONS = "positions"


def is_randomised(definition: SurveyDef) -> bool:
    return any(page.shuffle_questions or page.shuffle_block or any(q.shuffle for q in page.questions)
               for page in definition.pages)


def blocks(pages: Sequence[PageDef]) -> dict[str, list[int]]:
    """Each shuffled block's pages (indexes, consecutive), in the definition's order."""
    found: dict[str, list[int]] = {}
    for i, page in enumerate(pages):
        if page.shuffle_block:
            found.setdefault(page.shuffle_block, []).append(i)
    return found


def shuffled(items: Sequence[Any], anchored: Sequence[bool], rng: random.Random) -> list[Any]:
    """`items` with the anchored ones in place and the others in a random order around them."""
    free = [item for item, anchor in zip(items, anchored, strict=True) if not anchor]
    rng.shuffle(free)
    drawn = iter(free)
    return [item if anchor else next(drawn) for item, anchor in zip(items, anchored, strict=True)]


def _items(question: QuestionDef) -> Sequence[Any]:
    return question.rows if question.shuffle == SHUFFLE_ROWS else question.choices


def draw_order(definition: SurveyDef, seed: str) -> dict[str, dict[str, Any]]:
    """The order one respondent sees; empty when the definition asks for none."""
    if not is_randomised(definition):
        return {}
    rng = random.Random(seed)  # a string seed is hashed the same in every process (SHA-512)
    order: dict[str, dict[str, Any]] = {BLOCKS: {}, PAGES: {}, ITEMS: {}}
    for name, indexes in blocks(definition.pages).items():
        order[BLOCKS][name] = shuffled(indexes, [False] * len(indexes), rng)
    for i, page in enumerate(definition.pages):
        if page.shuffle_questions:
            codes = [q.code for q in page.questions]
            order[PAGES][str(i)] = shuffled(codes, [False] * len(codes), rng)
        for question in page.questions:
            if question.shuffle:
                items = _items(question)
                order[ITEMS][question.code] = shuffled([c.code for c in items], [c.anchor for c in items], rng)
    return order


def _arranged(items: Sequence[Any], key, codes: Sequence[str] | None) -> list[Any]:
    """`items` in the order of `codes`; any item the order does not name after them, as listed."""
    if not codes:
        return list(items)
    rank = {code: i for i, code in enumerate(codes)}
    return sorted(items, key=lambda item: rank.get(key(item), len(rank)))


def page_sequence(definition: SurveyDef, order: Mapping[str, Any]) -> list[int]:
    """The page indexes in the order the respondent meets them."""
    sequence = list(range(len(definition.pages)))
    for name, indexes in blocks(definition.pages).items():
        drawn = (order.get(BLOCKS) or {}).get(name)
        if drawn and sorted(drawn) == indexes:
            sequence[indexes[0]:indexes[-1] + 1] = drawn
    return sequence


def ordered_question(question: QuestionDef, order: Mapping[str, Any]) -> QuestionDef:
    """`question` with its choices or rows in the respondent's order."""
    codes = (order.get(ITEMS) or {}).get(question.code)
    if not question.shuffle or not codes:
        return question
    field = "rows" if question.shuffle == SHUFFLE_ROWS else "choices"
    return dataclasses.replace(question, **{field: tuple(_arranged(_items(question), lambda c: c.code, codes))})


def ordered_page(index: int, questions: Sequence[QuestionDef], order: Mapping[str, Any]) -> list[QuestionDef]:
    """Page `index`'s questions in the respondent's order, each with its choices or rows in
    their order."""
    codes = (order.get(PAGES) or {}).get(str(index))
    return [ordered_question(q, order) for q in _arranged(questions, lambda q: q.code, codes)]


def stored_order(definition: SurveyDef, seed: str) -> dict[str, dict[str, Any]]:
    """`draw_order` with the `positions` it gives, as a response keeps it."""
    order = draw_order(definition, seed)
    return {**order, POSITIONS: positions(definition, order)} if order else order


def positions(definition: SurveyDef, order: Mapping[str, Any]) -> dict[str, int]:
    """The 1-based display position of every shuffled thing, by export column name:
    `<question>.<item>.position` for shuffled choices and rows, `<question>.position` for
    the questions of a shuffled page, `<block>.page<N>.position` for a block's pages."""
    found: dict[str, int] = {}
    for name, indexes in blocks(definition.pages).items():
        drawn = (order.get(BLOCKS) or {}).get(name) or []
        found.update((f"{name}.page{page + 1}.position", k + 1) for k, page in enumerate(drawn) if page in indexes)
    for i, page in enumerate(definition.pages):
        if page.shuffle_questions:
            codes = (order.get(PAGES) or {}).get(str(i)) or []
            found.update((f"{code}.position", k + 1) for k, code in enumerate(codes))
        for question in page.questions:
            if question.shuffle:
                codes = (order.get(ITEMS) or {}).get(question.code) or []
                found.update((f"{question.code}.{code}.position", k + 1) for k, code in enumerate(codes))
    return found


def position_columns(definition: SurveyDef) -> list[str]:
    """The names of `positions`' columns, in the definition's order."""
    names = [f"{name}.page{page + 1}.position" for name, indexes in blocks(definition.pages).items()
             for page in indexes]
    for page in definition.pages:
        if page.shuffle_questions:
            names.extend(f"{q.code}.position" for q in page.questions)
        names.extend(f"{q.code}.{item.code}.position" for q in page.questions if q.shuffle for item in _items(q))
    return names
