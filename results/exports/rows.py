"""The rows of a raw export, built in Python: the reference path, and the path on SQLite."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from responses.models import Answer, Response
from results.exports.layout import EXPORT_AT, RESPONSE_FIELDS, RawLayout, VersionLayout
from results.exports.positions import position_cells
from results.spreadsheet import safe_cell

# Responses per chunk: in Python, one query for the chunk's responses and one for their
# answers; from COPY, the rows sent at a time.
RAW_CHUNK = 2000
_ANSWER_FIELDS = ("response", "question", "row", "choice", "number", "date", "text")


def _response_cells(
    layout: VersionLayout, response_id, external_id, started_at, completed_at, text: Callable[[Any], Any] = safe_cell
) -> list[Any]:
    # Intake stamps started_at a moment after completed_at for a one-shot API submission.
    # A partial response has neither (results.exports.layout.PARTIAL).
    duration = max(0.0, round((completed_at - started_at).total_seconds(), 3)) if completed_at else None
    # A panel's id is whatever the panel sends: text, neutralised like any other.
    panel_id = text(external_id) if external_id else None
    return [text(str(response_id)), panel_id, layout.number, started_at, completed_at, duration]


def _answers_query(ids: list) -> tuple[str, list]:
    q = connection.ops.quote_name
    columns = ", ".join(q(Answer._meta.get_field(name).column) for name in _ANSWER_FIELDS)
    response = q(Answer._meta.get_field("response").column)
    sql = f"SELECT {columns} FROM {q(Answer._meta.db_table)} WHERE {response}"
    if connection.vendor == "postgresql":
        # One array parameter: psycopg parses a query with 2,000 placeholders slowly.
        return f"{sql} = ANY(%s)", [ids]
    return f"{sql} IN ({', '.join(['%s'] * len(ids))})", ids


def _number(value: Any) -> Decimal:
    # PostgreSQL returns a Decimal; SQLite an int or a float.
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def raw_row_chunks(
    layout: RawLayout, responses: QuerySet[Response], *, text: Callable[[Any], Any] = safe_cell
) -> Iterator[list[list[Any]]]:
    """The rows in chunks of `RAW_CHUNK` responses of `exported_responses`, ordered by
    (`EXPORT_AT`, id): the completion, or a partial's last save.

    Keyset pagination keeps every chunk's query as cheap as the first, however far into
    the export it is. Cells are typed Python values (None when empty); text (answers,
    codes, ids) goes through `safe_cell` as it enters a row, the only cells that it could
    change. The answers are read with plain SQL: at ~25 answers a response, converting
    each row's response id to a UUID object cost more than everything else together.

    `text` is what free text (ids, hidden values, answers) goes through: the statistical
    files, which have no formulas, pass `str` to keep it as it was given. Choice codes
    are the layout's (neutralised once there)."""
    size = RAW_CHUNK
    width = len(layout.header)
    pk = Response._meta.pk
    ordered = responses.order_by(EXPORT_AT, "id").values_list(*RESPONSE_FIELDS, "status", EXPORT_AT)
    after: tuple[datetime, uuid.UUID] | None = None
    while True:
        page = ordered
        if after is not None:
            page = page.filter(Q(**{f"{EXPORT_AT}__gt": after[0]}) | Q(**{EXPORT_AT: after[0], "id__gt": after[1]}))
        chunk = list(page[:size])
        if not chunk:
            return
        # Keyed by the id as the database returns it in the answers' response_id column.
        rows: dict[Any, tuple[list[Any], VersionLayout]] = {}
        for response_id, external_id, version_id, started_at, completed_at, hidden, flags, display_order, status, _ in (
            chunk
        ):
            version = layout.versions[version_id]
            cells = _response_cells(version, response_id, external_id, started_at, completed_at, text)
            cells.append(" ".join(flags) or None)  # codes: never a formula
            if layout.status:
                cells.append(status)  # a code: never a formula
            # Hidden values are whatever a link or a panel sent: text, neutralised.
            cells += [text(hidden[code]) if hidden.get(code) else None for code in layout.hidden]
            empty = [None] * (width - len(cells) - len(layout.positions))
            cells += empty + position_cells(layout.positions, display_order)
            rows[pk.get_db_prep_value(response_id, connection)] = (cells, version)
        with connection.cursor() as cursor:
            cursor.execute(*_answers_query(list(rows)))
            answers = cursor.fetchall()
        for response_id, question_id, row_id, choice_id, number, day, answer_text in answers:
            row, version = rows[response_id]
            if answer_text and choice_id in version.specify:
                row[version.specify[choice_id]] = text(answer_text)
            if choice_id is not None:
                if choice_id in version.ranked:
                    row[version.ranked[choice_id]] = int(number)
                elif row_id in version.row_flags:
                    # Answered row: every choice of the row is 0 unless picked.
                    for column in version.row_flags[row_id]:
                        if row[column] is None:
                            row[column] = 0
                    row[version.row_picked[(row_id, choice_id)]] = 1
                elif row_id is not None:
                    column = version.matrix.get(row_id)
                    if column is not None:
                        row[column] = version.choice_codes[choice_id]
                elif question_id in version.multiple:
                    # Answered: every choice of the question is 0 unless picked.
                    for column in version.multiple[question_id]:
                        if row[column] is None:
                            row[column] = 0
                    row[version.picked[choice_id]] = 1
                elif question_id in version.single:
                    row[version.single[question_id]] = version.choice_codes[choice_id]
            elif row_id in version.row_values:  # a constant sum's row
                row[version.row_values[row_id]] = _number(number)
            elif question_id in version.value:
                if number is not None:
                    value = _number(number)
                elif day is not None:
                    value = _day(day)
                else:
                    value = text(answer_text)
                row[version.value[question_id]] = value
        yield [row for row, _ in rows.values()]
        if len(chunk) < size:
            return
        last = chunk[-1]
        after = (last[-1], last[0])
