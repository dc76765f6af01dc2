"""The raw export as an XLSX file, built by a worker into MEDIA_ROOT/exports."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from results.exports.codebook import CODED, Codebook, codebook_rows, record_codebook
from results.exports.layout import ExportTooLarge, record_rows
from results.exports.records import export_progress, file_export_build
from results.exports.rows import raw_row_chunks
from results.models import ExportRecord
from results.spreadsheet import safe_cell

# A sheet holds 1,048,576 rows: the header and 1,048,575 data rows; and 16,384 columns.
XLSX_MAX_DATA_ROWS = 1_048_575
XLSX_MAX_COLUMNS = 16_384
# Excel refuses to open a file with a longer text cell.
XLSX_MAX_TEXT = 32_767
# The ExportRecord parameter that asks for choice labels instead of codes in the data.
LABELS = "labels"


def xlsx_value(value: Any) -> Any:
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


def _label_lookups(codebook: Codebook, header: list[str]) -> dict[int, dict[str, str]]:
    """Column index -> (neutralised) choice code -> (neutralised) label, for labels mode."""
    index = {name: i for i, name in enumerate(header)}
    return {
        index[v.source]: {safe_cell(code): safe_cell(v.value_labels[n]) for code, n in v.codes.items()}
        for v in codebook.raw
        if v.kind == CODED and v.source in index
    }


def raw_xlsx_write(record: ExportRecord, destination: Path) -> int:
    """Write the export to `destination` (a write-only workbook: rows go to disk as they
    come, so memory stays flat) and return the number of data rows. A "Codebook" sheet
    follows the data (see results.exports.codebook); with `parameters["labels"]` the data
    holds choice labels where it would hold choice codes."""
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
    codebook = record_codebook(record, layout)
    labels = _label_lookups(codebook, layout.header) if record.parameters.get(LABELS) else {}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("responses")
    sheet.append([xlsx_value(safe_cell(name)) for name in layout.header])
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
            for column, lookup in labels.items():
                if row[column] is not None:
                    row[column] = lookup.get(row[column], row[column])
            sheet.append([xlsx_value(value) for value in row])
        rows += len(chunk)
        export_progress(record, rows)
    book = workbook.create_sheet("Codebook")
    # Labels and descriptions are the survey authors' text: neutralised like answers.
    for line in codebook_rows(codebook, outcome=False):
        book.append([xlsx_value(safe_cell(value)) for value in line])
    workbook.save(destination)
    return rows


def raw_xlsx_export_build(*, export_id: int) -> ExportRecord | None:
    """Build a pending XLSX export (see results.exports.records.file_export_build)."""
    return file_export_build(
        export_id=export_id, kind=ExportRecord.Kind.RAW_XLSX, extension="xlsx", write=raw_xlsx_write
    )
