"""Raw response exports: one row per counted response, one column per question code.

Rows are the survey's complete, real (not test), not excluded responses that were
completed when the export was asked for (`ExportRecord.created_at`), so an export is the
same whenever its rows are read, and a response arriving meanwhile is simply not in it.
A response completed a moment ago and not yet counted is exported: the raw answers are the
truth, the count tables only a cache of them.

Columns: the response's own (`RESPONSE_COLUMNS`), then one per question or `question.row`
code in page order; a multiple-choice question gets one 0/1 column per choice
(`barriers.roi`): 1 picked, 0 answered without it, empty when the question was not
answered or not shown. Single, dropdown and matrix cells hold the choice *code*. A
question that exists only in some versions still gets its columns: the newest version's
order first, then what only older versions have.

Personal data (answers to e-mail questions and to questions marked personal data) is
left out unless the export asks for it (`parameters["personal_data"]`, set from the
export form's "Include personal data" box): the ExportRecord then says who took it. A
question marked personal data in any exported version is left out of every version, so
that no column carries it for some respondents. Erased answers are empty cells.

Every text cell (answers, codes, ids, the header) goes through `safe_cell` against
spreadsheet formula injection; numbers, dates and empty cells are what it leaves alone.

CSV is streamed with flat memory (keyset pagination over responses, one query for a
chunk of responses and one for their answers; on PostgreSQL the database builds and
writes the rows itself, see results.exports_csv); XLSX is built by a worker
(`build_xlsx_export_task`) into MEDIA_ROOT/exports and downloaded when ready.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from responses.models import Answer, Response
from results.exports_csv import copy_csv_chunks, csv_header, python_csv_chunks
from results.models import ExportRecord
from results.spreadsheet import safe_cell
from surveys.models import Survey, SurveyVersion
from surveys.selectors import compiled_version

logger = logging.getLogger(__name__)

# Responses per chunk: in Python, one query for the chunk's responses and one for their
# answers; from COPY, the rows sent at a time.
RAW_CHUNK = 2000
# On PostgreSQL the database writes the CSV rows (results.exports_csv); False makes it
# take the Python path too, the reference that the COPY path is tested against.
USE_COPY = True
# A sheet holds 1,048,576 rows: the header and 1,048,575 data rows; and 16,384 columns.
XLSX_MAX_DATA_ROWS = 1_048_575
XLSX_MAX_COLUMNS = 16_384
# Excel refuses to open a file with a longer text cell.
XLSX_MAX_TEXT = 32_767
EXPORTS_DIR = "exports"

# The response's own columns. `external_id` is a panel's respondent id (copied from the
# invitation, empty for other responses); an opaque panel id is the only identifier an
# export carries by default (e-mail and personal-data questions are left out of the layout
# unless asked for, and invitees' addresses live only with their invitations).
RESPONSE_COLUMNS = ("response_id", "external_id", "version", "started_at", "completed_at", "duration_seconds")
_RESPONSE_FIELDS = ("id", "external_id", "version_id", "started_at", "completed_at")
_ANSWER_FIELDS = ("response", "question", "row", "choice", "number", "date", "text")

# The ExportRecord parameter that asks for personal-data answers.
PERSONAL_DATA = "personal_data"


class ExportTooLarge(Exception):
    """The export does not fit the format; the message says why and what to do instead."""


# --- Column layout -----------------------------------------------------------------


@dataclass
class _VersionLayout:
    """Where each of one version's answer rows goes: database ids to column indexes."""

    number: int
    choice_codes: dict[int, str] = field(default_factory=dict)  # choice id -> code
    single: dict[int, int] = field(default_factory=dict)  # question id -> column (single, dropdown)
    matrix: dict[int, int] = field(default_factory=dict)  # matrix row id -> column
    multiple: dict[int, tuple[int, ...]] = field(default_factory=dict)  # question id -> its choices' columns
    picked: dict[int, int] = field(default_factory=dict)  # multiple-choice choice id -> column
    value: dict[int, int] = field(default_factory=dict)  # question id -> column (number, date, text)
    # What the SQL path needs to decode a choice id within its own question.
    choice_question: dict[int, int] = field(default_factory=dict)  # choice id -> question id
    row_question: dict[int, int] = field(default_factory=dict)  # matrix row id -> question id


@dataclass
class RawLayout:
    header: list[str]
    versions: dict[int, _VersionLayout]  # by version id
    # Columns that may hold a datetime, Decimal or date (which CSV must format); every
    # other cell is text already through `safe_cell`, an int, a float or None.
    typed_columns: tuple[int, ...] = ()


def raw_layout(
    survey: Survey, *, version_number: int | None = None, include_personal_data: bool = False
) -> RawLayout:
    """The columns of a raw export of `survey` (or of one version of it) and where each
    version's answers go. Drafts only ever have test responses, so they are left out."""
    versions = SurveyVersion.objects.filter(survey=survey).exclude(status=SurveyVersion.Status.DRAFT)
    if version_number is not None:
        versions = versions.filter(number=version_number)
    compiled = [compiled_version(v) for v in versions.order_by("-number")]
    left_out: set[str] = set()
    if not include_personal_data:
        left_out = {
            q.code for version in compiled for q in version.definition.questions.values() if q.holds_personal_data
        }

    # A question's columns stay together: its code takes its place from the newest version
    # that has it, and gathers the rows and choices of every version, newest first.
    by_code: dict[str, list[str]] = {}
    for version in compiled:
        for question in version.definition.questions.values():
            if question.code in left_out:
                continue
            names = by_code.setdefault(question.code, [])
            names.extend(name for name in question.question_type.export_columns(question) if name not in names)
    header = [*RESPONSE_COLUMNS, *(name for names in by_code.values() for name in names)]
    index = {name: i for i, name in enumerate(header)}

    layouts: dict[int, _VersionLayout] = {}
    typed = {RESPONSE_COLUMNS.index("started_at"), RESPONSE_COLUMNS.index("completed_at")}
    for version in compiled:
        layout = _VersionLayout(number=version.number)
        # Codes are slugs and may start with "-": neutralised once here, not once per cell.
        layout.choice_codes = {pk: safe_cell(choice) for (_, choice), pk in version.choice_ids.items()}
        layout.choice_question = {pk: version.question_ids[q] for (q, _), pk in version.choice_ids.items()}
        layout.row_question = {pk: version.question_ids[q] for (q, _), pk in version.row_ids.items()}
        for question in version.definition.questions.values():
            if question.code in left_out:
                continue
            code, qid = question.code, version.question_ids[question.code]
            kind = question.question_type
            # Where the type's answer rows go, by the shape of its columns (see surveys.types).
            names = kind.export_columns(question)
            if kind.export_shape == "choice":
                layout.single[qid] = index[names[0]]
            elif kind.export_shape == "rows":
                for row, name in zip(question.row_codes, names, strict=True):
                    layout.matrix[version.row_ids[(code, row)]] = index[name]
            elif kind.export_shape == "flags":
                columns = []
                for choice, name in zip(question.choice_codes, names, strict=True):
                    layout.picked[version.choice_ids[(code, choice)]] = index[name]
                    columns.append(index[name])
                layout.multiple[qid] = tuple(columns)
            else:
                layout.value[qid] = index[names[0]]
                if not kind.text:
                    typed.add(index[names[0]])
        layouts[version.version_id] = layout
    return RawLayout(header=header, versions=layouts, typed_columns=tuple(sorted(typed)))


# --- Rows --------------------------------------------------------------------------


def exported_responses(survey: Survey, *, version_ids, as_of: datetime) -> QuerySet[Response]:
    return Response.objects.filter(
        survey=survey,
        version_id__in=version_ids,
        status=Response.Status.COMPLETE,
        is_test=False,
        excluded_at__isnull=True,
        completed_at__lte=as_of,
    )


def _response_cells(layout: _VersionLayout, response_id, external_id, started_at, completed_at) -> list[Any]:
    # Intake stamps started_at a moment after completed_at for a one-shot API submission.
    duration = max(0.0, round((completed_at - started_at).total_seconds(), 3))
    # A panel's id is whatever the panel sends: text, neutralised like any other.
    panel_id = safe_cell(external_id) if external_id else None
    return [safe_cell(str(response_id)), panel_id, layout.number, started_at, completed_at, duration]


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


def raw_row_chunks(layout: RawLayout, responses: QuerySet[Response]) -> Iterator[list[list[Any]]]:
    """The rows in chunks of `RAW_CHUNK` responses, ordered by (completed_at, id).

    Keyset pagination keeps every chunk's query as cheap as the first, however far into
    the export it is. Cells are typed Python values (None when empty); text (answers,
    codes, ids) goes through `safe_cell` as it enters a row, the only cells that it could
    change. The answers are read with plain SQL: at ~25 answers a response, converting
    each row's response id to a UUID object cost more than everything else together."""
    size = RAW_CHUNK
    width = len(layout.header)
    pk = Response._meta.pk
    ordered = responses.order_by("completed_at", "id").values_list(*_RESPONSE_FIELDS)
    after: tuple[datetime, uuid.UUID] | None = None
    while True:
        page = ordered
        if after is not None:
            page = page.filter(Q(completed_at__gt=after[0]) | Q(completed_at=after[0], id__gt=after[1]))
        chunk = list(page[:size])
        if not chunk:
            return
        # Keyed by the id as the database returns it in the answers' response_id column.
        rows: dict[Any, tuple[list[Any], _VersionLayout]] = {}
        for response_id, external_id, version_id, started_at, completed_at in chunk:
            version = layout.versions[version_id]
            cells = _response_cells(version, response_id, external_id, started_at, completed_at)
            rows[pk.get_db_prep_value(response_id, connection)] = (cells + [None] * (width - len(cells)), version)
        with connection.cursor() as cursor:
            cursor.execute(*_answers_query(list(rows)))
            answers = cursor.fetchall()
        for response_id, question_id, row_id, choice_id, number, day, text in answers:
            row, version = rows[response_id]
            if choice_id is not None:
                if row_id is not None:
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
            elif question_id in version.value:
                if number is not None:
                    value = _number(number)
                elif day is not None:
                    value = _day(day)
                else:
                    value = safe_cell(text)
                row[version.value[question_id]] = value
        yield [row for row, _ in rows.values()]
        if len(chunk) < size:
            return
        last = chunk[-1]
        after = (last[_RESPONSE_FIELDS.index("completed_at")], last[0])


def _record_rows(record: ExportRecord) -> tuple[RawLayout, QuerySet[Response]]:
    version_number = record.parameters.get("version")
    layout = raw_layout(
        record.survey, version_number=version_number, include_personal_data=bool(record.parameters.get(PERSONAL_DATA))
    )
    return layout, exported_responses(record.survey, version_ids=list(layout.versions), as_of=record.created_at)


def _finish(
    record: ExportRecord, *, status: str, rows: int | None = None, file_path: str = "", error: str = ""
) -> bool:
    """Set the outcome once: only a record still pending changes (a second run of the
    same export, or a late failure after success, changes nothing)."""
    return bool(
        ExportRecord.objects.filter(pk=record.pk, status=ExportRecord.Status.PENDING).update(
            status=status, rows=rows, file_path=file_path, error=error, finished_at=timezone.now()
        )
    )


# --- CSV ---------------------------------------------------------------------------


def raw_csv_stream(record: ExportRecord) -> Iterator[str]:
    """The export as CSV text, chunk by chunk, for a StreamingHttpResponse (the format is
    described in results.exports_csv). On PostgreSQL the database writes the rows
    (`COPY`), elsewhere Python does; the bytes are the same.

    The record is completed (ready, with its row count) after the last row, or failed if
    the stream stopped early (an error, or the client went away).
    """
    layout, responses = _record_rows(record)
    if USE_COPY and connection.vendor == "postgresql":
        chunks = copy_csv_chunks(layout, responses, size=RAW_CHUNK)
    else:
        chunks = python_csv_chunks(layout, raw_row_chunks(layout, responses))
    rows = 0
    try:
        yield csv_header(layout)
        for text, count in chunks:
            rows += count
            yield text
    except GeneratorExit:
        # The COPY holds the connection until it is closed (which ends its transaction).
        chunks.close()
        _finish(record, status=ExportRecord.Status.FAILED, rows=rows, error="The download was interrupted.")
        raise
    except Exception:
        logger.exception("raw CSV export %s failed", record.pk)
        _finish(record, status=ExportRecord.Status.FAILED, rows=rows, error="The export failed; the error was logged.")
        raise
    _finish(record, status=ExportRecord.Status.READY, rows=rows)


# --- XLSX --------------------------------------------------------------------------


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, str):
        # Control characters are not allowed in the file format; overlong text breaks it.
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_MAX_TEXT]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        # Spreadsheets have no time zones: the times are UTC, as in the CSV.
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def xlsx_path(record: ExportRecord) -> Path:
    return Path(settings.MEDIA_ROOT) / record.file_path


def raw_xlsx_write(record: ExportRecord, destination: Path) -> int:
    """Write the export to `destination` (a write-only workbook: rows go to disk as they
    come, so memory stays flat) and return the number of data rows."""
    layout, responses = _record_rows(record)
    total = responses.count()
    if total > XLSX_MAX_DATA_ROWS:
        raise ExportTooLarge(
            f"This export has {total:,} responses, more than a spreadsheet sheet holds "
            f"({XLSX_MAX_DATA_ROWS:,} rows besides the header). Download the CSV export instead, "
            "or export one version at a time."
        )
    if len(layout.header) > XLSX_MAX_COLUMNS:
        raise ExportTooLarge(
            f"This export has {len(layout.header):,} columns, more than a spreadsheet sheet holds "
            f"({XLSX_MAX_COLUMNS:,}). Download the CSV export instead."
        )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("responses")
    sheet.append([_xlsx_value(safe_cell(name)) for name in layout.header])
    # Text cells come through safe_cell already (see raw_row_chunks).
    rows = 0
    for chunk in raw_row_chunks(layout, responses):
        # Responses restored since the count could push past the limit.
        if rows + len(chunk) > XLSX_MAX_DATA_ROWS:
            raise ExportTooLarge(
                f"This export has more than {XLSX_MAX_DATA_ROWS:,} responses, more than a spreadsheet sheet "
                "holds. Download the CSV export instead, or export one version at a time."
            )
        for row in chunk:
            sheet.append([_xlsx_value(value) for value in row])
        rows += len(chunk)
    workbook.save(destination)
    return rows


def raw_xlsx_export_build(*, export_id: int) -> ExportRecord | None:
    """Build a pending XLSX export. Runs again harmlessly: a record that is no longer
    pending is left alone, each run writes its own temporary file and moves it into
    place atomically, and only the first run to finish sets the outcome.

    There is no exclusive claim: a worker that dies mid-build has its task delivered
    again (acks late), and that delivery must be able to start over."""
    record = (
        ExportRecord.objects.select_related("survey")
        .filter(pk=export_id, kind=ExportRecord.Kind.RAW_XLSX, status=ExportRecord.Status.PENDING)
        .first()
    )
    if record is None:
        return None
    ExportRecord.objects.filter(pk=record.pk).update(started_at=timezone.now())
    relative = f"{EXPORTS_DIR}/{record.survey.slug}-responses-{record.pk}.xlsx"
    final = Path(settings.MEDIA_ROOT) / relative
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = final.with_name(f".{final.name}.{uuid.uuid4().hex}.tmp")
    try:
        rows = raw_xlsx_write(record, temporary)
        os.replace(temporary, final)
    except ExportTooLarge as exc:
        _finish(record, status=ExportRecord.Status.FAILED, error=str(exc))
    except Exception:
        logger.exception("XLSX export %s failed", record.pk)
        _finish(record, status=ExportRecord.Status.FAILED, error="The export could not be built; the error was logged.")
    else:
        _finish(record, status=ExportRecord.Status.READY, rows=rows, file_path=relative)
    finally:
        temporary.unlink(missing_ok=True)
    record.refresh_from_db()
    return record


# --- Records -----------------------------------------------------------------------


def export_record(
    *,
    user,
    survey: Survey,
    kind: str,
    parameters: dict | None = None,
    status: str = ExportRecord.Status.READY,
    rows: int | None = None,
) -> ExportRecord:
    """Record an export. A table export built and served in one request is recorded
    as ready: `export_record(user=request.user, survey=survey, kind=ExportRecord.Kind.TABLE_CSV,
    parameters={"question": "role", "segment": "it"})`."""
    finished = timezone.now() if status != ExportRecord.Status.PENDING else None
    return ExportRecord.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        survey=survey,
        kind=kind,
        parameters=parameters or {},
        status=status,
        rows=rows,
        finished_at=finished,
    )
