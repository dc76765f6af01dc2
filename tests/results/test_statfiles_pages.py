"""The codebook in the raw XLSX (its sheet, read back with openpyxl, and labels mode),
the SPSS and Stata exports through the exports page, the status page and the download, a
real worker, the codebook page, and a .sav of 10,000 bulk-inserted responses."""

from __future__ import annotations

import pyreadstat
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from results.exports.codebook import codebook_rows, survey_codebook
from results.exports.records import export_record
from results.exports.statfiles import stat_file_export_build
from results.exports.xlsx import raw_xlsx_export_build, xlsx_path
from results.models import ExportRecord
from tests.kit.data import bulk_responses
from tests.kit.statfiles import R1, R2, stat_responses, stat_survey
from tests.kit.waiting import wait_for

SAV, DTA = ExportRecord.Kind.RAW_SAV, ExportRecord.Kind.RAW_DTA


@pytest.fixture
def survey(db):
    return stat_survey()


@pytest.fixture
def answered(survey):
    return stat_responses(survey)


@pytest.fixture
def staff(client, viewer, survey):
    survey.viewers.add(viewer)
    client.force_login(viewer)
    return client


def _xlsx(survey, **parameters) -> dict[str, list[tuple]]:
    record = export_record(user=None, survey=survey, kind=ExportRecord.Kind.RAW_XLSX, parameters=parameters,
                           status=ExportRecord.Status.PENDING)
    record = raw_xlsx_export_build(export_id=record.pk)
    assert record.status == ExportRecord.Status.READY, record.error
    workbook = load_workbook(xlsx_path(record))
    return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook}


def _frame_of(content: bytes, kind: str, tmp_path):
    path = tmp_path / f"export.{kind[-3:]}"
    path.write_bytes(content)
    reader = pyreadstat.read_sav if kind == SAV else pyreadstat.read_dta
    return reader(str(path))


# --- The raw XLSX's codebook --------------------------------------------------------------


def test_the_xlsx_codebook_sheet_is_the_codebook(survey, answered, export_files):
    sheets = _xlsx(survey)

    assert list(sheets) == ["responses", "Codebook"]
    book = sheets["Codebook"]
    expected = codebook_rows(survey_codebook(survey), outcome=False)
    assert len(book) == len(expected)
    # The survey's own text is neutralised against formulas, as the answers are.
    src = next(row for row in book if row[1] == "src")
    assert src[3] == "'=HYPERLINK(\"http://evil.example\")"
    role = book.index(next(row for row in book if row[1] == "role"))
    assert book[role][:5] == ("role", "role", "role", "Your role?", "numeric (coded)")
    assert book[role][8] == -9
    assert [row[5:8] for row in book[role + 1 : role + 4]] == [(1, "it", "IT"), (2, "business", "Business"),
                                                            (3, "other", "Other")]
    header = sheets["responses"][0]
    assert [row[1] for row in book[1:] if row[0] is not None] == list(header)


def test_labels_mode_writes_choice_labels(survey, answered, export_files):
    rows = _xlsx(survey, labels=True)["responses"]
    header = rows[0]
    by_role = {row[header.index("role")]: row for row in rows[1:]}

    assert set(by_role) == {"IT", "Business"}
    it = by_role["IT"]
    assert (it[header.index("usage.mail")], it[header.index("usage.chat")]) == ("Often", "Never")
    assert (it[header.index("channels.mail")], it[header.index("channels.phone")]) == (1, 0)
    assert it[header.index("note")] == "'=1+1"  # answers stay neutralised
    codes = _xlsx(survey)["responses"]
    assert {row[codes[0].index("role")] for row in codes[1:]} == {"it", "business"}


# --- Through the exports page ---------------------------------------------------------------


@pytest.mark.parametrize("kind", [SAV, DTA])
def test_it_queues_a_stat_file_and_serves_it(staff, survey, answered, kind, django_capture_on_commit_callbacks,
                                             export_files, tmp_path):
    url = reverse(f"exports:{kind}", args=[survey.slug])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = staff.post(url, {"ended": "1", "version": "1"})
    record = ExportRecord.objects.get(kind=kind)
    status_url = reverse("exports:status", args=[survey.slug, record.pk])
    assert response.status_code == 302 and response["Location"] == status_url
    assert record.parameters == {"ended": True, "version": 1}
    assert len(callbacks) == 1
    assert "being prepared" in staff.get(status_url).content.decode()

    stat_file_export_build(export_id=record.pk, kind=kind)

    page = staff.get(status_url).content.decode()
    assert "3 responses" in page
    download = staff.get(reverse("exports:download", args=[survey.slug, record.pk]))
    assert download["Content-Disposition"].endswith(f'-v1-{record.created_at:%Y%m%d-%H%M}.{kind[-3:]}"')
    frame, meta = _frame_of(b"".join(download.streaming_content), kind, tmp_path)
    assert sorted(frame["status"].tolist()) == [1, 1, 2]
    assert meta.column_names_to_labels["usage_mail"] == "How often?: E-mail"


def test_the_exports_page_offers_the_statistical_files(staff, survey):
    page = staff.get(reverse("exports:index", args=[survey.slug])).content.decode()
    for name in ("raw_sav", "raw_dta", "codebook"):
        assert reverse(f"exports:{name}", args=[survey.slug]) in page
    assert 'name="ended"' in page and 'name="labels"' in page


def test_the_codebook_page_lists_every_variable(staff, survey):
    page = staff.get(reverse("exports:codebook", args=[survey.slug])).content.decode()
    for v in survey_codebook(survey).variables:
        assert f"<code>{v.name}</code>" in page
    assert "3 = Other" in page and "0 = Not at all" in page
    assert staff.get(reverse("exports:codebook", args=[survey.slug]), {"version": "7"}).status_code == 404


def test_a_viewer_the_survey_is_not_shared_with_gets_no_statistical_file(client, viewer, survey):
    client.force_login(viewer)
    assert client.post(reverse("exports:raw_sav", args=[survey.slug])).status_code == 404
    assert client.get(reverse("exports:codebook", args=[survey.slug])).status_code == 404
    assert not ExportRecord.objects.exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_builds_a_dta(client, viewer, celery_worker_process, export_files, tmp_path):
    survey = stat_survey()
    stat_responses(survey)
    survey.viewers.add(viewer)
    client.force_login(viewer)

    client.post(reverse("exports:raw_dta", args=[survey.slug]))
    record = wait_for(
        lambda: ExportRecord.objects.exclude(status=ExportRecord.Status.PENDING).first(), timeout=30, interval=0.2
    )

    assert (record.status, record.rows, record.error) == (ExportRecord.Status.READY, 2, "")
    download = client.get(reverse("exports:download", args=[survey.slug, record.pk]))
    frame, _ = _frame_of(b"".join(download.streaming_content), DTA, tmp_path)
    assert sorted(frame["role"].tolist()) == [1, 2]


# --- At scale -------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.django_db
def test_a_sav_of_ten_thousand_responses(survey, export_files):
    bulk_responses(survey, [R1, R2] * 5_000, reconcile=False)
    record = export_record(user=None, survey=survey, kind=SAV, status=ExportRecord.Status.PENDING)

    record = stat_file_export_build(export_id=record.pk, kind=SAV)

    assert (record.status, record.rows) == (ExportRecord.Status.READY, 10_000)
    frame, _ = pyreadstat.read_sav(str(xlsx_path(record)))
    assert frame["role"].value_counts().to_dict() == {1: 5_000, 2: 5_000}
    assert int(frame["channels_chat"].sum()) == 5_000


def test_recent_exports_link_to_a_stat_file_and_say_its_options(staff, viewer, survey):
    record = export_record(user=viewer, survey=survey, kind=SAV, parameters={"ended": True})

    page = staff.get(reverse("exports:index", args=[survey.slug])).content.decode()

    assert reverse("exports:status", args=[survey.slug, record.pk]) in page
    assert "with screened-out and quota-full" in page


@pytest.mark.parametrize("kind", [SAV, DTA])
def test_it_refuses_a_stat_file_over_the_cell_budget_with_a_message(staff, survey, answered, kind, settings,
                                                                    export_files):
    settings.STAT_FILE_MAX_CELLS = 10  # 3 responses of more than 4 variables
    staff.post(reverse(f"exports:{kind}", args=[survey.slug]), {"ended": "1"})
    record = ExportRecord.objects.get(kind=kind)

    stat_file_export_build(export_id=record.pk, kind=kind)

    record.refresh_from_db()
    assert record.status == ExportRecord.Status.FAILED and not record.file_path
    assert "download the CSV export instead" in record.error
    page = staff.get(reverse("exports:status", args=[survey.slug, record.pk])).content.decode()
    assert "more than a statistical file is built from at once" in page
