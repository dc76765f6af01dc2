"""Table exports: CSV and XLSX with unrounded values beside the displayed ones, and every
text cell neutralised against spreadsheet formula injection."""

import io
import random

import pytest
from openpyxl import load_workbook

from results.spreadsheet import safe_cell
from surveys.definition_files import definition_from_data
from surveys.services import survey_import
from tests.kit.data import bulk_responses
from tests.kit.demo import leader_answers, random_demo_answers
from tests.kit.exports import csv_tables

pytestmark = pytest.mark.django_db
INJECTIONS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+2", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def _xlsx_sheets(response) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(response.content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


@pytest.mark.parametrize("value", INJECTIONS)
def test_it_neutralises_text_that_a_spreadsheet_reads_as_a_formula(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["plain", "", "a=b", "3-2", -3, 2.5, None])
def test_it_leaves_other_values_alone(value):
    assert safe_cell(value) == value


def test_it_exports_a_question_as_csv_with_unrounded_beside_displayed_values(results, demo_survey):
    bulk_responses(demo_survey, [leader_answers(role="it", twitter="never")] * 5 + [leader_answers(role="it")] * 3)
    response = results.get("/results/ddiq-2010/questions/personal_use/?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="ddiq-2010-personal_use.csv"' in response["Content-Disposition"]
    rows = csv_tables(response)["counts"]
    never = next(r for r in rows if (r["row"], r["item"], r["column"]) == ("twitter", "never", "total"))
    assert (never["count"], never["base"], never["percent_display"]) == ("5", "8", "63%")
    assert float(never["percent"]) == 62.5
    assert never["ci_display"] == "31–86%"
    ever = next(r for r in rows if (r["row"], r["item"], r["column"]) == ("twitter", "net_ever", "total"))
    assert (ever["net"], ever["count"]) == ("True", "3")


def test_it_exports_the_same_tables_as_xlsx(results, demo_survey):
    bulk_responses(demo_survey, [random_demo_answers(random.Random(i)) for i in range(40)])
    from_csv = csv_tables(results.get("/results/ddiq-2010/questions/barriers/?format=csv"))
    response = results.get("/results/ddiq-2010/questions/barriers/?format=xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheets = _xlsx_sheets(response)
    assert set(sheets) == set(from_csv) == {"counts", "tests"}
    header, *rows = sheets["counts"]
    assert list(header) == list(from_csv["counts"][0])
    first = dict(zip(header, rows[0], strict=True))
    assert isinstance(first["percent"], float) and isinstance(first["count"], int)
    assert first["percent"] == pytest.approx(float(from_csv["counts"][0]["percent"]))


def test_it_leaves_suppressed_cells_empty_in_exports(results, demo_survey):
    bulk_responses(demo_survey, [leader_answers(role="it", twitter="never")] * 4)
    rows = csv_tables(results.get("/results/ddiq-2010/questions/personal_use/?format=csv"))["counts"]
    never = next(r for r in rows if (r["row"], r["item"], r["column"]) == ("twitter", "never", "total"))
    assert (never["count"], never["percent"], never["percent_display"], never["suppressed"]) == ("", "", "n<5", "True")


def test_it_neutralises_formulas_in_exported_text_answers(results, demo_survey):
    bulk_responses(demo_survey, [leader_answers(role="it") | {"comments": text} for text in INJECTIONS[:4]])
    tables = csv_tables(results.get("/results/ddiq-2010/questions/comments/?format=csv"))
    assert list(tables) == [""]  # a single table: no name line, a plain CSV
    rows = tables[""]
    assert sorted(r["answer"] for r in rows) == sorted("'" + text for text in INJECTIONS[:4])
    sheets = _xlsx_sheets(results.get("/results/ddiq-2010/questions/comments/?format=xlsx"))
    exported = sorted(row[2] for row in sheets["text answers"][1:])
    assert exported == sorted("'" + text for text in INJECTIONS[:4])


def test_it_neutralises_formulas_in_exported_labels(client, viewer, db):
    version, _ = survey_import(definition=definition_from_data({
        "slug": "formulas", "title": "Formulas", "status": "open",
        "pages": [{"questions": [
            {"code": "pick", "type": "single", "label": "=1+1", "segment": True,
             "choices": [{"code": "x", "label": "=cmd|' /C calc'!A0"}, {"code": "y", "label": "@SUM(A1)"}]},
            {"code": "other", "type": "single", "label": "Other",
             "choices": [{"code": "x", "label": "X"}, {"code": "y", "label": "Y"}]},
        ]}],
    }))
    version.survey.viewers.add(viewer)
    client.force_login(viewer)
    bulk_responses(version.survey, [{"pick": "x", "other": "x"}] * 5)
    rows = csv_tables(client.get("/results/formulas/questions/other/?format=csv"))["counts"]
    assert {r["column_label"] for r in rows} == {"Total", "'=cmd|' /C calc'!A0", "'@SUM(A1)"}
    sheets = _xlsx_sheets(client.get("/results/formulas/questions/other/?format=xlsx"))
    labels = {row[5] for row in sheets["counts"][1:]}
    assert labels == {"Total", "'=cmd|' /C calc'!A0", "'@SUM(A1)"}


def test_it_exports_the_crosstab_and_its_paired_test(results, demo_survey):
    bulk_responses(demo_survey, [leader_answers(role="it", twitter="never", company_twitter="some")] * 6)
    response = results.get(
        "/results/ddiq-2010/crosstab/?row=personal_use.twitter&col=company_usage.twitter&segment=role:it&format=csv"
    )
    tables = csv_tables(response)
    cell = next(r for r in tables["crosstab"] if (r["row_choice"], r["column_choice"]) == ("never", "some"))
    assert (cell["count"], cell["row_percent"], cell["total_percent_display"]) == ("6", "100.0", "100%")
    paired = {r["measure"]: r for r in tables["paired"]}
    assert paired["discordant_count"]["value"] == "6"
    assert paired["mcnemar_exact"]["value"] == "True"


def test_it_exports_the_overview_and_the_comparison(results, demo_survey):
    bulk_responses(demo_survey, [leader_answers(role="it", twitter="never")] * 5)
    tables = csv_tables(results.get("/results/ddiq-2010/?format=csv"))
    findings = {r["code"]: r for r in tables["findings"]}
    assert findings["it_never_twitter"]["headline"].startswith("100% of IT leaders never use Twitter")
    assert set(tables) == {"responses", "findings", "segments", "completions by day", "drop-off by page"}
    tests = csv_tables(results.get("/results/ddiq-2010/compare/?format=csv"))[""]
    assert "p_value" in tests[0]
