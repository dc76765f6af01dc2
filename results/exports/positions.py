"""The display-position columns of a raw export: for a survey in a random order
(surveys.ordering), each shuffled item's position as the respondent saw it (1 first), so
that order effects can be analysed: `<question>.<choice or row>.position`,
`<question>.position` for the questions of a shuffled page and `<block>.page<N>.position`
for a shuffled block's pages. They follow the answers' columns; a response stores them
with its order (`Response.display_order`), and a response without one (an API
submission, which has no display order) leaves them empty."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from surveys.ordering import POSITIONS, position_columns
from surveys.selectors import CompiledVersion


def position_header(versions: Iterable[CompiledVersion]) -> tuple[str, ...]:
    """The position columns of any of `versions`, newest first."""
    return tuple(dict.fromkeys(name for version in versions for name in position_columns(version.definition)))


def position_cells(names: tuple[str, ...], display_order: Mapping[str, Any] | None) -> list[int | None]:
    stored = (display_order or {}).get(POSITIONS) or {}
    return [stored.get(name) for name in names]


def position_sql(names: tuple[str, ...], literal) -> list[str]:
    """Each column's cell read from the response's stored order (`r`), for the SQL path."""
    return [f"(r.display_order -> '{POSITIONS}' ->> {literal(name)})" for name in names]
