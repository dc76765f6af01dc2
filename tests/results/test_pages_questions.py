"""Question pages show the data set's numbers exactly: counts, bases, half-up percentages,
Wilson intervals, significance letters, tests and NETs, against statsmodels and scipy."""

import random
import re

import pytest
from scipy import stats
from scipy.stats.contingency import association
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from results.stats import percent_display
from tests.kit.data import bulk_responses
from tests.kit.demo import random_demo_answers

pytestmark = pytest.mark.django_db
IT, BUSINESS = ("role", "it"), ("role", "business")
COLUMNS = [("", ""), IT, BUSINESS]


def _population(survey, it: int, business: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    sets = [random_demo_answers(rng, role="it") for _ in range(it)]
    sets += [random_demo_answers(rng, role="business") for _ in range(business)]
    bulk_responses(survey, sets)
    return sets


def _oracle(sets: list[dict], code: str, choice: str, *, row: str = "", segment=("", "")) -> tuple[int, int]:
    """(count, base) computed from the answer sets themselves."""
    people = [s for s in sets if not segment[0] or s[segment[0]] == segment[1]]
    answered = [s[code][row] if row else s[code] for s in people if code in s]
    return sum(1 for value in answered if (choice in value if isinstance(value, list) else value == choice)), len(
        answered
    )


def _report(client, code: str, query: str = ""):
    response = client.get(f"/results/ddiq-2010/questions/{code}/{query}")
    assert response.status_code == 200
    return response.context["report"], response.content.decode()


def _line(table, code: str):
    return next(line for line in table.lines if line.code == code)


def test_it_shows_counts_bases_and_percentages_per_choice_and_segment(results, demo_survey):
    sets = _population(demo_survey, it=60, business=50)
    report, html = _report(results, "barriers")
    table = report.tables[0]
    assert [c.label for c in table.columns][0] == "Total"
    for choice in ("time_waster", "roi", "security", "monitoring", "policy", "no_barriers"):
        for cell, segment in zip(_line(table, choice).cells, COLUMNS, strict=True):
            count, base = _oracle(sets, "barriers", choice, segment=segment)
            assert (cell.count, cell.base) == (count, base)
            assert cell.percent == pytest.approx(100 * count / base, abs=1e-12)
            assert cell.display == percent_display(count, base)
            assert f'<span class="pct">{cell.display}</span>' in html


def test_it_shows_wilson_intervals_equal_to_statsmodels(results, demo_survey):
    _population(demo_survey, it=60, business=50)
    report, html = _report(results, "seniority")
    for line in report.tables[0].choice_lines:
        for cell in line.cells:
            low, high = proportion_confint(cell.count, cell.base, alpha=0.05, method="wilson")
            assert cell.interval == pytest.approx((low, high), abs=1e-9)
            assert cell.interval_display in html


def test_it_rounds_interval_ends_half_up(results, demo_survey):
    # 181 of 288: the Wilson interval is 57.27%–68.38%, shown 57–68%.
    sets = [
        random_demo_answers(random.Random(i), role="it", twitter="never" if i < 181 else "daily") for i in range(288)
    ]
    bulk_responses(demo_survey, sets)
    report, _ = _report(results, "personal_use")
    never = _line(report.tables[0], "never").cells[0]
    assert (never.count, never.base, never.display, never.interval_display) == (181, 288, "63%", "57–68%")


def test_it_letters_the_columns_a_cell_is_significantly_higher_than(results, demo_survey):
    rng = random.Random(7)
    twitter = ["never", "never", "monthly", "daily"]
    sets = [random_demo_answers(rng, role="it", twitter=rng.choice(twitter)) for _ in range(150)]
    sets += [random_demo_answers(rng, role="business") for _ in range(150)]
    bulk_responses(demo_survey, sets)
    report, html = _report(results, "personal_use")
    letters_seen = 0
    for table in report.tables:
        a, b = table.columns[1], table.columns[2]
        assert (a.letter, b.letter) == ("A", "B")
        for line in table.lines:
            it, business = line.cells[1], line.cells[2]
            _, p = proportions_ztest([it.count, business.count], [it.base, business.base])
            assert it.letters == ("B" if p < 0.05 and it.percent > business.percent else "")
            assert business.letters == ("A" if p < 0.05 and business.percent > it.percent else "")
            letters_seen += bool(it.letters or business.letters)
    assert letters_seen, "the seeded data set should have at least one significant difference"
    assert 'class="sig"' in html


def test_it_marks_a_clear_difference_with_the_other_columns_letter(results, demo_survey):
    rng = random.Random(3)
    sets = [random_demo_answers(rng, role="it", twitter="never" if i < 40 else "daily") for i in range(60)]
    sets += [random_demo_answers(rng, role="business", twitter="never" if i < 15 else "daily") for i in range(60)]
    bulk_responses(demo_survey, sets)
    report, html = _report(results, "personal_use")
    never = _line(report.tables[0], "never")
    assert (never.cells[1].letters, never.cells[2].letters) == ("B", "")
    assert '67%</span><sup class="sig"' in html


def test_it_tests_single_choice_questions_with_chi_square_without_correction(results, demo_survey):
    sets = _population(demo_survey, it=80, business=70, seed=11)
    report, html = _report(results, "seniority")
    choices = ["c_level", "vp", "director", "manager", "other"]
    table = [[_oracle(sets, "seniority", c, segment=s)[0] for s in (IT, BUSINESS)] for c in choices]
    table = [row for row in table if sum(row)]
    oracle = stats.chi2_contingency(table, correction=False)
    test = report.tables[0].tests[0].result
    assert test.method == "chi-square"
    assert test.statistic == pytest.approx(oracle.statistic, rel=1e-9)
    assert test.df == oracle.dof
    assert test.p_value == pytest.approx(oracle.pvalue, rel=1e-8)
    assert test.cramers_v == pytest.approx(association(table, method="cramer", correction=False), rel=1e-9)
    assert "Pearson&#x27;s chi-square test" in html or "Pearson's chi-square test" in html


def test_it_tests_matrix_rows_one_by_one(results, demo_survey):
    sets = _population(demo_survey, it=50, business=50, seed=5)
    report, _ = _report(results, "company_usage")
    for table in report.tables:
        counts = [
            [_oracle(sets, "company_usage", c, row=table.row.code, segment=s)[0] for s in (IT, BUSINESS)]
            for c in ("none", "experimenting", "some", "widespread")
        ]
        oracle = stats.chi2_contingency([r for r in counts if sum(r)], correction=False)
        assert table.tests[0].result.p_value == pytest.approx(oracle.pvalue, rel=1e-8)


def test_it_tests_multiple_choice_questions_choice_by_choice_with_fisher_when_sparse(results, demo_survey):
    rng = random.Random(9)
    sets = [
        random_demo_answers(rng, role="it") | {"barriers": ["policy", "roi"] if i < 3 else ["roi"]} for i in range(40)
    ]
    sets += [random_demo_answers(rng, role="business") | {"barriers": ["roi"]} for i in range(40)]
    bulk_responses(demo_survey, sets)
    report, _ = _report(results, "barriers")
    policy = _line(report.tables[0], "policy").tests["role"].result
    assert policy.method == "fisher"
    assert policy.p_value == pytest.approx(stats.fisher_exact([[3, 0], [37, 40]]).pvalue, rel=1e-9)
    assert report.tables[0].tests == []  # no whole-question test: several choices per respondent


def test_it_shows_the_nets_of_a_frequency_scale(results, demo_survey):
    sets = _population(demo_survey, it=40, business=40, seed=2)
    report, html = _report(results, "personal_use")
    twitter = report.tables[0]
    ever, weekly = _line(twitter, "net_ever"), _line(twitter, "net_weekly")
    assert (ever.label, weekly.label) == ("Ever", "Weekly or more")
    for i, segment in enumerate(COLUMNS):
        never, base = _oracle(sets, "personal_use", "never", row="twitter", segment=segment)
        assert (ever.cells[i].count, ever.cells[i].base) == (base - never, base)
        top = sum(_oracle(sets, "personal_use", c, row="twitter", segment=segment)[0] for c in ("weekly", "daily"))
        assert weekly.cells[i].count == top
    assert "NET: Ever" in html and "NET: Weekly or more" in html


def test_it_shows_uses_it_at_all_for_a_scale_starting_at_none(results, demo_survey):
    sets = _population(demo_survey, it=30, business=30)
    report, _ = _report(results, "company_usage")
    net = _line(report.tables[0], "net_any")
    none, base = _oracle(sets, "company_usage", "none", row="twitter")
    assert (net.label, net.cells[0].count) == ("Uses it at all", base - none)
    assert [line.code for line in report.tables[0].lines if line.net] == ["net_any"]


def test_it_draws_100_percent_stacked_bars_from_unrounded_percentages(results, demo_survey):
    sets = _population(demo_survey, it=7, business=0)
    _, html = _report(results, "personal_use")
    svg = re.search(r'<svg class="chart" id="chart-personal_use".*?</svg>', html, re.S).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="chart-personal_use-title"' in svg
    assert '<title id="chart-personal_use-title">' in svg
    widths = [float(w) for w in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="18"', svg)]
    per_row = [sum(1 for c in ("never", "less_monthly", "monthly", "weekly", "daily")
                   if _oracle(sets, "personal_use", c, row=r)[0]) for r in
               ("twitter", "facebook", "linkedin", "blogs", "video", "wikis", "communities")]
    assert len(widths) == sum(per_row)
    first = widths[: per_row[0]]
    assert sum(first) == pytest.approx(360, abs=0.05)  # a full bar: 100% of the row
    counts = [n for n in (_oracle(sets, "personal_use", c, row="twitter")[0]
                          for c in ("never", "less_monthly", "monthly", "weekly", "daily")) if n]
    assert first == pytest.approx([360 * n / 7 for n in counts], abs=0.006)


@pytest.mark.parametrize(("base", "shown"), [(4, False), (5, True)])
def test_it_hides_percentages_under_a_base_of_5(results, demo_survey, base, shown):
    sets = [random_demo_answers(random.Random(i), role="it", twitter="never") for i in range(base)]
    bulk_responses(demo_survey, sets)
    report, html = _report(results, "personal_use")
    cell = _line(report.tables[0], "never").cells[0]
    assert cell.shown is shown
    assert cell.display == ("100%" if shown else "n<5")
    assert cell.interval is None if not shown else cell.interval is not None
    assert ("n&lt;5" in html) is not shown


def test_it_takes_the_minimum_base_from_settings(results, demo_survey, settings):
    settings.MIN_BASE_FOR_PERCENT = 10
    bulk_responses(demo_survey, [random_demo_answers(random.Random(i), role="it") for i in range(9)])
    report, _ = _report(results, "seniority")
    assert _line(report.tables[0], "director").cells[0].display == "n<10"


@pytest.mark.parametrize(("base", "tested"), [(29, False), (30, True)])
def test_it_runs_no_test_under_a_base_of_30(results, demo_survey, base, tested):
    rng = random.Random(4)
    sets = [random_demo_answers(rng, role="it", twitter="never") for _ in range(base)]
    sets += [random_demo_answers(rng, role="business", twitter="daily") for _ in range(40)]
    bulk_responses(demo_survey, sets)
    report, html = _report(results, "personal_use")
    table = report.tables[0]
    assert (table.tests[0].result is not None) is tested
    assert (_line(table, "never").cells[1].letters == "B") is tested
    if not tested:
        assert "No test: a base is under 30." in html


@pytest.mark.parametrize(("base", "flagged"), [(99, True), (100, False)])
def test_it_flags_bases_under_100(results, demo_survey, base, flagged):
    bulk_responses(demo_survey, [random_demo_answers(random.Random(i), role="it") for i in range(base)])
    report, html = _report(results, "seniority")
    assert report.tables[0].base_flags[0] == (base, flagged)
    assert ("low base" in html) is flagged or base != 100  # the empty business column has no flag


def test_it_does_not_break_the_segment_question_down_by_itself(results, demo_survey):
    _population(demo_survey, it=10, business=10)
    report, _ = _report(results, "role")
    assert [c.label for c in report.tables[0].columns] == ["Total"]


def test_it_shows_every_question_on_one_page(results, demo_survey):
    _population(demo_survey, it=10, business=10)
    response = results.get("/results/ddiq-2010/questions/")
    codes = [r.code for r in response.context["reports"]]
    assert codes == ["role", "seniority", "industry", "revenue", "company_usage", "personal_use", "twitter_uses",
                     "barriers", "comments"]
    # Every question but the text one (the tables' SVGs, for their downloads, are ids "table-…").
    assert response.content.decode().count('<svg class="chart" id="chart-') == 8


def test_it_answers_404_for_an_unknown_question(results, demo_survey):
    assert results.get("/results/ddiq-2010/questions/nope/").status_code == 404
