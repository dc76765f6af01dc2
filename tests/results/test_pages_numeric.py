"""Numeric and rating questions: n, mean, median, quartiles (numpy's default percentile),
histograms and the NPS, from the NumberCount table."""

import random

import numpy as np
import pytest

from surveys.definition_files import definition_from_data
from surveys.services import survey_import
from tests.kit.data import bulk_responses

pytestmark = pytest.mark.django_db


@pytest.fixture
def numbers_survey(db):
    version, _ = survey_import(definition=definition_from_data({
        "slug": "scores", "title": "Scores", "status": "open",
        "pages": [{"questions": [
            {"code": "team", "type": "single", "label": "Team", "segment": True, "required": True,
             "choices": [{"code": "a", "label": "Team A"}, {"code": "b", "label": "Team B"}]},
            {"code": "score", "type": "rating", "label": "How likely are you to recommend us?"},
            {"code": "age", "type": "integer", "label": "Age", "min": 18, "max": 99},
            {"code": "hours", "type": "decimal", "label": "Hours per week"},
        ]}],
    }))
    return version.survey


@pytest.fixture
def results(client, viewer, numbers_survey):
    """bob's client on the numbers survey's results (instead of the demo's)."""
    numbers_survey.viewers.add(viewer)
    client.force_login(viewer)
    return client


def _population(survey, n: int = 83, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    sets = [
        {"team": rng.choice("ab"), "score": rng.choice([0, 3, 6, 7, 8, 9, 9, 10, 10]), "age": rng.randint(18, 70),
         "hours": f"{rng.randint(0, 400) / 8}"}
        for _ in range(n)
    ]
    bulk_responses(survey, sets)
    return sets


def _numeric(client, code: str, query: str = ""):
    response = client.get(f"/results/scores/questions/{code}/{query}")
    assert response.status_code == 200
    return response.context["report"].numeric, response.content.decode()


@pytest.mark.parametrize("code", ["age", "hours", "score"])
def test_it_summarises_numbers_like_numpy(results, numbers_survey, code):
    sets = _population(numbers_survey)
    numeric, _ = _numeric(results, code)
    for summary, team in zip(numeric.summaries, (None, "a", "b"), strict=True):
        values = np.array([float(s[code]) for s in sets if team is None or s["team"] == team])
        assert summary.n == len(values)
        assert summary.mean == pytest.approx(values.mean(), rel=1e-12)
        assert summary.median == pytest.approx(np.median(values), rel=1e-12)
        assert summary.q1 == pytest.approx(np.percentile(values, 25), rel=1e-12)
        assert summary.q3 == pytest.approx(np.percentile(values, 75), rel=1e-12)
        assert (summary.minimum, summary.maximum) == (values.min(), values.max())


@pytest.mark.parametrize("n", [1, 2, 4, 7, 10])
def test_it_interpolates_quartiles_at_small_n_like_numpy(results, numbers_survey, settings, n):
    settings.MIN_BASE_FOR_PERCENT = 1
    ages = [18, 25, 31, 31, 40, 52, 60, 61, 70, 99][:n]
    bulk_responses(numbers_survey, [{"team": "a", "age": a} for a in ages])
    summary = _numeric(results, "age")[0].summaries[0]
    assert (summary.q1, summary.median, summary.q3) == pytest.approx(
        (np.percentile(ages, 25), np.median(ages), np.percentile(ages, 75)), rel=1e-12
    )


def test_it_computes_the_nps(results, numbers_survey):
    sets = _population(numbers_survey)
    numeric, html = _numeric(results, "score")
    scores = [s["score"] for s in sets]
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    total = numeric.nps[0]
    assert (total.promoters.count, total.passives.count, total.detractors.count) == (
        promoters, len(scores) - promoters - detractors, detractors
    )
    assert total.score == pytest.approx(100 * (promoters - detractors) / len(scores), abs=1e-12)
    assert f'<span class="pct nps">{total.display}</span>' in html


def test_it_rounds_a_half_nps_away_from_zero(results, numbers_survey):
    # 3 promoters, 1 passive, 4 detractors of 8: 37.5% - 50% = -12.5 points, shown -13.
    bulk_responses(numbers_survey, [{"team": "a", "score": s} for s in (10, 9, 9, 8, 0, 1, 2, 3)])
    numeric, _ = _numeric(results, "score")
    assert (numeric.nps[0].score, numeric.nps[0].display) == (-12.5, "-13")


def test_it_draws_a_histogram_bar_per_rating_value(results, numbers_survey):
    sets = _population(numbers_survey)
    numeric, html = _numeric(results, "score")
    assert [b.label for b in numeric.bins] == [str(v) for v in range(11)]
    assert [b.cell.count for b in numeric.bins] == [sum(1 for s in sets if s["score"] == v) for v in range(11)]
    assert 'id="chart-score" role="img"' in html


def test_it_bins_many_distinct_values_in_ten_equal_bins(results, numbers_survey):
    sets = _population(numbers_survey, n=150)
    numeric, _ = _numeric(results, "age")
    assert len(numeric.bins) == 10
    assert sum(b.cell.count for b in numeric.bins) == len(sets)


def test_it_hides_numeric_summaries_under_the_minimum_base(results, numbers_survey):
    bulk_responses(numbers_survey, [{"team": "a", "age": a} for a in (20, 30, 40, 50)])
    numeric, html = _numeric(results, "age")
    assert not numeric.summaries[0].shown and numeric.bins == []
    assert "n&lt;5" in html and ">35.0<" not in html
