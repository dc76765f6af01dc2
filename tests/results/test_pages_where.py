"""Condition filters (`?where=`): checked with positioned errors, kept in the URL, applied to
every number of every results page and to the exports, and equal to the same condition
computed as a finding and in Python over the responses."""

import csv
import io
import random
from urllib.parse import parse_qs, urlencode

import pytest
from django.http import QueryDict

from analytics.condition_sql import meeting_responses_sql
from analytics.filters import Filters, filters_from_query, where_condition
from analytics.recompute import findings_counts
from core.sql import fetch
from responses.models import Response
from results.models import ExportRecord
from results.selectors import survey_findings
from surveys import conditions
from surveys.selectors import compiled_version
from tests.kit.data import bulk_responses
from tests.kit.demo import random_demo_answers
from tests.kit.exports import csv_tables
from tests.kit.results_pages import meeting as _meeting
from tests.kit.results_pages import results_url as _url

pytestmark = pytest.mark.django_db

IT = "role = it"
PARADOX = "personal_use.twitter = never and company_usage.twitter != none"


def _population(survey, n: int = 80, seed: int = 16) -> list[dict]:
    rng = random.Random(seed)
    sets = [random_demo_answers(rng) for _ in range(n)]
    bulk_responses(survey, sets)
    return sets




def _matrix_table(report, row: str):
    return next(t for t in report.tables if t.row is not None and t.row.code == row)


# --- checking and the URL ------------------------------------------------------------------


def test_it_shows_the_parsers_message_at_its_position_and_keeps_the_other_filters(results, demo_survey):
    _population(demo_survey, n=10)
    text = "role = it and company_usage.twiter = none"
    response = results.get(_url("questions/personal_use/", where=text, segment="role:it"))
    assert response.status_code == 200
    error = response.context["filters"].where_error
    assert error.position == text.index("twiter")
    assert error.reason == "unknown row 'twiter' in matrix question 'company_usage'"
    html = response.content.decode()
    assert error.message.replace("'", "&#x27;") in html
    assert 'class="where-caret-mark"' in html and " " * error.position + "^" in html
    assert f'value="{text}"' in html  # the box keeps the text to correct
    filters = response.context["filters"]
    assert filters.segment == ("role", "it") and filters.condition is None and filters.where == ""


@pytest.mark.parametrize("text", ["role = ", "role = it and (", "role == it", "nosuch = 1", "role = manager",
                                  "x" * 1001, "role = 'it\x00"])
def test_it_refuses_a_bad_condition_on_every_page_without_an_error_page(results, demo_survey, text):
    for path in ("", "questions/", "questions/barriers/", "compare/", "crosstab/"):
        response = results.get(_url(path, where=text, row="personal_use.twitter", col="company_usage.twitter"))
        assert response.status_code == 200, path
        assert response.context["filters"].where_error is not None


def test_it_round_trips_the_filters_through_the_query_string(demo_survey):
    compiled = compiled_version(demo_survey.open_version())
    questions = compiled.definition.condition_questions
    segments = {("role", "it"): "IT"}
    query = QueryDict(f"segment=role:it&from=2010-01-02&version=1&{urlencode({'where': PARADOX})}")
    filters = filters_from_query(query, segments=segments, versions={1}, questions=questions)
    assert filters.where == PARADOX and filters.where_error is None
    again = filters_from_query(QueryDict(filters.query()[1:]), segments=segments, versions={1}, questions=questions)
    assert again == filters and again.condition == filters.condition
    assert parse_qs(filters.query()[1:])["where"] == [PARADOX]


def test_it_points_at_the_unknown_question():
    node, error = where_condition("role = it or rolle = it", {})
    assert node is None and error.position == 0  # nothing may be named without questions
    assert error.caret_marker == "^"


# --- every page and export honours it ------------------------------------------------------


def test_it_filters_the_question_pages_by_the_condition(results, demo_survey):
    sets = _population(demo_survey)
    it = _meeting(sets, IT)
    report = results.get(_url("questions/barriers/", where=IT)).context["report"]
    table = report.tables[0]
    assert table.bases[0] == sum(1 for s in it if "barriers" in s)
    roi = next(line for line in table.lines if line.code == "roi")
    assert roi.cells[0].count == sum(1 for s in it if "roi" in s.get("barriers", []))
    everyone = results.get("/results/ddiq-2010/questions/barriers/").context["report"].tables[0]
    assert everyone.bases[0] == sum(1 for s in sets if "barriers" in s) > table.bases[0]

    reports = results.get(_url("questions/", where=IT)).context["reports"]
    personal = next(r for r in reports if r.code == "personal_use")
    assert _matrix_table(personal, "twitter").bases[0] == len(it)


def test_it_filters_text_answers_by_the_condition(results, demo_survey):
    sets = _population(demo_survey)
    wanted = _meeting(sets, "role = business")
    page = results.get(_url("questions/comments/", where="role = business")).context["report"]
    assert page.text.page.paginator.count == sum(1 for s in wanted if s.get("comments"))


def test_it_filters_the_overview_totals_daily_counts_and_segments(results, demo_survey):
    sets = _population(demo_survey)
    meeting = _meeting(sets, PARADOX)
    view = results.get(_url("", where=PARADOX)).context["view"]
    assert view.totals.complete == len(meeting)
    assert sum(n for _, n in view.daily) == len(meeting)
    it_row = next(row for row in view.segments if row.value.startswith("IT leader"))
    assert it_row.cell.count == sum(1 for s in meeting if s["role"] == "it")


def test_it_filters_the_comparison_and_the_crosstab(results, demo_survey):
    sets = _population(demo_survey)
    it = _meeting(sets, IT)
    tables = results.get(_url("compare/", where=IT)).context["tables"]
    industry = next(t for t in tables if t.question.code == "industry")
    assert industry.bases[0] == len(it)
    tab = results.get(_url("crosstab/", row="personal_use.twitter", col="company_usage.twitter", where=IT))
    assert tab.context["tab"].n == len(it)
    never_none = sum(
        1 for s in it if s["personal_use"]["twitter"] == "never" and s["company_usage"]["twitter"] == "none"
    )
    assert tab.context["tab"].counts.get(("never", "none"), 0) == never_none


def test_the_table_exports_carry_the_pages_filter(results, demo_survey):
    sets = _population(demo_survey)
    it = _meeting(sets, IT)
    rows = csv_tables(results.get(_url("questions/personal_use/", where=IT, format="csv")))["counts"]
    base = next(r["base"] for r in rows if (r["row"], r["column"]) == ("twitter", "total"))
    assert int(base) == len(it)
    page_links = results.get(_url("questions/", where=IT)).context["export_links"]
    assert "where=role+%3D+it" in page_links["csv"]


def test_the_raw_exports_carry_the_pages_filter(results, demo_survey):
    sets = _population(demo_survey, n=30)
    it = _meeting(sets, IT)
    page = results.get(_url("", where=IT)).content.decode()
    assert "/results/ddiq-2010/exports/?where=role+%3D+it" in page
    index = results.get("/results/ddiq-2010/exports/?" + urlencode({"where": IT}))
    assert 'name="where" value="role = it"' in index.content.decode()
    response = results.get("/results/ddiq-2010/exports/responses.csv?" + urlencode({"where": IT}))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) - 1 == len(it)
    role = rows[0].index("role")
    assert {r[role] for r in rows[1:]} == {"it"}
    assert ExportRecord.objects.get().parameters["where"] == IT
    refused = results.get("/results/ddiq-2010/exports/responses.csv?" + urlencode({"where": "role = nobody"}))
    assert refused.status_code == 400 and b"nobody" in refused.content


# --- honest numbers --------------------------------------------------------------------------


def test_the_filtered_page_equals_the_finding_and_a_python_recompute(results, demo_survey):
    """A finding "target among base" over everyone equals the page filtered by its base."""
    sets = _population(demo_survey, n=120, seed=3)
    finding = next(f for f in survey_findings(demo_survey).findings if f.code == "it_never_twitter")
    base, target = "role = it", "personal_use.twitter = never"
    report = results.get(_url("questions/personal_use/", where=base)).context["report"]
    twitter = _matrix_table(report, "twitter")
    never = next(line for line in twitter.lines if line.code == "never").cells[0]
    assert (never.count, never.base) == (finding.count, finding.base)
    it = _meeting(sets, base)
    assert (never.count, never.base) == (len(_meeting(it, target)), len(it))
    assert never.display == next(
        c.cell.display for c in results.get("/results/ddiq-2010/").context["view"].findings if c.code == finding.code
    )


def test_a_compound_filter_equals_findings_computed_with_it_as_their_base(results, demo_survey):
    sets = _population(demo_survey, n=100, seed=5)
    where = "role = it and not barriers has roi"
    compiled = [compiled_version(demo_survey.open_version())]

    class _Finding:  # findings_counts reads only the two conditions
        base_condition, target_condition = where, "company_usage.twitter = none"

    (base, target), = findings_counts([_Finding()], compiled, lambda _: ("r.is_test = false", []))
    table = _matrix_table(results.get(_url("questions/company_usage/", where=where)).context["report"], "twitter")
    cell = next(line for line in table.lines if line.code == "none").cells[0]
    assert (cell.count, cell.base) == (target, base) == (
        len(_meeting(_meeting(sets, where), "company_usage.twitter = none")), len(_meeting(sets, where))
    )


def test_a_version_without_a_named_question_has_nobody_meeting_it(demo_survey):
    sets = _population(demo_survey, n=20)
    compiled = [compiled_version(demo_survey.open_version())]
    sql, params = meeting_responses_sql(conditions.parse("not (role = it)"), compiled)
    assert len(fetch(sql, params)) == len(_meeting(sets, "not (role = it)"))
    # A question this version does not have: nobody meets its negation, rather than everybody.
    sql, params = meeting_responses_sql(conditions.parse("not (nosuch = it)"), compiled)
    assert fetch(sql, params) == []


def test_a_nul_in_the_filter_is_dropped_rather_than_sent_to_the_database(results, demo_survey):
    response = results.get(_url("questions/", where="role = it\x00"))
    assert response.status_code == 200 and response.context["filters"].where == IT


def test_the_live_refresh_of_a_filtered_page_keeps_the_filter(results, demo_survey):
    _population(demo_survey, n=5)
    html = results.get(_url("questions/", where=IT)).content.decode()
    assert 'hx-get="/results/ddiq-2010/questions/?where=role+%3D+it"' in html


def test_filters_compare_equal_with_the_same_condition():
    assert Filters(where=IT, condition=conditions.parse(IT)).params() == {"where": IT}


def test_it_filters_by_a_hidden_field(client, viewer):
    from surveys.definition_files import definition_from_data
    from surveys.services import survey_import
    from tests.kit.demo import fieldwork_data

    version, _ = survey_import(definition=definition_from_data(fieldwork_data()))
    survey = version.survey
    survey.viewers.add(viewer)
    client.force_login(viewer)
    rng = random.Random(9)
    sets = [random_demo_answers(rng) | {"seniority": "vp"} for _ in range(30)]
    responses = bulk_responses(survey, sets)
    sources = ["li", "tw", "mail", None] * 8
    for response, source in zip(responses, sources, strict=False):
        Response.objects.filter(pk=response.pk).update(hidden={"src": source} if source else {})
    view = client.get(_url("", where="src = li and role = it")).context["view"]
    expected = sum(1 for s, src in zip(sets, sources, strict=False) if src == "li" and s["role"] == "it")
    assert view.totals.complete == expected
    # A response that came without the field meets neither "= li" nor "!= li".
    view = client.get(_url("", where="src != li")).context["view"]
    assert view.totals.complete == sum(1 for src in sources[: len(sets)] if src not in ("li", None))
    assert client.get(_url("", where="src = web")).context["filters"].where_error.reason.startswith("'web'")


def test_the_xlsx_export_records_and_applies_the_filter(results, demo_survey):
    from results.exports.layout import record_rows

    sets = _population(demo_survey, n=20)
    response = results.post("/results/ddiq-2010/exports/xlsx/", {"where": "role = business", "version": "1"})
    assert response.status_code == 302
    record = ExportRecord.objects.get()
    assert record.parameters == {"version": 1, "where": "role = business"}
    _, responses = record_rows(record)
    assert responses.count() == len(_meeting(sets, "role = business"))
    assert results.post("/results/ddiq-2010/exports/xlsx/", {"where": "role ="}).status_code == 400
    assert ExportRecord.objects.count() == 1


@pytest.mark.parametrize("text", ["not barriers has roi", "barriers has roi or not (role = it)", "comments = 'x'"])
def test_a_negation_counts_those_who_did_not_answer(demo_survey, text):
    sets = _population(demo_survey, n=40, seed=11)
    sql, params = meeting_responses_sql(conditions.parse(text), [compiled_version(demo_survey.open_version())])
    assert len(fetch(sql, params)) == len(_meeting(sets, text))


@pytest.mark.parametrize("name", ["raw_sav", "raw_dta"])
def test_the_statistical_files_record_and_apply_the_filter(results, demo_survey, name):
    from django.urls import reverse

    from results.exports.layout import record_rows

    sets = _population(demo_survey, n=20)
    url = reverse(f"exports:{name}", args=[demo_survey.slug])
    assert results.post(url, {"where": "role = business"}).status_code == 302
    record = ExportRecord.objects.get()
    assert record.parameters["where"] == "role = business"
    _, responses = record_rows(record)
    assert responses.count() == len(_meeting(sets, "role = business"))
    assert results.post(url, {"where": "role ="}).status_code == 400
    assert ExportRecord.objects.count() == 1
