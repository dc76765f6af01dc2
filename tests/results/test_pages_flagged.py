"""Data-quality flags as a results filter (`?where=not flagged`, `flagged(speeder)`): checked
like any condition, applied to every results page, its exports and its saved filters, and
equal to the same filter evaluated in Python over the responses and their flags."""

import csv
import io
import random
from urllib.parse import urlencode

import pytest

from analytics.condition_sql import meeting_responses_sql
from analytics.filters import where_condition
from core.sql import fetch
from responses.models import Response
from results.models import SavedFilter
from surveys import conditions
from surveys.selectors import compiled_version
from tests.kit.data import bulk_responses
from tests.kit.demo import random_demo_answers
from tests.kit.results_pages import meeting as _meeting
from tests.kit.results_pages import results_url as _url

pytestmark = pytest.mark.django_db

# A flag set per respondent, in turn: most unflagged, some with one flag, one with two.
FLAG_SETS = [[], [], ["speeder"], [], ["straight_liner"], ["speeder", "bot"], [], ["duplicate"]]


def _population(survey, n: int = 80, seed: int = 21) -> list[dict]:
    """`n` counted completes with flags; each answer set carries its flags under
    `conditions.FLAGS_KEY`, as `conditions.evaluate` reads them."""
    rng = random.Random(seed)
    sets = [random_demo_answers(rng) for _ in range(n)]
    responses = bulk_responses(survey, sets)
    for i, (response, answers) in enumerate(zip(responses, sets, strict=True)):
        flags = FLAG_SETS[i % len(FLAG_SETS)]
        if flags:
            Response.objects.filter(pk=response.pk).update(flags=flags)
        answers[conditions.FLAGS_KEY] = flags
    return sets




# --- the language --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["flagged", "not flagged", "flagged(speeder)", "flagged(speeder, bot) and role = it"])
def test_the_predicate_prints_as_it_parses(text):
    node = conditions.parse(text)
    assert conditions.to_text(node) == text and conditions.parse(conditions.to_text(node)) == node


def test_a_question_coded_flagged_is_still_named_as_before():
    assert conditions.parse("flagged = yes") == conditions.Compare(conditions.Ref("flagged"), "=", "yes")
    assert isinstance(conditions.parse("flagged has x"), conditions.Has)
    assert isinstance(conditions.parse("flagged not in (a)"), conditions.In)


def test_only_a_results_filter_may_test_flags(demo_survey):
    questions = compiled_version(demo_survey.open_version()).definition.condition_questions
    with pytest.raises(conditions.ConditionError, match="only be used in a results filter"):
        conditions.check(conditions.parse("role = it and flagged"), questions)
    node, error = where_condition("role = it and flagged(speedr)", questions)
    assert node is None and error.position == len("role = it and ")
    assert error.reason.startswith("unknown flag 'speedr' (straight_liner, bot,")


@pytest.mark.parametrize("text", ["flagged(", "flagged()", "flagged(speeder", "flagged(nosuch)", "flagged(1.5)"])
def test_a_bad_flag_test_is_a_message_on_every_page(results, demo_survey, text):
    for path in ("", "questions/", "questions/barriers/", "compare/", "crosstab/"):
        response = results.get(_url(path, where=text, row="personal_use.twitter", col="company_usage.twitter"))
        assert response.status_code == 200, path
        assert response.context["filters"].where_error is not None, path
    refused = results.get("/results/ddiq-2010/exports/responses.csv?" + urlencode({"where": text}))
    assert refused.status_code == 400


# --- honest numbers on every page ------------------------------------------------------------


@pytest.mark.parametrize("text", ["flagged", "not flagged", "flagged(speeder)", "flagged(straight_liner, duplicate)",
                                  "not flagged(speeder) and role = it", "flagged or barriers has roi"])
def test_the_sql_meets_the_responses_python_meets(demo_survey, text):
    sets = _population(demo_survey, n=40)
    sql, params = meeting_responses_sql(conditions.parse(text), [compiled_version(demo_survey.open_version())])
    assert len(fetch(sql, params)) == len(_meeting(sets, text)) > 0


def test_the_overview_counts_only_the_unflagged(results, demo_survey):
    sets = _population(demo_survey)
    clean = _meeting(sets, "not flagged")
    view = results.get(_url("", where="not flagged")).context["view"]
    assert view.totals.complete == len(clean) < len(sets)
    assert sum(n for _, n in view.daily) == len(clean)
    it_row = next(row for row in view.segments if row.value.startswith("IT leader"))
    assert it_row.cell.count == sum(1 for s in clean if s["role"] == "it")


def test_the_question_pages_count_only_those_with_the_flag(results, demo_survey):
    sets = _population(demo_survey)
    speeders = _meeting(sets, "flagged(speeder)")
    table = results.get(_url("questions/barriers/", where="flagged(speeder)")).context["report"].tables[0]
    assert table.bases[0] == sum(1 for s in speeders if "barriers" in s)
    roi = next(line for line in table.lines if line.code == "roi")
    assert roi.cells[0].count == sum(1 for s in speeders if "roi" in s.get("barriers", []))
    comments = results.get(_url("questions/comments/", where="flagged(speeder)")).context["report"]
    assert comments.text.page.paginator.count == sum(1 for s in speeders if s.get("comments"))


def test_the_comparison_and_the_crosstab_count_only_the_unflagged(results, demo_survey):
    sets = _population(demo_survey)
    clean = _meeting(sets, "not flagged")
    tables = results.get(_url("compare/", where="not flagged")).context["tables"]
    assert next(t for t in tables if t.question.code == "industry").bases[0] == len(clean)
    tab = results.get(_url("crosstab/", row="personal_use.twitter", col="company_usage.twitter", where="not flagged"))
    assert tab.context["tab"].n == len(clean)
    never_none = sum(
        1 for s in clean if s["personal_use"]["twitter"] == "never" and s["company_usage"]["twitter"] == "none"
    )
    assert tab.context["tab"].counts.get(("never", "none"), 0) == never_none


def test_the_raw_export_takes_only_the_unflagged(results, demo_survey):
    sets = _population(demo_survey, n=30)
    response = results.get("/results/ddiq-2010/exports/responses.csv?" + urlencode({"where": "not flagged"}))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) - 1 == len(_meeting(sets, "not flagged"))


def test_a_saved_filter_keeps_the_flag_test(results, demo_survey):
    _population(demo_survey, n=10)
    page = _url("questions/", where="not flagged and role = it")
    response = results.post("/results/ddiq-2010/filters/save/",
                            {"name": "Clean IT", "where": "not flagged and role = it", "next": page})
    assert response.status_code == 302
    assert SavedFilter.objects.get().condition == "not flagged and role = it"
    link = results.get("/results/ddiq-2010/").context["saved_filters"][0]
    assert link["query"] == "?where=not+flagged+and+role+%3D+it"


def test_the_overviews_flag_counts_link_to_the_filter(results, demo_survey):
    _population(demo_survey, n=16)
    html = results.get("/results/ddiq-2010/").content.decode()
    assert 'href="?where=flagged%28speeder%29"' in html
    assert 'href="?where=not+flagged"' in html
