"""The app's own statistics against scipy and statsmodels, on many seeded random tables."""

import math
import random

import numpy as np
import pytest
from scipy import stats
from scipy.stats.contingency import association
from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar
from statsmodels.stats.proportion import proportions_ztest

from results import comparison


def _random_table(rng: random.Random, rows: int, cols: int, high: int) -> list[list[int]]:
    # Every margin positive: scipy refuses tables with an expected count of 0.
    while True:
        table = [[rng.randint(0, high) for _ in range(cols)] for _ in range(rows)]
        if all(sum(r) for r in table) and all(sum(c) for c in zip(*table, strict=True)):
            return table


def test_it_matches_the_chi_square_distribution_of_scipy():
    rng = random.Random(1)
    for _ in range(500):
        df = rng.randint(1, 60)
        x = rng.choice([rng.uniform(0, 3 * df), rng.uniform(0, 0.01), rng.uniform(3 * df, 10 * df + 50)])
        assert comparison.chi2_sf(x, df) == pytest.approx(stats.chi2.sf(x, df), rel=1e-9, abs=1e-300)


def test_it_matches_the_normal_distribution_of_scipy():
    for z in np.linspace(-8, 8, 161):
        assert comparison.normal_sf(z) == pytest.approx(stats.norm.sf(z), rel=1e-12)


def test_it_matches_scipy_chi_square_without_correction_on_random_tables():
    rng = random.Random(2)
    for _ in range(400):
        table = _random_table(rng, rng.randint(2, 6), rng.randint(2, 4), rng.choice([5, 40, 400]))
        statistic, df, p_value, min_expected = comparison.chi_square(table)
        oracle = stats.chi2_contingency(table, correction=False)
        assert statistic == pytest.approx(oracle.statistic, rel=1e-9)
        assert df == oracle.dof
        assert p_value == pytest.approx(oracle.pvalue, rel=1e-8, abs=1e-300)
        assert min_expected == pytest.approx(oracle.expected_freq.min(), rel=1e-12)


def test_it_matches_scipy_cramers_v_on_random_tables():
    rng = random.Random(3)
    for _ in range(300):
        table = _random_table(rng, rng.randint(2, 6), rng.randint(2, 4), 50)
        result = comparison.independence_test(table)
        assert result.cramers_v == pytest.approx(association(table, method="cramer", correction=False), rel=1e-9)


def test_it_matches_scipy_fisher_exact_on_random_2x2_tables():
    rng = random.Random(4)
    for _ in range(1000):
        table = _random_table(rng, 2, 2, rng.choice([3, 10, 60]))
        assert comparison.fisher_exact(table) == pytest.approx(stats.fisher_exact(table).pvalue, rel=1e-9)


def test_it_counts_tied_tables_as_extreme_in_fisher():
    # Symmetric margins: the mirror table is exactly as probable and belongs to the tail.
    assert comparison.fisher_exact([[3, 1], [1, 3]]) == pytest.approx(stats.fisher_exact([[3, 1], [1, 3]]).pvalue)


def test_it_uses_fisher_for_a_2x2_table_with_an_expected_count_under_5():
    result = comparison.independence_test([[1, 9], [8, 30]])
    assert result.method == "fisher"
    assert result.p_value == pytest.approx(stats.fisher_exact([[1, 9], [8, 30]]).pvalue)


def test_it_uses_chi_square_for_a_2x2_table_with_every_expected_count_at_least_5():
    result = comparison.independence_test([[10, 20], [30, 25]])
    assert result.method == "chi-square"
    assert result.p_value == pytest.approx(stats.chi2_contingency([[10, 20], [30, 25]], correction=False).pvalue)


def test_it_drops_all_zero_rows_before_testing():
    result = comparison.independence_test([[10, 20], [0, 0], [30, 25]])
    assert result.df == 1
    assert result.statistic == pytest.approx(stats.chi2_contingency([[10, 20], [30, 25]], correction=False).statistic)


def test_it_gives_no_test_for_a_table_with_one_non_empty_row():
    assert comparison.independence_test([[10, 20], [0, 0]]) is None


def test_it_matches_statsmodels_pooled_z_test_on_random_proportions():
    rng = random.Random(5)
    for _ in range(500):
        n1, n2 = rng.randint(1, 500), rng.randint(1, 500)
        k1, k2 = rng.randint(0, n1), rng.randint(0, n2)
        if (k1 + k2) in (0, n1 + n2):
            continue
        z, p = comparison.two_proportion_z(k1, n1, k2, n2)
        oracle_z, oracle_p = proportions_ztest([k1, k2], [n1, n2])
        assert z == pytest.approx(oracle_z, rel=1e-9, abs=1e-12)
        assert p == pytest.approx(oracle_p, rel=1e-9, abs=1e-300)


def test_it_marks_no_difference_at_a_base_of_29_and_does_at_30():
    assert not comparison.exceeds(29, 29, 0, 29)
    assert comparison.exceeds(30, 30, 0, 30)


def test_it_only_marks_the_higher_proportion():
    assert comparison.exceeds(25, 30, 5, 30)
    assert not comparison.exceeds(5, 30, 25, 30)


@pytest.mark.parametrize("exact", [True, False])
def test_it_matches_statsmodels_mcnemar_on_random_pairs(exact):
    rng = random.Random(6 if exact else 7)
    for _ in range(300):
        table = [[rng.randint(0, 80), rng.randint(0, 40)], [rng.randint(0, 40), rng.randint(0, 80)]]
        b, c = table[0][1], table[1][0]
        if b + c == 0:
            continue
        ours = comparison.mcnemar(b, c, exact=exact)
        oracle = sm_mcnemar(np.array(table), exact=exact, correction=False)
        assert ours.statistic == pytest.approx(oracle.statistic, rel=1e-12)
        assert ours.p_value == pytest.approx(oracle.pvalue, rel=1e-9)


def test_it_chooses_the_exact_mcnemar_test_under_25_discordant_pairs():
    assert comparison.mcnemar(10, 14).exact
    assert not comparison.mcnemar(10, 15).exact


def test_it_letters_columns_like_a_spreadsheet():
    assert [comparison.column_letter(i) for i in (0, 1, 25, 26, 27)] == ["A", "B", "Z", "AA", "AB"]


def test_it_bounds_a_cell_by_its_margins():
    assert comparison.cell_bounds(181, 164, 288) == (57, 164)
    assert comparison.cell_bounds(10, 5, 100) == (0, 5)


def test_it_keeps_tiny_p_values_positive():
    statistic, _, p_value, _ = comparison.chi_square([[500, 0], [0, 500]])
    assert math.isclose(statistic, 1000.0)
    assert p_value == pytest.approx(stats.chi2.sf(1000.0, 1), rel=1e-8)
    assert p_value > 0
