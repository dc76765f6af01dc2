"""The crosstab offers hidden fields with `values` as variables (rows or columns, like a
segment question): its cells, percentages and totals equal a recount of what was
submitted, from the raw answers under every filter, and odd names are messages."""

import csv
import io
from urllib.parse import urlencode

import pytest

from tests.kit.counts import assert_counts_exact
from tests.kit.demo import panel_version
from tests.kit.hidden_segments import SOURCE_VALUES as FIELD_VALUES
from tests.kit.hidden_segments import source_completes

pytestmark = pytest.mark.django_db


@pytest.fixture
def given(client, results, demo_survey) -> list[dict]:
    panel_version()
    return source_completes(client)


def _tab(results, **params):
    response = results.get(f"/results/ddiq-2010/crosstab/?{urlencode(params)}")
    assert response.status_code == 200, response.context and response.context["error"]
    return response.context["tab"]


def _recount(given: list[dict], row: str, col: str) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for g in given:
        if g[row] is not None and g[col] is not None:
            counts[(g[row], g[col])] = counts.get((g[row], g[col]), 0) + 1
    return counts


def test_the_variable_lists_offer_a_hidden_field_with_values(results, given):
    response = results.get("/results/ddiq-2010/crosstab/")
    codes = [v.code for v in response.context["variables"]]
    assert "src" in codes and "rid" not in codes  # rid has no values: no segment
    assert response.content.decode().count('<option value="src">') == 2  # rows and columns


@pytest.mark.parametrize("params", [{}, {"from": "2000-01-01"}, {"where": "role in (it, business)"}])
@pytest.mark.parametrize(("row", "col"), [("src", "seniority"), ("role", "src"), ("src", "src")])
def test_a_hidden_field_crosses_as_rows_or_columns(results, demo_survey, given, row, col, params):
    assert_counts_exact(demo_survey)  # the count tables agree with a recompute
    tab = _tab(results, row=row, col=col, **params)
    expected = _recount(given, row, col)
    assert tab.counts == expected and tab.n == sum(expected.values())
    for choice, cells, total in tab.grid:
        assert total.count == sum(n for (r, _), n in expected.items() if r == choice.code)
        for column, cell in zip(tab.column.choices, cells, strict=True):
            count = expected.get((choice.code, column.code), 0)
            column_total = sum(n for (_, c), n in expected.items() if c == column.code)
            assert cell.count == count
            assert cell.row.base == total.count and cell.column.base == column_total
            if total.count and not cell.row.suppressed:
                assert cell.row.percent == pytest.approx(100 * count / total.count)
            if column_total and not cell.column.suppressed:
                assert cell.column.percent == pytest.approx(100 * count / column_total)
    if row == "src":
        assert [c.code for c in tab.row.choices] == list(FIELD_VALUES)
        assert [c.label for c in tab.row.choices] == [f"src = {v}" for v in FIELD_VALUES]


def test_a_hidden_field_crosses_within_a_segment_of_itself(results, given):
    tab = _tab(results, row="src", col="role", segment="src:li")
    assert tab.counts == _recount([g for g in given if g["src"] == "li"], "src", "role")


def test_the_export_has_the_hidden_fields_values(results, given):
    response = results.get("/results/ddiq-2010/crosstab/?row=src&col=role&format=csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {(r["row_variable"], r["row_choice"]) for r in rows} == {("src", v) for v in FIELD_VALUES}
    assert {r["n"] for r in rows} == {str(sum(1 for g in given if g["src"]))}


@pytest.mark.parametrize(("row", "message"), [
    ("rid", "No question or hidden field with values 'rid'."),
    ("src.li", "'src' is a hidden field: it has no rows."),
    ("web", "No question or hidden field with values 'web'."),
])
def test_odd_names_are_messages(results, given, row, message):
    response = results.get(f"/results/ddiq-2010/crosstab/?{urlencode({'row': row, 'col': 'role'})}")
    assert response.status_code == 400
    assert response.context["error"] == message
