"""The raw CSV export's bytes as the view sends them, by the COPY path or the Python one; a
results page's CSV download read back into its tables."""

from __future__ import annotations

import csv
import io

from results.exports import csv_stream
from results.exports import rows as python_rows
from results.exports.csv_stream import raw_csv_stream
from results.exports.records import export_record
from results.models import ExportRecord
from surveys.models import Survey


def exported_csv(survey: Survey, *, copy: bool, monkeypatch, parameters: dict | None = None) -> bytes:
    """The export's bytes as the view sends them, by one path or the other."""
    record = export_record(
        user=None,
        survey=survey,
        kind=ExportRecord.Kind.RAW_CSV,
        parameters=parameters,
        status=ExportRecord.Status.PENDING,
    )
    with monkeypatch.context() as patch:
        patch.setattr(csv_stream, "USE_COPY", copy)
        if copy:  # the rows must come from the database, not from the Python path
            patch.setattr(python_rows, "raw_row_chunks", None)
        body = "".join(raw_csv_stream(record)).encode()
    record.refresh_from_db()
    assert record.status == ExportRecord.Status.READY
    return body


def csv_tables(response) -> dict[str, list[dict]]:
    """The CSV's tables by name (a '# name' line starts each when there are several)."""
    tables, name, header = {}, "", None
    for row in csv.reader(io.StringIO(response.content.decode())):
        if not row:
            header = None
        elif row[0].startswith("# ") and len(row) == 1:
            name, header = row[0][2:], None
        elif header is None:
            header = row
            tables[name] = []
        else:
            tables[name].append(dict(zip(header, row, strict=True)))
    return tables
