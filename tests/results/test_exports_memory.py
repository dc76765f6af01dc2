"""The raw exports stream in bounded memory: the peak of Python allocations while an
export of 12,000 responses is written is about the same as for 4,000 (a whole export
held in memory would take three times as much): memory holds a chunk of rows, not the
export. CSV by both paths, and the XLSX that workers build (bench/exports measures
100,000 responses, rows/s and peak RSS per format; the SPSS and Stata files hold one
frame, bounded by STAT_FILE_MAX_CELLS instead)."""

import tracemalloc

import pytest

from results.exports import csv_stream
from results.exports.csv_stream import raw_csv_stream
from results.exports.records import export_record
from results.exports.xlsx import raw_xlsx_write
from results.models import ExportRecord
from tests.kit.data import bulk_responses
from tests.kit.statfiles import R1, R2, stat_survey

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.slow]


def _peak(write) -> int:
    tracemalloc.start()
    try:
        write()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _csv(record) -> None:
    for _ in raw_csv_stream(record):
        pass


def _peaks(survey, write, tmp_path) -> tuple[int, int]:
    peaks = []
    for total in (4_000, 12_000):  # both past the first chunk of RAW_CHUNK (2,000) rows
        bulk_responses(survey, [R1, R2] * ((total - survey.responses.count()) // 2), reconcile=False)
        assert survey.responses.count() == total
        record = export_record(user=None, survey=survey, kind=ExportRecord.Kind.RAW_XLSX,
                               status=ExportRecord.Status.PENDING)
        destination = tmp_path / f"{total}.out"
        peaks.append(_peak(lambda record=record, destination=destination: write(record, destination)))
    return peaks[0], peaks[1]


@pytest.mark.parametrize("copy", [True, False])
def test_the_csv_stays_in_bounded_memory(tmp_path, copy, monkeypatch):
    monkeypatch.setattr(csv_stream, "USE_COPY", copy)
    small, large = _peaks(stat_survey(), lambda record, _: _csv(record), tmp_path)
    assert large < 1.3 * small, (small, large)


def test_the_xlsx_stays_in_bounded_memory(tmp_path):
    small, large = _peaks(stat_survey(), raw_xlsx_write, tmp_path)
    assert large < 1.3 * small, (small, large)
