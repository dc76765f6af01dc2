"""Personal data in exports and on results pages: answers to e-mail questions and to
questions marked personal data are left out of raw exports unless the user ticks
"Include personal data" (and the export's record says who did), and results pages and
their table downloads never list them."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.http import StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from analytics.counting import response_count
from responses.models import Response
from responses.services import response_submit
from results.exports.layout import RESPONSE_COLUMNS, raw_layout
from results.exports.xlsx import raw_xlsx_export_build
from results.models import ExportRecord
from surveys.definition_files import definition_from_data
from surveys.models import Question
from surveys.services import survey_import, version_duplicate, version_publish
from tests.kit.data import bulk_responses

pytestmark = pytest.mark.django_db

CONTACT_SURVEY = {
    "slug": "contact",
    "title": "Contact",
    "status": "open",
    "pages": [{"questions": [
        {"code": "role", "type": "single", "label": "Role",
         "choices": [{"code": "it", "label": "IT"}, {"code": "business", "label": "Business"}]},
        {"code": "name", "type": "short_text", "label": "Your name", "personal_data": True},
        {"code": "email", "type": "email", "label": "Your e-mail address"},
        {"code": "comments", "type": "long_text", "label": "Comments"},
    ]}],
}
BOM = "\ufeff"


@pytest.fixture
def contact_survey(db):
    survey = survey_import(definition=definition_from_data(CONTACT_SURVEY))[0].survey
    for name in ("Ada", "Grace"):
        result = response_submit(
            survey=survey, version=survey.open_version(), submission_id=uuid.uuid4(),
            answers={"role": "it", "name": name, "email": f"{name.lower()}@home.example", "comments": f"By {name}"},
        )
        assert result.ok, result.errors
        assert response_count(result.response.pk)
    return survey


@pytest.fixture
def results_client(client, viewer, contact_survey):
    contact_survey.viewers.add(viewer)
    client.force_login(viewer)
    return client


def _csv(client, survey, **params) -> list[dict]:
    response = client.get(reverse("exports:raw_csv", args=[survey.slug]), params)
    assert response.status_code == 200 and isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith(BOM)
    return list(csv.DictReader(io.StringIO(body[len(BOM):], newline="")))


# --- Raw exports -------------------------------------------------------------------


def test_it_leaves_personal_data_out_of_the_csv_by_default(results_client, viewer, contact_survey):
    rows = _csv(results_client, contact_survey)

    assert list(rows[0])[len(RESPONSE_COLUMNS):] == ["role", "comments"]
    assert not any("Ada" == value or "@" in value for row in rows for value in row.values())
    record = ExportRecord.objects.get()
    assert (record.user, record.parameters) == (viewer, {})


def test_it_includes_personal_data_in_the_csv_when_asked_and_records_who_asked(results_client, viewer,
                                                                                contact_survey):
    rows = _csv(results_client, contact_survey, personal_data="1")

    assert list(rows[0])[len(RESPONSE_COLUMNS):] == ["role", "name", "email", "comments"]
    assert sorted((row["name"], row["email"]) for row in rows) == [
        ("Ada", "ada@home.example"), ("Grace", "grace@home.example"),
    ]
    record = ExportRecord.objects.get()
    assert (record.user, record.parameters, record.status) == (viewer, {"personal_data": True}, "ready")


@pytest.mark.parametrize("value", ["", "0", "no", "off"])
def test_it_leaves_personal_data_out_for_an_unticked_box(results_client, contact_survey, value):
    rows = _csv(results_client, contact_survey, personal_data=value)

    assert "name" not in rows[0] and "email" not in rows[0]
    assert ExportRecord.objects.get().parameters == {}


def _sheet_header(record: ExportRecord) -> list:
    workbook = load_workbook(Path(settings.MEDIA_ROOT) / record.file_path)
    return [cell.value for cell in next(workbook["responses"].iter_rows())]


def test_it_includes_personal_data_in_the_xlsx_only_when_asked(results_client, viewer, contact_survey,
                                                                django_capture_on_commit_callbacks, export_files):
    url = reverse("exports:raw_xlsx", args=[contact_survey.slug])
    with django_capture_on_commit_callbacks(execute=False):
        results_client.post(url)
        results_client.post(url, {"personal_data": "1"})
    without, with_personal = ExportRecord.objects.order_by("pk")
    assert (without.parameters, with_personal.parameters) == ({}, {"personal_data": True})
    assert with_personal.user == viewer

    for record in (without, with_personal):
        raw_xlsx_export_build(export_id=record.pk)
        record.refresh_from_db()

    assert _sheet_header(without)[len(RESPONSE_COLUMNS):] == ["role", "comments"]
    assert _sheet_header(with_personal)[len(RESPONSE_COLUMNS):] == ["role", "name", "email", "comments"]


def test_it_leaves_out_a_question_marked_personal_data_in_any_version(contact_survey):
    # Marked in version 2 only: no column would otherwise carry version 1's names.
    draft = version_duplicate(version=contact_survey.open_version())
    Question.objects.filter(version=draft, code="comments").update(personal_data=True)
    version_publish(version=draft)

    assert raw_layout(contact_survey).header[len(RESPONSE_COLUMNS):] == ["role"]
    with_personal = raw_layout(contact_survey, include_personal_data=True)
    assert with_personal.header[len(RESPONSE_COLUMNS):] == ["role", "name", "email", "comments"]


def test_it_offers_the_personal_data_box_on_the_exports_page(results_client, contact_survey):
    _csv(results_client, contact_survey, personal_data="1")

    page = results_client.get(reverse("exports:index", args=[contact_survey.slug])).content.decode()

    assert page.count('name="personal_data" value="1"') == 3  # CSV, XLSX, and SPSS or Stata
    assert "Include personal data" in page
    assert "<td>included</td>" in page


# --- Results pages -----------------------------------------------------------------


def test_it_does_not_list_personal_data_answers_on_the_question_page(results_client, contact_survey):
    page = results_client.get(reverse("results:question", args=[contact_survey.slug, "name"]))

    html = page.content.decode()
    assert page.context["report"].text is None
    assert "Ada" not in html and "Grace" not in html
    assert "Answers to this question are personal data" in html
    assert "2 answers." in html


def test_it_still_lists_answers_to_other_text_questions(results_client, contact_survey):
    page = results_client.get(reverse("results:question", args=[contact_survey.slug, "comments"]))

    assert sorted(text for text, _ in page.context["report"].text.page.object_list) == ["By Ada", "By Grace"]


@pytest.mark.parametrize("code", ["name", "email"])
def test_it_leaves_personal_data_out_of_the_question_table_download(results_client, contact_survey, code):
    url = reverse("results:question", args=[contact_survey.slug, code])

    response = results_client.get(url, {"format": "csv"})
    body = response.content.decode()

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "Ada" not in body and "ada@home.example" not in body


def test_it_says_so_for_e_mail_questions_on_the_questions_page(results_client, contact_survey):
    html = results_client.get(reverse("results:questions", args=[contact_survey.slug])).content.decode()

    assert "E-mail addresses are personal data" in html
    assert "ada@home.example" not in html and ">Ada<" not in html


def test_partial_responses_keep_the_personal_data_rules(results_client, contact_survey):
    (partial,) = bulk_responses(contact_survey, [{"role": "business", "name": "Linus", "email": "l@home.example"}],
                                reconcile=False)
    Response.objects.filter(pk=partial.pk).update(status=Response.Status.PARTIAL, completed_at=None)

    rows = _csv(results_client, contact_survey, partial="1")
    assert list(rows[0])[len(RESPONSE_COLUMNS):] == ["status", "role", "comments"]
    assert sorted(row["role"] for row in rows) == ["business", "it", "it"]
    assert not any("Linus" == value or "@" in value for row in rows for value in row.values())

    rows = _csv(results_client, contact_survey, partial="1", personal_data="1")
    assert [row["name"] for row in rows if row["status"] == "partial"] == ["Linus"]
