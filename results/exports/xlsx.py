"""The raw export as an XLSX file, built by a worker into MEDIA_ROOT/exports."""

from __future__ import annotations

import logging
import os
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from results.exports.layout import ExportTooLarge, record_rows
from results.exports.records import export_finish
from results.exports.rows import raw_row_chunks
from results.models import ExportRecord
from results.spreadsheet import safe_cell

logger = logging.getLogger(__name__)


# A sheet holds 1,048,576 rows: the header and 1,048,575 data rows; and 16,384 columns.
XLSX_MAX_DATA_ROWS = 1_048_575
XLSX_MAX_COLUMNS = 16_384
# Excel refuses to open a file with a longer text cell.
XLSX_MAX_TEXT = 32_767
EXPORTS_DIR = "exports"



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
    layout, responses = record_rows(record)
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
        export_finish(record, status=ExportRecord.Status.FAILED, error=str(exc))
    except Exception:
        logger.exception("XLSX export %s failed", record.pk)
        error = "The export could not be built; the error was logged."
        export_finish(record, status=ExportRecord.Status.FAILED, error=error)
    else:
        export_finish(record, status=ExportRecord.Status.READY, rows=rows, file_path=relative)
    finally:
        temporary.unlink(missing_ok=True)
    record.refresh_from_db()
    return record
