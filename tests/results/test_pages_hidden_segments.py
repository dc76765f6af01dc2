"""A hidden field declared with `values` as a results segment: a column per value on the
question and comparison pages, a choice of the segment filter, and the same numbers from
the count tables and from the raw answers (a date range or a condition), equal to a count
of the responses."""

import pytest

from tests.kit.demo import panel_version
from tests.kit.hidden_segments import source_completes
from tests.kit.results_pages import results_url as _url

pytestmark = pytest.mark.django_db


@pytest.fixture
def given(client, results, demo_survey) -> list[tuple[str, str | None]]:
    """(role, source) of 20 counted API completes of the panel version."""
    panel_version()
    return [(g["role"], g["src"]) for g in source_completes(client)]


def _column(table, key: tuple[str, str]) -> int:
    return next(i for i, column in enumerate(table.columns) if column.key == key)


@pytest.mark.parametrize("params", [{}, {"from": "2000-01-01"}, {"where": "role in (it, business)"}])
def test_a_question_page_has_a_column_per_value(results, given, params):
    """From the count tables, and from the raw answers (a date range, a condition), alike."""
    table = results.get(_url("questions/role/", **params)).context["report"].tables[0]
    for source in ("li", "tw", "mail"):
        i = _column(table, ("src", source))
        assert table.columns[i].label == f"src = {source}" and table.columns[i].group == "src"
        assert table.bases[i] == sum(1 for _, s in given if s == source)
        it = next(line for line in table.lines if line.code == "it").cells[i]
        assert it.count == sum(1 for r, s in given if (r, s) == ("it", source))


@pytest.mark.parametrize("params", [{}, {"from": "2000-01-01"}, {"where": "role = it"}])
def test_the_segment_filter_takes_a_hidden_value(results, given, params):
    response = results.get(_url("", segment="src:li", **params))
    assert response.context["filters"].segment == ("src", "li")
    wanted = [r for r, s in given if s == "li" and (params.get("where") != "role = it" or r == "it")]
    assert response.context["view"].totals.complete == len(wanted)
    assert sum(n for _, n in response.context["view"].daily) == len(wanted)
    assert '<option value="src:li" selected>src = li</option>' in response.content.decode()
    table = results.get(_url("questions/role/", segment="src:li", **params)).context["report"].tables[0]
    assert [c.key for c in table.columns] == [("src", "li")] and table.bases[0] == len(wanted)


def test_the_comparison_and_the_crosstab_take_the_hidden_segment(results, given):
    tables = results.get("/results/ddiq-2010/compare/").context["tables"]
    industry = next(t for t in tables if t.question.code == "industry")
    assert industry.bases[_column(industry, ("src", "tw"))] == sum(1 for _, s in given if s == "tw")
    tab = results.get(_url("crosstab/", row="role", col="seniority", segment="src:mail")).context["tab"]
    assert tab.n == sum(1 for _, s in given if s == "mail")


def test_an_unknown_hidden_value_is_a_message(results, given):
    response = results.get(_url("questions/", segment="src:web"))
    assert response.status_code == 200
    assert response.context["filters"].errors == ("Unknown segment 'src:web': showing all respondents.",)
