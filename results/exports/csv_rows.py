"""The raw export as CSV text, built by Python or by PostgreSQL, byte for byte the same.

UTF-8 with a byte-order mark: without it Excel reads a CSV file in the machine's legacy
code page and garbles every accented answer; pandas, R and csv readers that open it as
`utf-8-sig` drop the mark. Times are ISO 8601 in UTC. Text cells go through `safe_cell`;
numbers are written as numbers, so -3 stays a number while the text "-3" is neutralised.

The Python path (`python_csv_chunks` over `raw_row_chunks`, then `csv.writer`) is the
reference, and the path on SQLite. It builds 2,000-8,000 rows/s: at ~25 answers a
response, turning answer rows into cells is Python work per answer. On PostgreSQL the
database does it (`copy_csv_chunks`): conditional aggregates pivot each response's
answers into its row, and `COPY (SELECT ...) TO STDOUT WITH (FORMAT csv)` writes the rows.

What the SQL mirrors of the Python path (tests/results/test_exports_postgres.py compares
the two paths' bytes on a data set that has each case):
- `safe_cell`: text starting with one of FORMULA_STARTS gets an apostrophe in front;
- an empty text is an empty cell: csv.writer writes '' like None, COPY writes "" for '',
  so empty text becomes NULL;
- numbers as `_decimal_text` (stored with six decimals: trailing zeros, then the point,
  go), dates and times as `isoformat()` (times in UTC, microseconds only when not zero);
- the duration as `repr(max(0.0, round(seconds, 3)))`, halves included (`_MILLISECONDS`);
- csv.writer's "\\r\\n" after each row: COPY ends a row with "\\n" and sends each row as
  one message, so the last byte of each message is the row's end.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet

from responses.models import Answer, Response
from results.exports.layout import EXPORT_AT, RESPONSE_FIELDS, RawLayout
from results.exports.positions import position_sql
from results.spreadsheet import FORMULA_STARTS, safe_cell


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


# For the one statement. Grouping the answers by response in a hash table, in one pass
# over them, needs more than the default work_mem (~370 bytes a response): without it
# the planner walks the answers in response order through the index instead, a random
# page read per answer, several times slower. JIT compiling the statement's many
# expressions takes seconds before the first row, and saved no more than that.
_SETTINGS = ("SET LOCAL jit = off", "SET LOCAL work_mem = '256MB'")


def copy_csv_chunks(layout: RawLayout, responses: QuerySet[Response], *, size: int) -> Iterator[tuple[str, int]]:
    """(CSV text, number of rows) for every `size` rows of one `COPY` that PostgreSQL
    writes in (`EXPORT_AT`, id) order, as `raw_row_chunks`; memory here holds `size` rows.

    One statement, not one per keyset chunk of responses: a chunk's answers lie
    wherever they were written (all over the table when they were loaded question by
    question), so fetching them response by response costs up to a page read per
    answer, ~130 us a response, where one pass over all the answers costs a fraction.
    The rows come once the statement has grouped and sorted them all. Its transaction
    holds the statement's settings (`_SETTINGS`) and ends with the stream, however that
    ends (a client that goes away cancels the statement)."""
    if not layout.versions:
        return
    sql, params = responses.order_by().values_list(*RESPONSE_FIELDS, "status", EXPORT_AT).query.sql_with_params()
    select = _rows_select(layout, connection.ops.compose_sql(sql, params))
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in _SETTINGS:
            cursor.execute(setting)
        # psycopg's own cursor: Django's wrapper has no COPY.
        with connection.wrap_database_errors, cursor.cursor.copy(
            f"COPY ({select}) TO STDOUT WITH (FORMAT csv, ENCODING 'UTF8')"
        ) as copy:
            lines = []
            for line in copy:
                lines.append(line[:-1])
                if len(lines) == size:
                    yield _text(lines), len(lines)
                    lines = []
            if lines:
                yield _text(lines), len(lines)


def _text(lines: list) -> str:
    return (b"\r\n".join(lines) + b"\r\n").decode("utf-8")


def _literal(value: str) -> str:
    # Standard-conforming strings (PostgreSQL's default since 9.1): only quotes double.
    # A control character (the tab and CR of FORMULA_STARTS) is spelt chr(n), readably.
    if len(value) == 1 and not value.isprintable():
        return f"chr({ord(value)})"
    return "'" + value.replace("'", "''") + "'"


def _ids(ids: Iterable[int]) -> str:
    return ", ".join(str(int(i)) for i in sorted(ids))


def _case(expression: str, values: dict[int, str], default: str = "NULL") -> str:
    if not values:
        return default
    whens = " ".join(f"WHEN {int(key)} THEN {value}" for key, value in sorted(values.items()))
    return f"CASE {expression} {whens} ELSE {default} END"


def _bits(word: str, *, shift: int, width: int, decode: dict[int, str] | None = None) -> str:
    bits = f"({word} >> {shift}) & {(1 << width) - 1}"
    return _case(bits, decode) if decode else f"({bits})::text"


def _safe(expression: str) -> str:
    """`safe_cell` in SQL; an empty text is NULL (an empty cell, see the module doc)."""
    starts = ", ".join(_literal(start) for start in FORMULA_STARTS)
    return (
        f"NULLIF(CASE WHEN left({expression}, 1) IN ({starts}) THEN '''' || {expression} "
        f"ELSE {expression} END, '')"
    )


def _iso(expression: str) -> str:
    """`datetime.astimezone(UTC).isoformat()`, which leaves out zero microseconds."""
    return (
        f"replace(to_char({expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"'), "
        "'.000000+', '+')"
    )


# The duration in whole milliseconds from `us`, the exact microseconds, rounded as
# Python's round(seconds, 3) rounds the float `(completed - started).total_seconds()`:
# the float nearest the exact value, rounded half to even by its exact binary value.
# Away from a half millisecond (and under 2**32 seconds, where a double still resolves a
# microsecond) that is the exact value rounded; at a half it depends on which side the
# float fell, so the float is scaled by 2**s to an exact integer and rounded in numeric.
# max(0.0, ...) makes a negative duration 0.
_MILLISECONDS = """CASE
    WHEN us <= 0 THEN 0
    WHEN mod(us, 1000) <> 500 AND us < 4294967296000000 THEN (us + 500) / 1000
    ELSE (
      SELECT (div(m, p) + CASE WHEN 2 * mod(m, p) > p OR (2 * mod(m, p) = p AND mod(div(m, p), 2) = 1)
                          THEN 1 ELSE 0 END)::bigint
      FROM (SELECT (x * (2::float8 ^ s))::bigint::numeric * 1000 AS m, 2::numeric ^ s AS p
            FROM (SELECT x, 57 - floor(ln(x) / ln(2))::int AS s FROM (SELECT us / 1000000::float8 AS x) f) g) h
    )
  END"""
# repr() of that float: "125.0", "1.5", "0.001".
_DURATION_TEXT = (
    "(r.ms / 1000)::text || '.' || "
    "CASE WHEN mod(r.ms, 1000) = 0 THEN '0' ELSE rtrim(lpad(mod(r.ms, 1000)::text, 3, '0'), '0') END"
)
# An answer's number, date or text as its cell: numbers are numeric(20, 6), so their text
# always has the point that `_decimal_text` trims to.
_VALUE_CELL = (
    "CASE WHEN a.number IS NOT NULL THEN rtrim(rtrim(a.number::text, '0'), '.') "
    "WHEN a.date IS NOT NULL THEN to_char(a.date, 'YYYY-MM-DD') "
    f"ELSE {_safe('a.text')} END"
)
# Bits of a bigint that an aggregate packs cells into, short of the sign.
_WORD = 62


class _Aggregate:
    """One aggregate over a response's answers `a`, and the cells it gives by column.

    Every aggregate is evaluated on every answer, and answers are most of the rows the
    query reads, so a matrix question's rows and a multiple-choice question's choices
    share one: packed into the bits of a bigint (`bit_or`), a few bits a column."""

    def __init__(self, sql: str, cells: dict[int, Callable[[str], str]]) -> None:
        self.sql = sql
        self.cells = cells  # column -> the cell's SQL given the aggregate's value


def _single(questions: set[int], codes: dict[int, str], column: int) -> _Aggregate:
    """Single choice and dropdown: the choice's code."""
    return _Aggregate(
        f"max(a.choice_id) FILTER (WHERE a.question_id IN ({_ids(questions)}) AND a.row_id IS NULL)",
        {column: partial(_case, values={pk: _literal(code) for pk, code in codes.items()})},
    )


def _matrix(rows: dict[int, int], codes: dict[int, str]) -> Iterator[_Aggregate]:
    """Matrix rows (row id -> column): each row's choice as its number among the codes
    (1 for the first, 0 for none), in `width` bits."""
    numbers = {code: n for n, code in enumerate(sorted(set(codes.values())), start=1)}
    number = _case("a.choice_id", {pk: str(numbers[code]) for pk, code in codes.items()})
    decode = {n: _literal(code) for code, n in numbers.items()}
    width = len(numbers).bit_length()
    columns = sorted(set(rows.values()))
    per_word = _WORD // width
    for start in range(0, len(columns), per_word):
        shifts = {column: i * width for i, column in enumerate(columns[start : start + per_word])}
        mine = {row: str(shifts[column]) for row, column in rows.items() if column in shifts}
        yield _Aggregate(
            f"bit_or(({number})::bigint << {_case('a.row_id', mine)}) FILTER (WHERE a.row_id IN ({_ids(mine)}))",
            {column: partial(_bits, shift=shift, width=width, decode=decode) for column, shift in shifts.items()},
        )


def _multiple(questions: set[int], picked: dict[int, int]) -> Iterator[_Aggregate]:
    """A multiple-choice question's choices (choice id -> column), a bit each: answered,
    1 for each choice picked and 0 for the others; not answered, NULL."""
    columns = sorted(set(picked.values()))
    for start in range(0, len(columns), _WORD):
        bits = {column: i for i, column in enumerate(columns[start : start + _WORD])}
        mine = {pk: str(1 << bits[column]) for pk, column in picked.items() if column in bits}
        yield _Aggregate(
            f"bit_or({_case('a.choice_id', mine, default='0')}::bigint) FILTER (WHERE a.question_id IN "
            f"({_ids(questions)}) AND a.row_id IS NULL AND a.choice_id IS NOT NULL)",
            {column: partial(_bits, shift=bit, width=1) for column, bit in bits.items()},
        )


def _row_flags(rows: set[int], picked: dict[int, int]) -> _Aggregate:
    """One row of a matrix of several choices per row (its ids in each version), a bit per
    choice (choice id -> column): answered, 1 for each choice picked and 0 for the
    others; not answered, NULL."""
    bits = {column: i for i, column in enumerate(sorted(set(picked.values())))}
    mine = {pk: str(1 << bits[column]) for pk, column in picked.items()}
    return _Aggregate(
        f"bit_or({_case('a.choice_id', mine, default='0')}::bigint) FILTER (WHERE a.row_id IN ({_ids(rows)}))",
        {column: partial(_bits, shift=bit, width=1) for column, bit in bits.items()},
    )


def _value(questions: set[int], column: int) -> _Aggregate:
    """Number, date and text questions: the value."""
    return _Aggregate(
        f"max({_VALUE_CELL}) FILTER (WHERE a.question_id IN ({_ids(questions)}) AND a.choice_id IS NULL)",
        {column: str},
    )


def _row_value(rows: set[int], column: int) -> _Aggregate:
    """A constant sum's row (its ids in each version): the row's number."""
    return _Aggregate(f"max({_VALUE_CELL}) FILTER (WHERE a.row_id IN ({_ids(rows)}))", {column: str})


def _rank(choices: set[int], column: int) -> _Aggregate:
    """A ranking's choice (its ids in each version): its rank, from its answer row's number."""
    return _Aggregate(f"max(a.number) FILTER (WHERE a.choice_id IN ({_ids(choices)}))",
                      {column: lambda rank: f"({rank})::int::text"})


def _specify(choices: set[int], column: int) -> _Aggregate:
    """The text of a "please specify" choice (its answer row's text)."""
    return _Aggregate(f"max({_safe('a.text')}) FILTER (WHERE a.choice_id IN ({_ids(choices)}))", {column: str})


def _aggregates(layout: RawLayout) -> Iterator[_Aggregate]:
    """The aggregates that give every answer column its cells, from the same
    id-to-column maps as `raw_row_chunks`. Versions whose question has the same columns
    share its aggregates (their question ids differ, so each response matches its own)."""
    singles: dict[int, tuple[set[int], dict[int, str]]] = {}
    matrices: dict[frozenset[int], tuple[dict[int, int], dict[int, str]]] = {}
    multiples: dict[frozenset[int], tuple[set[int], dict[int, int]]] = {}
    row_flags: dict[frozenset[int], tuple[set[int], dict[int, int]]] = {}
    values: dict[int, set[int]] = defaultdict(set)
    row_values: dict[int, set[int]] = defaultdict(set)  # column -> constant-sum row ids
    texts: dict[int, set[int]] = defaultdict(set)  # column -> choice ids
    ranked: dict[int, set[int]] = defaultdict(set)  # column -> choice ids
    for version in layout.versions.values():
        for choice, column in version.specify.items():
            texts[column].add(choice)
        for choice, column in version.ranked.items():
            ranked[column].add(choice)
        codes: dict[int, dict[int, str]] = defaultdict(dict)  # question id -> {choice id: code}
        for choice, question in version.choice_question.items():
            codes[question][choice] = version.choice_codes[choice]
        for question, column in version.single.items():
            questions, choices = singles.setdefault(column, (set(), {}))
            questions.add(question)
            choices |= codes[question]
        matrix_rows: dict[int, dict[int, int]] = defaultdict(dict)  # question id -> {row id: column}
        for row, columns in version.row_flags.items():
            rows, picked = row_flags.setdefault(frozenset(columns), (set(), {}))
            rows.add(row)
            picked |= {choice: column for (r, choice), column in version.row_picked.items() if r == row}
        for row, column in version.matrix.items():
            matrix_rows[version.row_question[row]][row] = column
        for question, rows in matrix_rows.items():
            all_rows, choices = matrices.setdefault(frozenset(rows.values()), ({}, {}))
            all_rows |= rows
            choices |= codes[question]
        for question, columns in version.multiple.items():
            questions, picked = multiples.setdefault(frozenset(columns), (set(), {}))
            questions.add(question)
            picked |= {choice: version.picked[choice] for choice in codes[question]}
        for question, column in version.value.items():
            values[column].add(question)
        for row, column in version.row_values.items():
            row_values[column].add(row)
    for column, (questions, choices) in singles.items():
        yield _single(questions, choices, column)
    for rows, choices in matrices.values():
        yield from _matrix(rows, choices)
    for questions, picked in multiples.values():
        yield from _multiple(questions, picked)
    for rows, picked in row_flags.values():
        yield _row_flags(rows, picked)
    for column, questions in values.items():
        yield _value(questions, column)
    for column, rows in row_values.items():
        yield _row_value(rows, column)
    for column, choices in texts.items():
        yield _specify(choices, column)
    for column, choices in ranked.items():
        yield _rank(choices, column)


def _rows_select(layout: RawLayout, responses: str) -> str:
    """The SELECT of the CSV rows of `responses` (SQL selecting their `RESPONSE_FIELDS`
    and `EXPORT_AT`; a partial's NULL completed_at gives empty completed_at and duration):
    all their answers grouped by response in one pass, joined to them, in export order.

    OFFSET 0 keeps a subquery whole: so that `us` and `ms` are computed once a row
    (merged into the outer query, every use of them would compute them again), and so
    that the rows are sorted before their cells are written, as a few numbers each."""
    cells: dict[int, list[str]] = defaultdict(list)
    aggregates = []
    for aggregate in _aggregates(layout):
        name = f"a{len(aggregates)}"
        aggregates.append(f"{aggregate.sql} AS {name}")
        for column, cell in aggregate.cells.items():
            cells[column].append(cell(f"r.{name}"))
    row = [
        "r.id",  # a UUID's text never starts like a formula
        f"CASE WHEN r.external_id <> '' THEN {_safe('r.external_id')} END",
        _case("r.version_id", {pk: str(int(version.number)) for pk, version in layout.versions.items()}),
        _iso("r.started_at"),
        _iso("r.completed_at"),
        _DURATION_TEXT,
        # Flag codes (responses.quality), space-separated: never a formula.
        "NULLIF(array_to_string(ARRAY(SELECT jsonb_array_elements_text(r.flags)), ' '), '')",
        *(["r.status"] if layout.status else []),  # a code: never a formula
        *(_safe(f"(r.hidden ->> {_literal(code)})") for code in layout.hidden),
    ]
    # A response has one version, so at most one of a column's cells is not NULL.
    row += [
        f"COALESCE({', '.join(parts)})" if len(parts) > 1 else (parts or ["NULL"])[0]
        for parts in (cells[column] for column in range(len(row), len(layout.header) - len(layout.positions)))
    ]
    row += position_sql(layout.positions, _literal)
    questions = set()
    for version in layout.versions.values():
        questions |= {*version.single, *version.multiple, *version.value, *version.row_question.values(),
                      *(version.choice_question[choice] for choice in version.ranked)}
    answers = connection.ops.quote_name(Answer._meta.db_table)
    return f"""SELECT {", ".join(row)}
FROM (
  SELECT *
  FROM (
    SELECT *, {_MILLISECONDS} AS ms
    FROM (
      SELECT *, ((extract(epoch FROM completed_at) - extract(epoch FROM started_at)) * 1000000)::bigint AS us
      FROM ({responses}) r OFFSET 0
    ) r OFFSET 0
  ) r
  LEFT JOIN (
    SELECT a.response_id, {", ".join(aggregates) or "1"}
    FROM {answers} a WHERE a.question_id IN ({_ids(questions) or "NULL"})
    GROUP BY a.response_id
  ) x ON x.response_id = r.id
  ORDER BY r.{EXPORT_AT}, r.id OFFSET 0
) r
ORDER BY r.{EXPORT_AT}, r.id"""
