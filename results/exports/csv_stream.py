"""The raw export as a CSV download (the format: results.exports.csv_rows)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from django.db import connection

from results.exports import rows as python_rows
from results.exports.csv_rows import copy_csv_chunks, csv_header, python_csv_chunks
from results.exports.layout import record_rows
from results.exports.records import export_finish
from results.models import ExportRecord

logger = logging.getLogger(__name__)


# On PostgreSQL the database writes the CSV rows (results.exports.csv_rows); False makes it
# take the Python path too, the reference that the COPY path is tested against.
USE_COPY = True


def raw_csv_stream(record: ExportRecord) -> Iterator[str]:
    """The export as CSV text, chunk by chunk, for a StreamingHttpResponse (the format is
    described in results.exports.csv_rows). On PostgreSQL the database writes the rows
    (`COPY`), elsewhere Python does; the bytes are the same.

    The record is completed (ready, with its row count) after the last row, or failed if
    the stream stopped early (an error, or the client went away).
    """
    layout, responses = record_rows(record)
    if USE_COPY and connection.vendor == "postgresql":
        chunks = copy_csv_chunks(layout, responses, size=python_rows.RAW_CHUNK)
    else:
        chunks = python_csv_chunks(layout, python_rows.raw_row_chunks(layout, responses))
    rows = 0
    try:
        yield csv_header(layout)
        for text, count in chunks:
            rows += count
            yield text
    except GeneratorExit:
        # The COPY holds the connection until it is closed (which ends its transaction).
        chunks.close()
        export_finish(record, status=ExportRecord.Status.FAILED, rows=rows, error="The download was interrupted.")
        raise
    except Exception:
        logger.exception("raw CSV export %s failed", record.pk)
        export_finish(
            record, status=ExportRecord.Status.FAILED, rows=rows, error="The export failed; the error was logged."
        )
        raise
    export_finish(record, status=ExportRecord.Status.READY, rows=rows)
