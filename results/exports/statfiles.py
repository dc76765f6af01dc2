"""The raw export as an SPSS .sav or a Stata .dta file, built by a worker.

The variables, their names, labels, value labels and missing values are the codebook's
(results.exports.codebook), so the files say what the raw XLSX's "Codebook" sheet and the
codebook page say. Choice cells hold the choice's stable number; multiple choice is one 0/1
variable per choice; `status` (the outcome) and `ended_by` follow the response's own
columns. Text is written as it was given: these formats have no formulas to neutralise.

Memory: pyreadstat writes a whole pandas DataFrame (it has no append for these formats),
so the frame is held in memory (an export over STAT_FILE_MAX_CELLS cells is refused with a
message instead, so that this stays bounded), built chunk by chunk (results.exports.rows, 2,000
responses at a time) into one typed numpy column per variable, allocated once for the
number of responses: 8 bytes a cell for numbers, codes, flags and dates (an object
pointer for Stata's coded columns, whose small ints and `"a"` are shared objects), plus
the text itself for text variables. pyreadstat's writing adds its own copies: measured
(bench/exports, 100,000 demo responses of 41 variables) the peak is ~133 MiB above the
process's start for either format, about 32 bytes per cell, so memory grows with
responses × variables and a very large export is better taken as CSV or one version at
a time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyreadstat
from django.conf import settings

from responses.models import Response
from results.exports.codebook import (
    CODED,
    CODED_KINDS,
    DATE,
    DATETIME,
    ENDED_BY,
    FLAG,
    NO_ANSWER,
    NO_ANSWER_LABEL,
    NUMBER,
    STATUS,
    Codebook,
    Variable,
    record_codebook,
)
from results.exports.layout import ExportTooLarge, record_rows
from results.exports.records import export_progress, file_export_build
from results.exports.rows import raw_row_chunks
from results.models import ExportRecord
from results.spreadsheet import safe_cell

# Stata's extended missing value for an empty coded cell (SPSS gets NO_ANSWER).
STATA_NO_ANSWER = "a"
STATA_LABEL_LIMIT = 80  # characters of a variable label
SPSS_LABEL_LIMIT = 256  # characters of a variable label
SPSS_VALUE_LABEL_LIMIT = 120  # characters of a value label


class StatFormat:
    """One statistical file format: how it stores an empty coded cell and how it writes."""

    kind: str = ""
    extension: str = ""
    content_type: str = "application/octet-stream"
    coded_dtype: Any = np.float64
    no_answer: Any = NO_ANSWER

    def write(self, frame: pd.DataFrame, path: Path, codebook: Codebook) -> None:
        raise NotImplementedError


class SavFormat(StatFormat):
    kind = ExportRecord.Kind.RAW_SAV
    extension = "sav"
    content_type = "application/x-spss-sav"

    def write(self, frame: pd.DataFrame, path: Path, codebook: Codebook) -> None:
        variables = codebook.variables
        coded = [v for v in variables if v.kind in CODED_KINDS]
        value_labels = {v.name: dict(v.value_labels) for v in variables if v.value_labels}
        for v in coded:
            value_labels[v.name] = {**v.value_labels, NO_ANSWER: NO_ANSWER_LABEL}
        pyreadstat.write_sav(
            frame,
            path,
            column_labels={v.name: v.label[:SPSS_LABEL_LIMIT] for v in variables},
            variable_value_labels={
                name: {k: text[:SPSS_VALUE_LABEL_LIMIT] for k, text in labels.items()}
                for name, labels in value_labels.items()
            },
            missing_ranges={v.name: list(v.missing) for v in coded},
            variable_measure={v.name: "nominal" if v.kind in CODED_KINDS else "scale" for v in variables
                              if v.kind in (*CODED_KINDS, NUMBER)},
        )


class DtaFormat(StatFormat):
    kind = ExportRecord.Kind.RAW_DTA
    extension = "dta"
    content_type = "application/x-stata-dta"
    # Coded cells hold ints or "a" (extended missing `.a`): pyreadstat wants objects then.
    coded_dtype = object
    no_answer = STATA_NO_ANSWER

    def write(self, frame: pd.DataFrame, path: Path, codebook: Codebook) -> None:
        pyreadstat.write_dta(
            frame,
            path,
            column_labels={v.name: v.label[:STATA_LABEL_LIMIT] for v in codebook.variables},
            variable_value_labels={v.name: dict(v.value_labels) for v in codebook.variables if v.value_labels},
            missing_user_values={v.name: [STATA_NO_ANSWER] for v in codebook.variables if v.kind in CODED_KINDS},
        )


FORMATS: dict[str, StatFormat] = {f.kind: f for f in (SavFormat(), DtaFormat())}


def _converter(variable: Variable, fmt: StatFormat) -> tuple[Any, Callable[[Any], Any]]:
    """(numpy dtype, raw cell -> file value) for one variable."""
    empty = fmt.no_answer
    if variable.kind == CODED:
        # The rows carry choice codes as the layout neutralised them.
        numbers = {safe_cell(code): n for code, n in variable.codes.items()}
        return fmt.coded_dtype, lambda c: empty if c is None else numbers.get(c, empty)
    if variable.kind == FLAG:
        return fmt.coded_dtype, lambda c: empty if c is None else c
    if variable.kind == NUMBER:
        return np.float64, lambda c: np.nan if c is None else float(c)
    if variable.kind == DATETIME:
        return "datetime64[us]", lambda c: None if c is None else c.astimezone(UTC).replace(tzinfo=None)
    if variable.kind == DATE:
        return object, lambda c: c
    return object, lambda c: "" if c is None else str(c)


class _Columns:
    """One preallocated numpy column per variable, grown if more rows come than counted."""

    def __init__(self, specs: dict[str, Any], capacity: int):
        self.arrays = {name: self._empty(dtype, capacity) for name, dtype in specs.items()}
        self.size = 0

    @staticmethod
    def _empty(dtype: Any, n: int) -> np.ndarray:
        return np.full(n, None, dtype=object) if np.dtype(dtype) == object else np.empty(n, dtype=dtype)

    def extend(self, columns: dict[str, list]) -> None:
        n = len(next(iter(columns.values())))
        for name, values in columns.items():
            array = self.arrays[name]
            if self.size + n > len(array):  # responses restored since the count
                array = np.concatenate([array, self._empty(array.dtype, self.size + n - len(array))])
                self.arrays[name] = array
            array[self.size : self.size + n] = values
        self.size += n

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({name: array[: self.size] for name, array in self.arrays.items()}, copy=False)


def _outcomes(ids: list[str]) -> dict[str, tuple[str, str]]:
    """Response id -> (status, ended_by): one query a chunk (the raw rows do not carry them)."""
    rows = Response.objects.filter(pk__in=ids).values_list("id", "status", "ended_by")
    return {str(pk): (status, ended) for pk, status, ended in rows}


def stat_file_write(record: ExportRecord, destination: Path) -> int:
    """Write the record's .sav or .dta to `destination`; return the number of data rows."""
    fmt = FORMATS[record.kind]
    layout, responses = record_rows(record, status_column=False)  # `status` is the outcome's
    codebook = record_codebook(record, layout)
    index = {name: i for i, name in enumerate(layout.header)}
    converters = {v.name: _converter(v, fmt) for v in codebook.variables}
    total = responses.count()
    cells, budget = total * len(codebook.variables), settings.STAT_FILE_MAX_CELLS
    if cells > budget:
        raise ExportTooLarge(
            f"This export has {total:,} responses of {len(codebook.variables)} variables ({cells:,} cells), more "
            f"than a statistical file is built from at once ({budget:,} cells, so that memory stays bounded). "
            "Export one version at a time or a filtered part, or download the CSV export instead."
        )
    columns = _Columns({name: dtype for name, (dtype, _) in converters.items()}, total)
    status = next(v for v in codebook.variables if v.source == STATUS)
    ended_by = next(v for v in codebook.variables if v.source == ENDED_BY)
    id_column = index["response_id"]
    for chunk in raw_row_chunks(layout, responses, text=str):
        # A response deleted since its row was read has no outcome: "No answer".
        outcomes = _outcomes([row[id_column] for row in chunk])
        outcome = [outcomes.get(row[id_column], ("", "")) for row in chunk]
        values: dict[str, list] = {}
        for v in codebook.variables:
            convert = converters[v.name][1]
            if v is status:
                values[v.name] = [convert(status_code or None) for status_code, _ in outcome]
            elif v is ended_by:
                values[v.name] = [convert(ended or None) for _, ended in outcome]
            else:
                i = index[v.source]
                values[v.name] = [convert(row[i]) for row in chunk]
        columns.extend(values)
        export_progress(record, columns.size)
    fmt.write(columns.frame(), destination, codebook)
    return columns.size


def stat_file_export_build(*, export_id: int, kind: str) -> ExportRecord | None:
    """Build a pending .sav or .dta export (see results.exports.records.file_export_build)."""
    fmt = FORMATS[kind]
    return file_export_build(export_id=export_id, kind=fmt.kind, extension=fmt.extension, write=stat_file_write)
