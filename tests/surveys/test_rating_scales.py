"""Rating scales beyond 0–10: a 1–5 or 1–7 scale (min and max), labelled ends, shown as
numbers or stars; validated with error codes, round-tripped through YAML and the database,
counted incrementally exactly as the full recompute counts, reported with the NPS on 0–10
only and the mean's 95% interval on the others, and described by the API."""

import json
import math
import random
import uuid
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from analytics.counting import response_count
from analytics.models import COUNT_TABLES, NumberCount, SurveyCounter
from responses.models import Response, UncountedResponse
from responses.moderation import response_delete, response_exclude, response_restore
from responses.services import response_submit
from results.stats import t_quantile_975
from surveys.definition import QuestionDef
from surveys.definition_files import DefinitionError, definition_from_data, definition_from_yaml, definition_to_yaml
from surveys.selectors import version_definition
from surveys.services import survey_import
from surveys.types import Invalid, question_type
from tests.kit.counts import assert_counts_exact
from tests.kit.demo import DEMO_FILE

RATING = question_type("rating")


def _survey_data(**questions) -> dict:
    """A one-page survey: a segment (team) and the given rating questions by code."""
    return {
        "slug": "scales", "title": "Scales", "status": "open",
        "pages": [{"questions": [
            {"code": "team", "type": "single", "label": "Team", "segment": True, "required": True,
             "choices": [{"code": "a", "label": "Team A"}, {"code": "b", "label": "Team B"}]},
            *({"code": code, "type": "rating", "label": f"Rate {code}", **settings}
              for code, settings in questions.items()),
        ]}],
    }


SCALES = {
    "stars": {"min": 1, "max": 5, "display": "stars", "low_label": "Very poor", "high_label": "Excellent"},
    "seven": {"min": 1, "max": 7, "low_label": "Strongly disagree", "high_label": "Strongly agree"},
    "nps": {"low_label": "Not at all likely", "high_label": "Extremely likely"},
}


@pytest.fixture
def scales_survey(db):
    version, _ = survey_import(definition=definition_from_data(_survey_data(**SCALES)))
    return version.survey


def _question(**settings) -> QuestionDef:
    return QuestionDef(code="q", type="rating", label="Rate it", **settings)


# --- The type: scale, cleaning, error codes ------------------------------------------------


def test_it_keeps_0_to_10_when_a_rating_sets_no_range():
    question = _question()
    assert RATING.scale(question) == (0, 10) and RATING.display(question) == "numbers"
    assert RATING.shows_nps(question)


@pytest.mark.parametrize(("low", "high"), [(1, 5), (1, 7)])
def test_it_accepts_every_point_of_a_scale_and_nothing_outside(low, high):
    question = _question(min_value=Decimal(low), max_value=Decimal(high))
    assert [RATING.clean(question, n) for n in range(low, high + 1)] == list(range(low, high + 1))
    assert RATING.clean(question, str(high)) == high
    for outside in (low - 1, high + 1, 2.5, "3.5"):
        with pytest.raises(Invalid) as refused:
            RATING.clean(question, outside)
        assert refused.value.message == f"Choose a rating from {low} to {high}."
        assert refused.value.message.code == "out_of_range"
        assert refused.value.message.params == {"low": low, "high": high}
    assert not RATING.shows_nps(question)


def test_it_gives_the_t_quantile_within_a_thousandth_of_scipy():
    for df in (1, 2, 3, 4, 5, 8, 20, 100, 1000):
        assert t_quantile_975(df) == pytest.approx(scipy_stats.t.ppf(0.975, df), abs=1e-3)


# --- The definition file ----------------------------------------------------------------


def _refusals(**settings) -> list[str]:
    with pytest.raises(DefinitionError) as refused:
        definition_from_data(_survey_data(q=settings))
    return refused.value.errors


@pytest.mark.parametrize(("scale_settings", "error"), [
    ({"min": 1, "max": 10}, "pages[0].questions[1]: a rating scale runs 0–10, 1–5, 1–7, not 1–10"),
    ({"max": 5}, "pages[0].questions[1]: a rating scale runs 0–10, 1–5, 1–7, not 0–5"),
    ({"min": 2, "max": 6}, "pages[0].questions[1]: a rating scale runs 0–10, 1–5, 1–7, not 2–6"),
    ({"min": 1, "max": 4.5}, "pages[0].questions[1].max: a rating question needs whole-number bounds"),
    ({"display": "smileys"}, "pages[0].questions[1].display: expected numbers or stars, got 'smileys'"),
    ({"display": "stars"},
     "pages[0].questions[1].display: stars need a scale that starts at 1 (one star per point), not 0–10"),
    ({"low_label": "x" * 201}, "pages[0].questions[1].low_label: at most 200 characters"),
])
def test_it_refuses_a_scale_it_does_not_have_with_its_place(scale_settings, error):
    assert _refusals(**scale_settings) == [error]


def test_it_refuses_scale_settings_on_another_type():
    data = _survey_data()
    data["pages"][0]["questions"].append(
        {"code": "age", "type": "integer", "label": "Age", "low_label": "Young", "display": "stars"})
    with pytest.raises(DefinitionError) as refused:
        definition_from_data(data)
    assert refused.value.errors == [
        "pages[0].questions[1].low_label: end labels apply to rating questions, not integer",
        "pages[0].questions[1].display: display applies to rating questions, not integer",
    ]


def test_it_round_trips_scales_through_yaml_and_the_database(scales_survey):
    text = definition_to_yaml(definition_from_data(_survey_data(**SCALES)))
    assert "display: stars" in text and "low_label: Very poor" in text
    assert definition_to_yaml(definition_from_yaml(text)) == text
    stored = version_definition(scales_survey.open_version())
    assert definition_to_yaml(stored) == text
    stars = stored.questions["stars"]
    assert (stars.scale, stars.scale_display, stars.low_label, stars.high_label) == (
        (1, 5), "stars", "Very poor", "Excellent")
    assert stored.questions["nps"].scale == (0, 10)


def test_it_writes_the_demo_file_unchanged(demo_definition):
    assert definition_to_yaml(demo_definition) == DEMO_FILE.read_text()


# --- Counting: incremental = recompute -------------------------------------------------


def _submit(survey, answers):
    result = response_submit(survey=survey, version=survey.open_version(), submission_id=uuid.uuid4(),
                             answers=answers)
    assert result.ok, result.errors
    return result.response


def test_it_counts_1_to_5_and_1_to_7_incrementally_as_the_recompute_does(scales_survey):
    rng = random.Random(14)
    responses = []
    for _ in range(40):
        answers = {"team": rng.choice("ab"), "stars": rng.randint(1, 5), "seven": rng.randint(1, 7)}
        if rng.random() < 0.2:
            del answers["seven"]  # optional: left out of its base
        responses.append(_submit(scales_survey, answers))
    for response in responses[:30]:
        assert response_count(response.pk)
    response_exclude(response=responses[3], reason="a test")
    response_exclude(response=responses[35], reason="a test")  # not counted yet
    for response in responses[30:]:
        response_count(response.pk)
    response_restore(response=responses[3])
    assert_counts_exact(scales_survey)
    question = scales_survey.open_version().questions.get(code="stars")
    values = {row.value for row in NumberCount.objects.filter(question_id=question.pk)}
    assert values <= {Decimal(n) for n in range(1, 6)}


_steps = st.lists(
    st.one_of(
        st.tuples(st.just("submit"), st.sampled_from("ab"), st.integers(1, 5), st.none() | st.integers(1, 7)),
        st.tuples(st.just("count"), st.integers(0, 30)),
        st.tuples(st.just("exclude"), st.integers(0, 30)),
        st.tuples(st.just("restore"), st.integers(0, 30)),
        st.tuples(st.just("delete"), st.integers(0, 30)),
    ),
    max_size=20,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(steps=_steps)
def test_it_counts_1_to_5_and_1_to_7_as_the_recompute_does_in_any_interleaving(scales_survey, steps):
    Response.objects.filter(survey=scales_survey).delete()
    for model in (*(model for model, _ in COUNT_TABLES.values()), SurveyCounter):
        model.objects.all().delete()
    made: list[Response] = []
    for kind, *args in steps:
        if kind == "submit":
            team, stars, seven = args
            made.append(_submit(scales_survey, {"team": team, "stars": stars,
                                                **({"seven": seven} if seven is not None else {})}))
            continue
        if not made:
            continue
        pick = made[args[0] % len(made)]
        excluded = Response.objects.filter(pk=pick.pk, excluded_at__isnull=False).exists()
        if kind == "count":
            response_count(pick.pk)
        elif kind == "exclude" and not excluded:
            response_exclude(response=pick, reason="property test")
        elif kind == "restore" and excluded:
            response_restore(response=pick)
        elif kind == "delete":
            response_delete(response=pick)
            made.remove(pick)
    for response_id in list(UncountedResponse.objects.values_list("response_id", flat=True)):
        response_count(response_id)
    assert_counts_exact(scales_survey)


# --- Results: the NPS on 0–10 only, the mean's interval on the others --------------------


@pytest.fixture
def results(client, viewer, scales_survey):
    scales_survey.viewers.add(viewer)
    client.force_login(viewer)
    return client


def _population(survey, n: int = 60) -> list[dict]:
    rng = random.Random(5)
    sets = [{"team": rng.choice("ab"), "stars": rng.choice([1, 2, 4, 4, 5, 5]), "seven": rng.randint(1, 7),
             "nps": rng.randint(0, 10)} for _ in range(n)]
    for answers in sets:
        response_count(_submit(survey, answers).pk)
    return sets


def _numeric(client, code):
    response = client.get(f"/results/scales/questions/{code}/")
    assert response.status_code == 200
    return response.context["report"].numeric, response.content.decode()


@pytest.mark.parametrize(("code", "points"), [("stars", 5), ("seven", 7)])
def test_it_shows_the_mean_with_its_interval_and_no_nps_off_0_to_10(results, scales_survey, code, points):
    sets = _population(scales_survey)
    numeric, html = _numeric(results, code)
    assert numeric.nps is None and "Net Promoter Score" not in html
    values = [s[code] for s in sets]
    n, mean = len(values), sum(values) / len(values)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    low, high = scipy_stats.t.interval(0.95, n - 1, loc=mean, scale=sd / math.sqrt(n))
    total = numeric.summaries[0]
    assert total.interval == pytest.approx((low, high), abs=1e-3)
    assert f'<td class="mean-interval">{total.interval_display}</td>' in html
    # The distribution: a bar per point of the scale, empty points too.
    assert [b.label for b in numeric.bins] == [str(v) for v in range(1, points + 1)]
    assert [b.cell.count for b in numeric.bins] == [values.count(v) for v in range(1, points + 1)]


def test_it_shows_the_nps_on_0_to_10_and_no_interval(results, scales_survey):
    sets = _population(scales_survey)
    numeric, html = _numeric(results, "nps")
    scores = [s["nps"] for s in sets]
    promoters, detractors = sum(s >= 9 for s in scores), sum(s <= 6 for s in scores)
    assert numeric.nps[0].score == pytest.approx(100 * (promoters - detractors) / len(scores))
    assert not numeric.mean_intervals and "mean-interval" not in html


def test_it_exports_the_mean_interval_of_a_1_to_5_scale(results, scales_survey):
    _population(scales_survey)
    numeric, _ = _numeric(results, "stars")
    low, high = numeric.summaries[0].interval
    response = results.get("/results/scales/questions/stars/?format=csv")
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert any(",mean_ci_low," in line and f",{low!r}," in line for line in lines)
    assert any(",mean_ci_high," in line and f",{high!r}," in line for line in lines)
    assert not any(",nps," in line for line in lines)


# --- The API ----------------------------------------------------------------------------


def _post(client, answers):
    payload = {"submission_id": str(uuid.uuid4()), "answers": answers}
    return client.post("/api/v1/surveys/scales/responses/", data=json.dumps(payload),
                       content_type="application/json")


def test_it_takes_a_valid_rating_through_the_api(client, scales_survey):
    assert _post(client, {"team": "a", "stars": 5, "seven": 1, "nps": 0}).status_code == 201


@pytest.mark.parametrize(("answers", "error"), [
    ({"stars": 0}, {"stars": ["Choose a rating from 1 to 5."]}),
    ({"stars": 6}, {"stars": ["Choose a rating from 1 to 5."]}),
    ({"seven": 8, "stars": 3}, {"seven": ["Choose a rating from 1 to 7."]}),
    ({"nps": 11}, {"nps": ["Choose a rating from 0 to 10."]}),
])
def test_it_refuses_a_rating_off_its_scale_with_400_under_its_code(client, scales_survey, answers, error):
    response = _post(client, {"team": "a", **answers})
    assert response.status_code == 400
    assert response.json() == {"errors": error}


def test_it_describes_the_scale_in_the_api_definition(client, scales_survey):
    body = client.get("/api/v1/surveys/scales/").json()
    questions = {q["code"]: q for q in body["pages"][0]["questions"]}
    assert {k: questions["stars"][k] for k in ("min", "max", "scale", "display", "low_label", "high_label")} == {
        "min": 1, "max": 5, "scale": [1, 5], "display": "stars", "low_label": "Very poor", "high_label": "Excellent",
    }
    assert (questions["nps"]["scale"], questions["nps"]["display"]) == ([0, 10], "numbers")
    assert (questions["team"]["scale"], questions["team"]["display"]) == (None, "")


# --- The form -------------------------------------------------------------------------


def test_it_shows_stars_named_for_screen_readers_and_the_end_labels(client, scales_survey):
    html = client.get("/s/scales/", follow=True).content.decode()
    assert html.count('name="stars"') == 5
    for n in range(1, 6):
        assert f'<span class="visually-hidden">{n} of 5 stars</span>' in html
    assert 'class="rating rating-stars rating-points-5"' in html
    assert 'aria-describedby="id_stars_ends "' in html
    assert '<span class="visually-hidden">1: </span>Very poor' in html
    assert '<span class="visually-hidden">7: </span>Strongly agree' in html
    assert html.count('name="seven"') == 7 and html.count('name="nps"') == 11
