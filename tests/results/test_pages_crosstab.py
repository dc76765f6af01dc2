"""Crosstabs from the raw answers, and the paradox view with McNemar's test."""

import csv
import io
import random

import numpy as np
import pytest
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import proportion_confint

from tests.kit.data import bulk_responses
from tests.kit.demo import COMPANY_SCALE, PARADOX, PERSONAL_SCALE, random_demo_answers

pytestmark = pytest.mark.django_db


def _pairs(survey, pairs: list[tuple[str, str]], *, role: str = "it", seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    sets = [
        random_demo_answers(rng, role=role, twitter=personal, company_twitter=company) for personal, company in pairs
    ]
    bulk_responses(survey, sets)
    return sets


def test_it_crosses_two_matrix_rows_with_row_column_and_total_percentages(results, demo_survey):
    rng = random.Random(1)
    sets = [random_demo_answers(rng) for _ in range(120)]
    bulk_responses(demo_survey, sets)
    response = results.get("/results/ddiq-2010/crosstab/?row=personal_use.video&col=company_usage.blogs")
    tab = response.context["tab"]
    assert tab.n == 120
    for choice, cells, total in tab.grid:
        for column, cell in zip(COMPANY_SCALE, cells, strict=True):
            count = sum(
                1 for s in sets if s["personal_use"]["video"] == choice.code and s["company_usage"]["blogs"] == column
            )
            row_total = sum(1 for s in sets if s["personal_use"]["video"] == choice.code)
            column_total = sum(1 for s in sets if s["company_usage"]["blogs"] == column)
            assert cell.count == count
            assert cell.row.percent == pytest.approx(100 * count / row_total)
            assert cell.column.percent == pytest.approx(100 * count / column_total)
            assert cell.total.percent == pytest.approx(100 * count / 120)
        assert total.count == sum(1 for s in sets if s["personal_use"]["video"] == choice.code)
    assert [c.code for c in tab.row.choices] == list(PERSONAL_SCALE)


def test_it_crosses_within_a_segment(results, demo_survey):
    _pairs(demo_survey, [("never", "none")] * 6, role="it")
    _pairs(demo_survey, [("never", "none")] * 4, role="business", seed=1)
    tab = results.get(PARADOX).context["tab"]
    assert (tab.n, tab.counts) == (6, {("never", "none"): 6})


def test_it_crosses_single_choice_questions(results, demo_survey):
    rng = random.Random(2)
    sets = [random_demo_answers(rng) for _ in range(40)]
    bulk_responses(demo_survey, sets)
    tab = results.get("/results/ddiq-2010/crosstab/?row=seniority&col=revenue").context["tab"]
    expected = sum(1 for s in sets if (s["seniority"], s["revenue"]) == ("vp", "gt_10b"))
    assert tab.counts.get(("vp", "gt_10b"), 0) == expected
    assert tab.paired is None


def test_it_shows_the_paradox_cell_its_interval_and_bounds(results, demo_survey):
    # Of 40 IT leaders: 25 never use Twitter, 12 of those say their company uses it.
    pairs = [("never", "none")] * 13 + [("never", "some")] * 12 + [("daily", "none")] * 5 + [("daily", "some")] * 10
    _pairs(demo_survey, pairs)
    response = results.get(PARADOX)
    paired = response.context["tab"].paired
    assert paired.table == [[13, 12], [5, 10]]
    assert (paired.cell.count, paired.cell.base, paired.cell.display) == (12, 40, "30%")
    low, high = proportion_confint(12, 40, alpha=0.05, method="wilson")
    assert paired.cell.interval == pytest.approx((low, high), abs=1e-9)
    # a = 25 never, b = 22 whose company uses it: max(0, 25 + 22 - 40) = 7 <= 12 <= min(25, 22) = 22.
    assert paired.bounds == (7, 22)
    html = response.content.decode()
    assert "between 7 and 22" in html and f"95% CI {paired.cell.interval_display}" in html


@pytest.mark.parametrize(("discordant", "exact"), [(24, True), (25, False)])
def test_it_uses_the_exact_mcnemar_test_under_25_discordant_pairs(results, demo_survey, discordant, exact):
    b = 16
    c = discordant - b
    pairs = [("never", "some")] * b + [("daily", "none")] * c + [("never", "none")] * 10 + [("daily", "some")] * 20
    _pairs(demo_survey, pairs)
    response = results.get(PARADOX)
    test = response.context["tab"].paired.test
    oracle = mcnemar(np.array([[10, b], [c, 20]]), exact=exact, correction=False)
    assert test.exact is exact
    assert test.statistic == pytest.approx(oracle.statistic)
    assert test.p_value == pytest.approx(oracle.pvalue, rel=1e-9)
    label = "exact binomial McNemar test" if exact else "McNemar&#x27;s chi-square test"
    assert label.lower() in response.content.decode().lower()


def test_it_refuses_a_multiple_choice_question(results, demo_survey):
    response = results.get("/results/ddiq-2010/crosstab/?row=barriers&col=role")
    assert response.status_code == 400
    assert "not a single-choice question or a matrix row" in response.content.decode()


def test_it_asks_for_a_row_of_a_matrix(results, demo_survey):
    response = results.get("/results/ddiq-2010/crosstab/?row=personal_use&col=role")
    assert response.status_code == 400


def test_it_shows_the_choice_form_without_a_crosstab(results, demo_survey):
    response = results.get("/results/ddiq-2010/crosstab/")
    assert response.status_code == 200 and response.context["tab"] is None
    assert '<option value="personal_use.twitter"' in response.content.decode()


def test_it_suppresses_crosstab_cells_under_the_minimum_base(results, demo_survey):
    _pairs(demo_survey, [("never", "none")] * 4)
    html = results.get(PARADOX).content.decode()
    assert "n&lt;5" in html


def test_it_hides_the_cells_of_a_row_or_column_under_the_minimum_base_and_says_why(results, demo_survey):
    # 10 IT leaders: 7 never use Twitter (company: 4 none, 3 some), 3 use it daily (company: none).
    _pairs(demo_survey, [("never", "none")] * 4 + [("never", "some")] * 3 + [("daily", "none")] * 3)
    response = results.get(PARADOX)
    tab = response.context["tab"]
    grid = {choice.code: cells for choice, cells, _ in tab.grid}
    columns = [c.code for c in tab.column.choices]
    never, daily = grid["never"], grid["daily"]
    # Column "some" holds 3 respondents, row "daily" 3: their cells are hidden, "never × none" (4 of 7 and 7) shows.
    assert never[columns.index("none")].shown and never[columns.index("none")].count == 4
    assert not never[columns.index("some")].shown
    assert not daily[columns.index("none")].shown
    assert tab.suppressed
    html = response.content.decode()
    assert "not shown because its row or its column has fewer than 5 respondents" in html
    # Labels, not codes, where people read: the caption and the corner of the table.
    assert "personal_use.twitter \\" not in html and "personal_use.twitter by" not in html
    assert "max(0, a + b" not in html
    # The export hides the same cells.
    lines = csv.reader(io.StringIO(results.get(PARADOX + "&format=csv").content.decode()))
    rows = {(r[1], r[3]): r for r in lines if len(r) == 12}  # the crosstab's table
    assert rows[("never", "none")][4] == "4"
    assert rows[("never", "some")][4:7] == ["", "", "n<5"]
    assert rows[("daily", "none")][4:7] == ["", "", "n<5"]
