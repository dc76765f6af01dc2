"""The slider (`slider`: a number from min to max in steps): cleaning with error codes,
its Answer row, the definition file (min and max required, step only here, YAML round
trip), the API, the form (not an answer until moved; a number input without script),
conditions, counting (equal to the full recompute) and the numeric results."""

from __future__ import annotations

import re
from decimal import Decimal

import numpy as np
import pytest
from scipy import stats

from analytics.models import NumberCount
from responses.models import Response
from responses.services import stored_answers
from surveys import conditions
from surveys.definition import QuestionDef
from surveys.definition_files import DefinitionError, definition_from_yaml, definition_to_yaml
from surveys.selectors import compiled_version
from surveys.types import Invalid, Stored, question_type
from tests.kit.api import submit
from tests.kit.counts import assert_counts_exact
from tests.kit.data import submit_and_count
from tests.kit.form import post_page
from tests.kit.new_types import NEW_TYPES, new_types_answers, new_types_survey

KIND = question_type("slider")
QUESTION = QuestionDef(code="sure", type="slider", label="Sure?", min_value=Decimal(0), max_value=Decimal(10),
                       step=Decimal("0.5"))
URL = "/api/v1/surveys/new-types/responses/"
FORM = "/s/new-types/"


@pytest.fixture
def survey(db):
    return new_types_survey()


def _code(value) -> tuple[str, str]:
    with pytest.raises(Invalid) as caught:
        KIND.clean_answer(QUESTION, value, {})
    return str(caught.value.message), getattr(caught.value.message, "code", "invalid")


# --- cleaning ----------------------------------------------------------------------------

@pytest.mark.parametrize("raw, cleaned", [(0, Decimal(0)), ("7.5", Decimal("7.5")), (10, Decimal(10)),
                                          (2.5, Decimal("2.5")), ("-0", Decimal(0))])
def test_it_takes_a_value_on_its_steps(raw, cleaned):
    assert KIND.clean_answer(QUESTION, raw, {}) == cleaned


def test_it_refuses_a_value_between_its_steps_with_its_code():
    assert _code("7.25") == ("Choose a value in steps of 0.5 from 0.", "step")
    assert KIND.form_message(QUESTION, _message("7.25")) == "Move the slider to one of its marks (steps of 0.5)."


def _message(value):
    with pytest.raises(Invalid) as caught:
        KIND.clean_answer(QUESTION, value, {})
    return caught.value.message


@pytest.mark.parametrize("raw, message", [(11, "Enter a number of at most 10."), (-1, "Enter a number of at least 0."),
                                          ("ten", "Enter a number."), (True, "Enter a number."),
                                          ([5], "Enter a number.")])
def test_it_refuses_a_value_off_its_scale(raw, message):
    assert _code(raw)[0] == message


def test_an_untouched_slider_is_no_answer():
    assert KIND.clean_answer(QUESTION, "", {}) is None
    assert KIND.clean_answer(QUESTION, None, {}) is None


def test_a_required_untouched_slider_asks_to_be_moved():
    required = QuestionDef(**{**QUESTION.__dict__, "required": True})
    with pytest.raises(Invalid) as caught:
        KIND.clean_answer(required, "", {})
    assert caught.value.message.code == "required"
    assert KIND.form_message(required, caught.value.message) == "Move the slider to your answer."


def test_it_round_trips_its_answer_row():
    (row,) = KIND.to_stored(Decimal("7.5"))
    assert row == Stored(number=Decimal("7.5"))
    assert KIND.from_stored(None, Stored(number=Decimal("7.500000"))) == Decimal("7.5")


# --- the definition file ----------------------------------------------------------------

def test_it_round_trips_through_yaml_with_its_step():
    definition = definition_from_yaml(NEW_TYPES)
    text = definition_to_yaml(definition)

    assert definition_from_yaml(text) == definition
    sure = definition.questions["sure"]
    assert (sure.min_value, sure.max_value, sure.step) == (0, 10, Decimal("0.5"))
    assert "step: 0.5" in text


@pytest.mark.parametrize("change, message", [
    (("min: 0, max: 10, step: 0.5", "max: 10, step: 0.5"), "a slider question needs min and max"),
    (("step: 0.5", "step: 0"), "step: expected a number greater than 0"),
    (("{code: team, type: single,", "{code: team, type: single, step: 2,"), "step applies to sliders, not single"),
])
def test_it_refuses_a_slider_that_does_not_fit(change, message):
    with pytest.raises(DefinitionError, match=re.escape(message)):
        definition_from_yaml(NEW_TYPES.replace(*change))


# --- API, form, conditions --------------------------------------------------------------

def test_the_api_stores_a_slider_answer_with_201(survey, client):
    r = submit(client, new_types_answers(sure=8.5), url=URL)

    assert r.status_code == 201, r.content
    answers = stored_answers(compiled_version(survey.open_version()), Response.objects.get())
    assert answers["sure"] == Decimal("8.5")


def test_the_api_refuses_a_value_between_steps_with_400(survey, client):
    r = submit(client, new_types_answers(sure="8.2"), url=URL)

    assert r.status_code == 400
    assert r.json() == {"errors": {"sure": ["Choose a value in steps of 0.5 from 0."]}}


def test_the_api_schema_has_the_step(client):
    assert "Sliders: answers are min + a whole number of steps" in client.get("/api/schema/").content.decode()


def test_the_form_has_a_range_beside_the_number_input_it_fills(survey, client):
    html = client.get(FORM, follow=True).content.decode()

    assert re.search(r'<input type="number" name="sure"[^>]*step="0.5"', html)
    assert 'type="range"' in html and 'aria-valuetext="Not answered yet"' in html
    assert "js/slider.js" in html


def test_an_untouched_slider_is_not_stored(survey, client):
    data = {"team": "dev", "usage.mail": ["work"], "usage.chat": ["home"], "usage.wiki": ["home"], "sure": ""}

    r = post_page(client, data, url=FORM)

    assert r.status_code == 302
    assert "sure" not in stored_answers(compiled_version(survey.open_version()), Response.objects.get())


def test_a_moved_slider_is_stored_and_its_condition_shows_a_page(survey, client):
    data = {"team": "dev", "usage.mail": ["work"], "usage.chat": ["home"], "usage.wiki": ["home"], "sure": "9.5"}

    r = post_page(client, data, url=FORM)

    assert "What do you chat about" in client.get(r["Location"]).content.decode()  # sure >= 9
    assert stored_answers(compiled_version(survey.open_version()), Response.objects.get())["sure"] == Decimal("9.5")


def test_the_form_says_how_to_fix_a_value_between_steps(survey, client):
    data = {"team": "dev", "usage.mail": ["work"], "usage.chat": ["home"], "usage.wiki": ["home"], "sure": "3.3"}

    r = post_page(client, data, url=FORM)

    assert r.status_code == 200
    assert "Move the slider to one of its marks (steps of 0.5)." in r.content.decode()


def test_conditions_compare_it_as_a_number():
    definition = definition_from_yaml(NEW_TYPES)
    node = conditions.parse("sure >= 9")
    conditions.check(node, definition.questions)
    assert conditions.evaluate(node, {"sure": Decimal("9.5")})
    assert not conditions.evaluate(node, {"sure": Decimal("8.5")})
    with pytest.raises(conditions.ConditionError):
        conditions.check(conditions.parse("sure has 9"), definition.questions)


# --- counting and results ---------------------------------------------------------------

def test_it_counts_its_values_and_equals_the_recompute(survey):
    for value in (8.5, 8.5, 2, None):
        submit_and_count(survey, new_types_answers(**({"sure": value} if value is not None else {})))

    qid = compiled_version(survey.open_version()).question_ids["sure"]
    values = dict(NumberCount.objects.filter(question_id=qid, segment_choice_id=0).values_list("value", "n"))
    assert values == {Decimal("8.5"): 2, Decimal(2): 1}
    assert_counts_exact(survey)


def test_the_results_show_mean_median_and_distribution(survey, manager, alice):
    survey.editors.add(manager)
    for value in (1, 2, 2.5, 8, 10):
        submit_and_count(survey, new_types_answers(sure=value))

    r = alice.get(f"/results/{survey.slug}/questions/sure/")

    assert r.status_code == 200
    summary = r.context["report"].numeric.summaries[0]
    assert (summary.n, summary.mean, summary.median) == (5, 4.7, 2.5)
    values = [1, 2, 2.5, 8, 10]
    low, high = stats.t.interval(0.95, len(values) - 1, loc=np.mean(values), scale=stats.sem(values))
    assert summary.interval == (pytest.approx(low, rel=1e-6), pytest.approx(high, rel=1e-6))
    assert "Mean, 95% interval" in r.content.decode()
    assert f'<td class="mean-interval">{summary.interval_display}</td>' in r.content.decode()
    assert [b.label for b in r.context["report"].numeric.bins] == ["1", "2", "2.5", "8", "10"]
