"""The raw export as CSV text, built by Python or by PostgreSQL, byte for byte the same.

UTF-8 with a byte-order mark: without it Excel reads a CSV file in the machine's legacy
code page and garbles every accented answer; pandas, R and csv readers that open it as
`utf-8-sig` drop the mark. Times are ISO 8601 in UTC. Text cells go through `safe_cell`;
numbers are written as numbers, so -3 stays a number while the text "-3" is neutralised.

The Python path (`python_csv_chunks` over `raw_row_chunks`, then `csv.writer`) is the
reference, and the path on SQLite. It builds 2,000-8,000 rows/s: at ~25 answers a
response, turning answer rows into cells is Python work per answer. On PostgreSQL the
database does it (`copy_csv_chunks`): one aggregate per column pivots a response's
answers into its row, and `COPY (SELECT ...) TO STDOUT WITH (FORMAT csv)` writes the rows.

What the SQL mirrors of the Python path (tests/analytics/test_exports_postgres.py compares
the two paths' bytes on a data set that has each case):
- `safe_cell`: text starting with one of FORMULA_STARTS gets an apostrophe in front;
- an empty text is an empty cell: csv.writer writes '' like None, COPY writes "" for '',
  so empty text becomes NULL;
- numbers as `_decimal_text` (stored with six decimals: trailing zeros, then the point,
  go), dates and times as `isoformat()` (times in UTC, microseconds only when not zero);
- the duration as `repr(max(0.0, round(seconds, 3)))`, halves included (`_DURATION`);
- csv.writer's "\\r\\n" after each row: COPY ends a row with "\\n" and sends each row as
  one message, so the last byte of each message is the row's end.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q, QuerySet

from analytics.spreadsheet import FORMULA_STARTS, safe_cell
from responses.models import Answer, Response

if TYPE_CHECKING:
    from analytics.exports import RawLayout

_RESPONSE_FIELDS = ("id", "external_id", "version_id", "started_at", "completed_at")


def csv_header(layout: RawLayout) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([safe_cell(name) for name in layout.header])
    return "\ufeff" + buffer.getvalue()


# --- Python ------------------------------------------------------------------------


def _decimal_text(value: Decimal) -> str:
    # Stored with six decimals: 12.500000 -> "12.5", 100.000000 -> "100" (not "1E+2").
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def python_csv_chunks(layout: RawLayout, row_chunks: Iterable[list[list[Any]]]) -> Iterator[tuple[str, int]]:
    """(CSV text, number of rows) for each chunk of `raw_row_chunks`, whose text cells
    come through `safe_cell` already."""
    typed = layout.typed_columns
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for chunk in row_chunks:
        buffer.seek(0)
        buffer.truncate()
        for row in chunk:
            for i in typed:
                if row[i] is not None:
                    row[i] = _csv_text(row[i])
        # csv writes None as an empty cell, ints and floats as themselves.
        writer.writerows(chunk)
        yield buffer.getvalue(), len(chunk)


# --- PostgreSQL ----------------------------------------------------------------------


def copy_csv_chunks(layout: RawLayout, responses: QuerySet[Response], *, size: int) -> Iterator[tuple[str, int]]:
    """(CSV text, number of rows) for each chunk of `size` responses in (completed_at, id)
    order, each chunk one `COPY` read to its end before it is yielded: no statement or
    transaction stays open while the client reads, and memory holds one chunk.

    A chunk is the keyset range up to its `size`-th response, found first with one
    small query, so every chunk costs the same however far into the export it is."""
    if not layout.versions:
        return
    head, tail = _rows_select(layout)
    ordered = responses.order_by("completed_at", "id")
    after: tuple[datetime, Any] | None = None
    while True:
        page = ordered if after is None else ordered.filter(_after(after))
        last = next(iter(page.values_list("completed_at", "id")[size - 1 : size]), None)
        chunk = page if last is None else page.filter(_up_to(last))
        sql, params = chunk.order_by().values_list(*_RESPONSE_FIELDS).query.sql_with_params()
        text, count = _copy(head + connection.ops.compose_sql(sql, params) + tail)
        if count:
            yield text, count
        if last is None:
            return
        after = last


def _after(key: tuple[datetime, Any]) -> Q:
    # The first condition is implied by the second; it gives the completed_at index a start.
    return Q(completed_at__gte=key[0]) & (Q(completed_at__gt=key[0]) | Q(completed_at=key[0], id__gt=key[1]))


def _up_to(key: tuple[datetime, Any]) -> Q:
    return Q(completed_at__lte=key[0]) & (Q(completed_at__lt=key[0]) | Q(completed_at=key[0], id__lte=key[1]))


def _copy(select: str) -> tuple[str, int]:
    lines = []
    with connection.cursor() as cursor, connection.wrap_database_errors:
        # psycopg's own cursor: Django's wrapper has no COPY.
        with cursor.cursor.copy(f"COPY ({select}) TO STDOUT WITH (FORMAT csv, ENCODING 'UTF8')") as copy:
            for line in copy:
                lines.append(line[:-1])
    if not lines:
        return "", 0
    return (b"\r\n".join(lines) + b"\r\n").decode("utf-8"), len(lines)


# The response's duration in whole milliseconds, rounded as Python's round(seconds, 3)
# rounds the float `(completed - started).total_seconds()`: the float nearest the exact
# microseconds, rounded half to even by its exact binary value. Away from a half
# millisecond (and under 2**32 seconds, where a double still resolves a microsecond) that
# is the exact value rounded; at a half it depends on which side the float fell, so the
# float is scaled by 2**s to an exact integer and rounded in numeric. Negative is 0.
_DURATION = """
CROSS JOIN LATERAL (
  SELECT ((extract(epoch FROM c.completed_at) - extract(epoch FROM c.started_at)) * 1000000)::bigint AS us
) d
CROSS JOIN LATERAL (
  SELECT CASE
    WHEN d.us <= 0 THEN 0
    WHEN mod(d.us, 1000) <> 500 AND d.us < 4294967296000000 THEN (d.us + 500) / 1000
    ELSE (
      SELECT (div(m, p) + CASE WHEN 2 * mod(m, p) > p OR (2 * mod(m, p) = p AND mod(div(m, p), 2) = 1)
                          THEN 1 ELSE 0 END)::bigint
      FROM (SELECT (x * (2::float8 ^ s))::bigint::numeric * 1000 AS m, 2::numeric ^ s AS p
            FROM (SELECT x, 57 - floor(ln(x) / ln(2))::int AS s
                  FROM (SELECT d.us / 1000000::float8 AS x) f) g) h
    )
  END AS ms
) t"""
_DURATION_TEXT = (
    "(t.ms / 1000)::text || '.' || "
    "CASE WHEN mod(t.ms, 1000) = 0 THEN '0' ELSE rtrim(lpad(mod(t.ms, 1000)::text, 3, '0'), '0') END"
)


def _literal(value: str) -> str:
    # Standard-conforming strings (PostgreSQL's default since 9.1): only quotes double.
    # A control character (the tab and CR of FORMULA_STARTS) is spelt chr(n), readably.
    if len(value) == 1 and not value.isprintable():
        return f"chr({ord(value)})"
    return "'" + value.replace("'", "''") + "'"


def _ids(ids: Iterable[int]) -> str:
    return ", ".join(str(int(i)) for i in sorted(ids))


def _safe(expression: str) -> str:
    """`safe_cell` in SQL; an empty text is NULL (an empty cell, see the module doc)."""
    starts = ", ".join(_literal(start) for start in FORMULA_STARTS)
    return (
        f"NULLIF(CASE WHEN left({expression}, 1) IN ({starts}) THEN '''' || {expression} "
        f"ELSE {expression} END, '')"
    )


def _iso(expression: str) -> str:
    """`datetime.astimezone(UTC).isoformat()`."""
    utc = f"({expression} AT TIME ZONE 'UTC')"
    return (
        f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') "
        f"|| CASE WHEN date_trunc('second', {utc}) = {utc} THEN '' ELSE to_char({utc}, '.US') END || '+00:00'"
    )


# An answer's number, date or text as its cell: numbers are numeric(20, 6), so their text
# always has the point that `_decimal_text` trims to.
_VALUE_CELL = (
    "CASE WHEN a.number IS NOT NULL THEN rtrim(rtrim(a.number::text, '0'), '.') "
    "WHEN a.date IS NOT NULL THEN to_char(a.date, 'YYYY-MM-DD') "
    f"ELSE {_safe('a.text')} END"
)


class _Part:
    """A column's cells from the versions where it is of one kind: "choice" (single,
    dropdown and matrix rows: the code), "multiple" (one choice: 1, 0 or empty) or
    "value" (number, date or text)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.questions: set[int] = set()
        self.rows: set[int] = set()
        self.choices: dict[int, str] = {}  # choice id -> neutralised code

    def aggregate(self) -> str:
        """The part's aggregate over one response's answers `a`."""
        questions = f"a.question_id IN ({_ids(self.questions)})"
        if self.kind == "choice":
            where = [f"a.row_id IN ({_ids(self.rows)})"] if self.rows else []
            where += [f"({questions} AND a.row_id IS NULL)"] if self.questions else []
            return f"max(a.choice_id) FILTER (WHERE {' OR '.join(where)})"
        if self.kind == "multiple":
            # Answered at all: 1 if this choice was picked, else 0; not answered (or not
            # in the response's version): NULL, an empty cell.
            return (
                f"max(CASE WHEN a.choice_id IN ({_ids(self.choices)}) THEN 1 ELSE 0 END) "
                f"FILTER (WHERE {questions} AND a.row_id IS NULL AND a.choice_id IS NOT NULL)"
            )
        return f"max({_VALUE_CELL}) FILTER (WHERE {questions} AND a.choice_id IS NULL)"

    def cell(self, aggregate: str) -> str:
        """The cell's text from the part's `aggregate` (a column of `x`)."""
        if self.kind == "choice":
            codes = " ".join(f"WHEN {int(pk)} THEN {_literal(code)}" for pk, code in sorted(self.choices.items()))
            return f"CASE {aggregate} {codes} END"
        if self.kind == "multiple":
            return f"{aggregate}::text"
        return aggregate


def _parts(layout: RawLayout) -> dict[int, dict[str, _Part]]:
    """Each answer column's parts (a question may change kind between versions while
    keeping its columns' names), from the same id-to-column maps as `raw_row_chunks`."""
    columns: dict[int, dict[str, _Part]] = defaultdict(dict)
    for version in layout.versions.values():
        codes: dict[int, dict[int, str]] = defaultdict(dict)  # question id -> {choice id: code}
        for choice, question in version.choice_question.items():
            codes[question][choice] = version.choice_codes[choice]
        for question, column in version.single.items():
            part = columns[column].setdefault("choice", _Part("choice"))
            part.questions.add(question)
            part.choices |= codes[question]
        for row, column in version.matrix.items():
            part = columns[column].setdefault("choice", _Part("choice"))
            part.rows.add(row)
            part.choices |= codes[version.row_question[row]]
        for choice, column in version.picked.items():
            part = columns[column].setdefault("multiple", _Part("multiple"))
            part.questions.add(version.choice_question[choice])
            part.choices[choice] = version.choice_codes[choice]
        for question, column in version.value.items():
            columns[column].setdefault("value", _Part("value")).questions.add(question)
    return columns


def _rows_select(layout: RawLayout) -> tuple[str, str]:
    """The SELECT of a chunk's CSV rows, in two halves around the subquery of the chunk's
    responses (their `_RESPONSE_FIELDS`): one row per response, each answer column one
    aggregate over the response's answers (an index scan on answer.response_id)."""
    versions = " ".join(f"WHEN {int(pk)} THEN {int(v.number)}" for pk, v in sorted(layout.versions.items()))
    cells = [
        "c.id",  # a UUID's text never starts like a formula
        f"CASE WHEN c.external_id <> '' THEN {_safe('c.external_id')} END",
        f"CASE c.version_id {versions} END",
        _iso("c.started_at"),
        _iso("c.completed_at"),
        _DURATION_TEXT,
    ]
    aggregates = []
    parts = _parts(layout)
    for column in range(len(cells), len(layout.header)):
        options = []
        for part in parts[column].values():
            options.append(part.cell(f"x.a{len(aggregates)}"))
            aggregates.append(f"{part.aggregate()} AS a{len(aggregates)}")
        # A response has one version, so at most one part has its cell.
        cells.append(options[0] if len(options) == 1 else f"COALESCE({', '.join(options)})")
    answers = connection.ops.quote_name(Answer._meta.db_table)
    head = f"SELECT {', '.join(cells)} FROM ("
    tail = (
        f") c{_DURATION}\n"
        f"CROSS JOIN LATERAL (SELECT {', '.join(aggregates) or '1'} FROM {answers} a WHERE a.response_id = c.id) x\n"
        "ORDER BY c.completed_at, c.id"
    )
    return head, tail
