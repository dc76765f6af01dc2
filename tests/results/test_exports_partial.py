"""Partial responses in the raw exports, on request ("Include partial responses"): each
format with and without the option, the partial's answers so far with no completion time
or duration, its outcome (4, "Partial") in the statistical files, the `as_of` cut by the
last save, the order (completion or last save, then id) across chunk boundaries by the
COPY path and the Python path, and test, excluded and late partials never included."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from functools import partial as bound

import pandas as pd
import pyreadstat
import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from responses.models import Response
from results.exports import rows as python_rows
from results.exports.records import export_record
from results.exports.statfiles import stat_file_export_build
from results.exports.xlsx import raw_xlsx_export_build, xlsx_path
from results.models import ExportRecord
from tests.kit.exports import exported_csv
from tests.kit.statfiles import stat_partials, stat_responses, stat_survey

SAV, DTA = ExportRecord.Kind.RAW_SAV, ExportRecord.Kind.RAW_DTA


@pytest.fixture
def survey(db):
    return stat_survey()


@pytest.fixture
def mixed(survey):
    """R1 complete 3 hours ago, R2 complete an hour ago, R3 screened out; the partials
    (tests/kit/statfiles.py) last saved 3 hours ago, as R1 completed (a tie that the id
    breaks), the late one tomorrow. Returns (responses in export order with partials, the partials)."""
    now = timezone.now()
    r1, r2, _ = stat_responses(survey)
    for response, hours in ((r1, 3), (r2, 1)):
        Response.objects.filter(pk=response.pk).update(completed_at=now - timedelta(hours=hours),
                                                       started_at=now - timedelta(hours=hours, minutes=2))
    partials = stat_partials(survey, saved_at=now - timedelta(hours=3), later=now + timedelta(days=1))
    first = sorted([r1, partials["real"]], key=lambda r: r.pk)
    return [*first, r2], partials


def _csv_rows(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def _build(survey, kind, build, **parameters) -> ExportRecord:
    record = export_record(user=None, survey=survey, kind=kind, parameters=parameters,
                           status=ExportRecord.Status.PENDING)
    record = build(export_id=record.pk)
    assert record.status == ExportRecord.Status.READY, record.error
    return record


@pytest.mark.django_db
@pytest.mark.parametrize("copy", [True, False], ids=["copy", "python"])
def test_the_csv_takes_partials_only_on_request(mixed, survey, monkeypatch, copy):
    order, partials = mixed
    without = _csv_rows(exported_csv(survey, copy=copy, monkeypatch=monkeypatch))
    assert [row["completed_at"] != "" for row in without] == [True, True]
    assert "status" not in without[0]  # default exports keep their columns

    rows = _csv_rows(exported_csv(survey, copy=copy, monkeypatch=monkeypatch, parameters={"partial": True}))
    assert [row["response_id"] for row in rows] == [str(r.pk) for r in order]
    partial = next(row for row in rows if row["response_id"] == str(partials["real"].pk))
    assert (partial["role"], partial["channels.chat"], partial["channels.mail"], partial["age"]) == (
        "business", "1", "0", "50")
    assert (partial["completed_at"], partial["duration_seconds"], partial["nps"]) == ("", "", "")
    assert partial["started_at"] != ""
    assert [row["status"] for row in rows] == ["partial" if r == partials["real"] else "complete" for r in order]
    assert list(rows[0])[7:9] == ["status", "src"]  # after the response's own columns


@pytest.mark.django_db
@pytest.mark.parametrize("chunk", [1, 2])
def test_both_csv_paths_page_partials_and_completes_alike_across_chunks(mixed, survey, monkeypatch, chunk):
    order, _ = mixed
    monkeypatch.setattr(python_rows, "RAW_CHUNK", chunk)
    parameters = {"partial": True, "ended": True}
    by_copy = exported_csv(survey, copy=True, monkeypatch=monkeypatch, parameters=parameters)
    by_python = exported_csv(survey, copy=False, monkeypatch=monkeypatch, parameters=parameters)
    assert by_copy == by_python
    # R3 (screened out) ended at insertion, after the others.
    ids = [row["response_id"] for row in _csv_rows(by_copy)]
    assert ids[:3] == [str(r.pk) for r in order] and len(ids) == 4


@pytest.mark.django_db
def test_the_xlsx_takes_partials_only_on_request(mixed, survey, export_files):
    order, partials = mixed

    def sheet(name="responses", **parameters):
        record = _build(survey, ExportRecord.Kind.RAW_XLSX, raw_xlsx_export_build, **parameters)
        rows = list(load_workbook(xlsx_path(record))[name].iter_rows(values_only=True))
        return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]

    assert len(sheet()) == 2 and "status" not in sheet()[0]
    assert "status" not in [row["column"] for row in sheet("Codebook")]
    rows = sheet(partial=True)
    assert [row["status"] for row in rows] == ["partial" if r == partials["real"] else "complete" for r in order]
    book = sheet("Codebook", partial=True)
    status = next(i for i, row in enumerate(book) if row["column"] == "status")
    assert [(row["value"], row["code"], row["value label"]) for row in book[status + 1 : status + 5]] == [
        (1, "complete", "Complete"), (2, "screened_out", "Screened out"), (3, "quota_full", "Quota full"),
        (4, "partial", "Partial")]
    labelled = sheet(partial=True, labels=True)
    assert [row["status"] for row in labelled] == ["Partial" if r == partials["real"] else "Complete" for r in order]
    assert [row["response_id"] for row in rows] == [str(r.pk) for r in order]
    partial = next(row for row in rows if row["response_id"] == str(partials["real"].pk))
    assert (partial["role"], partial["age"], partial["completed_at"], partial["duration_seconds"]) == (
        "business", 50, None, None)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [SAV, DTA])
def test_the_statistical_files_give_partials_their_outcome(mixed, survey, kind, export_files):
    _, partials = mixed
    reader = pyreadstat.read_sav if kind == SAV else pyreadstat.read_dta
    build = bound(stat_file_export_build, kind=kind)

    frame, _ = reader(str(xlsx_path(_build(survey, kind, build))))
    assert sorted(frame["status"]) == [1, 1]

    record = _build(survey, kind, build, partial=True, ended=True)
    frame, meta = reader(str(xlsx_path(record)), user_missing=True)
    assert sorted(frame["status"]) == [1, 1, 2, 4]
    assert meta.variable_value_labels["status"][4] == "Partial"
    partial = frame[frame["status"] == 4].to_dict("records")
    assert len(partial) == 1 and partial[0]["response_id"] == str(partials["real"].pk)
    assert (partial[0]["role"], partial[0]["age"], partial[0]["channels_chat"]) == (2, 50, 1)
    for empty in ("completed_at", "duration_seconds"):
        assert pd.isna(partial[0][empty]), (empty, partial[0][empty])


@pytest.mark.django_db
def test_the_option_is_offered_recorded_and_listed(mixed, survey, client, viewer, export_files):
    survey.viewers.add(viewer)
    client.force_login(viewer)
    page = client.get(reverse("exports:index", args=[survey.slug])).content.decode()
    assert page.count('name="partial"') == 3

    body = b"".join(client.get(reverse("exports:raw_csv", args=[survey.slug]), {"partial": "1"}).streaming_content)
    assert len(_csv_rows(body)) == 3
    record = ExportRecord.objects.get(kind=ExportRecord.Kind.RAW_CSV)
    assert record.parameters == {"partial": True}
    client.post(reverse("exports:raw_xlsx", args=[survey.slug]), {"partial": "on"})
    assert ExportRecord.objects.get(kind=ExportRecord.Kind.RAW_XLSX).parameters == {"partial": True}
    client.post(reverse("exports:raw_sav", args=[survey.slug]), {"partial": "1"})
    assert ExportRecord.objects.get(kind=SAV).parameters == {"partial": True}
    page = client.get(reverse("exports:index", args=[survey.slug])).content.decode()
    assert page.count(", with partial") == 3
    book = client.get(reverse("exports:codebook", args=[survey.slug])).content.decode()
    assert "CSV and Excel with partial responses" in book and "Partial" in book
