"""The ranking (`ranking`: the choices in the respondent's order, optionally the top N):
cleaning with error codes (both the API's list and the form's rank per choice), its Answer
rows, the definition file (`max`: how many to rank), the API, the form without script,
conditions on a choice's rank, counting (equal to the full recompute) and reconciliation."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import numpy as np
import pytest
from django.http import QueryDict
from scipy import stats

from analytics.models import CellCount
from analytics.recompute import survey_reconcile
from analytics.tables import survey_counts
from responses.models import Response
from responses.services import stored_answers
from surveys import conditions
from surveys.definition import ChoiceDef, QuestionDef
from surveys.definition_files import DefinitionError, definition_from_yaml, definition_to_yaml
from surveys.selectors import compiled_version
from surveys.types import Invalid, Stored, question_type
from tests.kit.api import submit
from tests.kit.counts import assert_counts_exact
from tests.kit.data import submit_and_count
from tests.kit.exports import exported_csv
from tests.kit.form import post_page
from tests.kit.ranking import RANKING, RANKING_API, RANKING_FORM, ranking_answers, ranking_survey

KIND = question_type("ranking")
CHOICES = tuple(ChoiceDef(code=c, label=c.title()) for c in ("price", "speed", "support", "looks"))
QUESTION = QuestionDef(code="priorities", type="ranking", label="Order", required=True, choices=CHOICES)
TOP_2 = QuestionDef(code="channels", type="ranking", label="Top 2", choices=CHOICES, max_value=Decimal(2))


@pytest.fixture
def survey(db):
    return ranking_survey()


def _message(question, value):
    with pytest.raises(Invalid) as caught:
        KIND.clean_answer(question, value, {})
    return caught.value.message


def _code(question, value) -> str:
    return _message(question, value).code


# --- cleaning ----------------------------------------------------------------------------

def test_it_takes_every_choice_in_order():
    assert KIND.clean_answer(QUESTION, ["speed", "price", "looks", "support"], {}) == (
        "speed", "price", "looks", "support")


def test_it_takes_the_forms_rank_per_choice():
    ranks = {"price": "2", "speed": "1", "support": "4", "looks": "3"}
    assert KIND.clean_answer(QUESTION, ranks, {}) == ("speed", "price", "looks", "support")


def test_a_top_n_ranking_takes_exactly_n():
    assert KIND.clean_answer(TOP_2, ["looks", "price"], {}) == ("looks", "price")
    assert KIND.clean_answer(TOP_2, {"looks": 1, "price": "2", "speed": ""}, {}) == ("looks", "price")
    assert _code(TOP_2, ["looks"]) == "rank_incomplete"
    assert _code(TOP_2, ["looks", "price", "speed"]) == "rank_too_many"


@pytest.mark.parametrize("value, code", [
    (["price", "speed", "support"], "rank_incomplete"),
    (["price", "speed", "support", "price"], "rank_repeated"),
    (["price", "speed", "support", "fax"], "invalid_choice"),
    ({"price": 1, "speed": 1, "support": 2, "looks": 3}, "rank_repeated"),
    ({"price": 1, "speed": 2, "support": 4}, "rank_gap"),
    ({"price": 1, "speed": 2, "support": 3, "looks": 5}, "rank_range"),
    ({"price": 0, "speed": 1, "support": 2, "looks": 3}, "rank_range"),
    ({"price": "one", "speed": 2, "support": 3, "looks": 4}, "rank_range"),
    ({"price": ["1", "2"], "speed": 2, "support": 3, "looks": 4}, "rank_range"),
    ({"fax": 1}, "invalid_choice"),
    ("price", "invalid"),
    ([1, 2, 3, 4], "invalid"),
])
def test_it_refuses_what_is_not_a_ranking_with_its_code(value, code):
    assert _code(QUESTION, value) == code


def test_its_messages_name_the_answers_and_the_form_says_what_to_do():
    shared = _message(QUESTION, {"price": 1, "speed": 1, "support": 2, "looks": 3})
    assert shared == "“Price” and “Speed” share rank 1."
    assert KIND.form_message(QUESTION, shared) == "Give “Price” and “Speed” different ranks."
    missing = _message(QUESTION, ["price", "speed"])
    assert KIND.form_message(QUESTION, missing) == "Give every answer a rank (not ranked yet: Support, Looks)."
    assert KIND.form_message(TOP_2, _message(TOP_2, ["price"])) == "Choose your top 2: 1 ranked so far."


def test_an_empty_ranking_is_no_answer_unless_required():
    assert KIND.clean_answer(TOP_2, [], {}) is None
    assert KIND.clean_answer(TOP_2, {}, {}) is None
    assert _code(QUESTION, []) == "required"


def test_it_round_trips_its_answer_rows_in_any_order():
    rows = KIND.to_stored(("speed", "price"))
    assert rows == (Stored(choice="speed", number=Decimal(1)), Stored(choice="price", number=Decimal(2)))
    value = None
    for row in reversed(rows):
        value = KIND.from_stored(value, row)
    assert value == ("speed", "price")


# --- the definition file ----------------------------------------------------------------

def test_it_round_trips_through_yaml_with_its_top_n():
    definition = definition_from_yaml(RANKING)
    text = definition_to_yaml(definition)

    assert definition_from_yaml(text) == definition
    assert definition.questions["channels"].max_value == 2
    assert definition.questions["priorities"].max_value is None


@pytest.mark.parametrize("change, message", [
    (("    max: 2\n", "    max: 5\n"), "channels.max: expected how many choices to rank: a whole number from 1 to 4"),
    (("    max: 2\n", "    max: 1.5\n"), "expected how many choices to rank"),
    (("    max: 2\n", "    min: 1\n"), "min does not apply to ranking questions"),
])
def test_it_refuses_a_ranking_that_does_not_fit(change, message):
    with pytest.raises(DefinitionError, match=re.escape(message.split(": ", 1)[-1])):
        definition_from_yaml(RANKING.replace(*change))


# --- API and form -------------------------------------------------------------------------

def test_the_api_stores_a_ranking_in_order_with_201(survey, client):
    r = submit(client, ranking_answers(channels=["chat", "mail"]), url=RANKING_API)

    assert r.status_code == 201, r.content
    answers = stored_answers(compiled_version(survey.open_version()), Response.objects.get())
    assert answers["priorities"] == ("speed", "price", "support", "looks")
    assert answers["channels"] == ("chat", "mail")


@pytest.mark.parametrize("answers, error", [
    (ranking_answers(priorities=["speed", "price"]),
     "Give every answer a rank (not ranked: Support, Looks)."),
    (ranking_answers(priorities=["speed", "speed", "price", "looks"]), "“Speed” is ranked more than once."),
    (ranking_answers(channels=["chat", "fax"]), "Select valid choices."),
    (ranking_answers(channels=["chat", "mail", "wiki"]), "Rank only your top 2."),
])
def test_the_api_refuses_a_bad_ranking_with_400(survey, client, answers, error):
    r = submit(client, answers, url=RANKING_API)

    assert r.status_code == 400
    assert error in str(r.json()["errors"])


def test_the_form_has_a_rank_select_per_choice_and_its_script(survey, client):
    html = client.get(RANKING_FORM, follow=True).content.decode()

    assert re.search(r'<select name="priorities.price"[^>]*>', html)
    assert '<option value="4">4</option>' in html
    assert re.search(r'<select name="channels.mail"[^>]*>\s*<option value="" selected>Not ranked</option>'
                     r'\s*<option value="1">1</option>\s*<option value="2">2</option>\s*</select>', html)
    assert "js/ranking.js" in html and "vendor/sortable/Sortable.min.js" in html


def test_the_form_stores_the_ranks_posted_without_script(survey, client):
    data = {"team": "dev", "priorities.price": "3", "priorities.speed": "1", "priorities.support": "2",
            "priorities.looks": "4", "channels.wiki": "1", "channels.mail": "2"}

    r = post_page(client, data, url=RANKING_FORM)

    assert r.status_code == 302
    answers = stored_answers(compiled_version(survey.open_version()), Response.objects.get())
    assert answers["priorities"] == ("speed", "support", "price", "looks")
    assert answers["channels"] == ("wiki", "mail")


def test_the_form_says_how_to_fix_a_shared_rank_and_keeps_the_ranks(survey, client):
    data = {"team": "dev", "priorities.price": "1", "priorities.speed": "1", "priorities.support": "2",
            "priorities.looks": "3"}

    r = post_page(client, data, url=RANKING_FORM)

    html = r.content.decode()
    assert r.status_code == 200
    assert "Give “Price” and “Speed” different ranks." in html
    assert 'href="#id_priorities.price"' in html
    assert re.search(r'<select name="priorities.looks"[^>]*>.*?<option value="3" selected>', html, re.S)


def test_a_rank_shows_the_page_its_condition_names(survey, client):
    data = {"team": "dev", "priorities.price": "2", "priorities.speed": "1", "priorities.support": "3",
            "priorities.looks": "4"}

    r = post_page(client, data, url=RANKING_FORM)

    assert "Why does the price matter" in client.get(r["Location"]).content.decode()


# --- conditions ------------------------------------------------------------------------------

def test_conditions_compare_a_choices_rank():
    definition = definition_from_yaml(RANKING)
    node = conditions.parse("priorities.price <= 2")
    conditions.check(node, definition.questions)
    assert conditions.evaluate(node, {"priorities": ("speed", "price", "support", "looks")})
    assert not conditions.evaluate(node, {"priorities": ("speed", "support", "price", "looks")})
    assert not conditions.evaluate(conditions.parse("channels.wiki = 1"), {"channels": ("mail", "chat")})


@pytest.mark.parametrize("text, message", [
    ("priorities <= 2", "ranking question 'priorities' needs a choice, e.g. 'priorities.price <= 3'"),
    ("priorities.fax = 1", "unknown choice 'fax' in ranking question 'priorities'"),
    ("priorities.price = price", "compare a choice's rank with a whole number"),
    ("priorities.price has 1", "'has' needs a multiple-choice question"),
])
def test_conditions_refuse_what_does_not_fit_a_ranking(text, message):
    definition = definition_from_yaml(RANKING)
    with pytest.raises(conditions.ConditionError, match=re.escape(message)):
        conditions.check(conditions.parse(text), definition.questions)


# --- counting ----------------------------------------------------------------------------------

def test_it_counts_each_choices_ranks_and_equals_the_recompute(survey):
    for answers in (ranking_answers(), ranking_answers(channels=["chat", "mail"]),
                    ranking_answers(team="dev", priorities=["price", "speed", "looks", "support"])):
        submit_and_count(survey, answers)

    counts = survey_counts(survey)
    assert counts.ranked("priorities", "speed", 1) == 2
    assert counts.ranked("priorities", "price", 1) == 1
    assert counts.ranked("priorities", "price", 2, segment=("team", "ops")) == 2
    assert counts.cell("priorities", "looks") == 3  # ranked at all
    assert counts.base("priorities") == 3 and counts.base("channels") == 1
    assert counts.ranked("channels", "mail", 2) == 1
    assert_counts_exact(survey)


def test_the_reconciliation_repairs_a_rank_cell(survey):
    submit_and_count(survey, ranking_answers())
    qid = compiled_version(survey.open_version()).question_ids["priorities"]
    CellCount.objects.filter(question_id=qid, row_id=-1, segment_choice_id=0).update(n=7)

    run = survey_reconcile(survey_id=survey.pk)

    assert [(r.key, r.found, r.expected) for r in run.repairs.all()] == [("v1 priorities.#1=speed", 7, 1)]
    assert_counts_exact(survey)


# --- results -------------------------------------------------------------------------------------

def test_the_results_show_first_places_mean_ranks_and_their_distribution(survey, manager, alice):
    survey.editors.add(manager)
    orders = [["speed", "price", "support", "looks"], ["speed", "support", "price", "looks"],
              ["price", "speed", "looks", "support"], ["speed", "looks", "support", "price"],
              ["looks", "price", "speed", "support"], ["speed", "price", "support", "looks"]]
    for i, order in enumerate(orders):
        submit_and_count(survey, ranking_answers(team="dev" if i % 2 else "ops", priorities=order))

    r = alice.get(f"/results/{survey.slug}/questions/priorities/")

    assert r.status_code == 200
    ranking = r.context["report"].ranking
    speed = next(line for line in ranking.lines if line.code == "speed")
    assert (speed.first[0].count, speed.first[0].base, speed.first[0].display) == (4, 6, "67%")
    price_ranks = [order.index("price") + 1 for order in orders]
    price = next(line for line in ranking.lines if line.code == "price")
    mean = price.means[0]
    assert (mean.n, mean.mean) == (6, pytest.approx(sum(price_ranks) / 6))
    low, high = stats.t.interval(0.95, 5, loc=np.mean(price_ranks), scale=stats.sem(price_ranks))
    assert mean.interval == (pytest.approx(low, rel=1e-6), pytest.approx(high, rel=1e-6))
    assert [cell.count for cell in price.ranks[0]] == [1, 3, 1, 1]
    html = r.content.decode()
    assert "Ranked first: share of all respondents who answered" in html
    assert "Distribution of ranks, Operations" in html  # by segment on the question's page
    assert mean.interval_display in html


def test_a_top_n_ranking_shows_only_its_ranks(survey, manager, alice):
    survey.editors.add(manager)
    for pair in (["chat", "mail"], ["chat", "wiki"], ["mail", "chat"], ["chat", "phone"], ["wiki", "chat"]):
        submit_and_count(survey, ranking_answers(channels=pair))

    ranking = alice.get(f"/results/{survey.slug}/questions/channels/").context["report"].ranking

    assert ranking.ranks == [1, 2]
    chat = next(line for line in ranking.lines if line.code == "chat")
    assert [cell.count for cell in chat.ranks[0]] == [3, 2]
    assert chat.means[0].n == 5


def test_a_date_range_counts_the_ranks_from_the_raw_answers_alike(survey):
    from results.report.scope import scope_for

    for order in (["speed", "price", "support", "looks"], ["price", "speed", "looks", "support"]):
        submit_and_count(survey, ranking_answers(team="dev", priorities=order, channels=["chat", "wiki"]))

    dated = scope_for(survey, QueryDict("from=2000-01-01")).counts()
    tables = survey_counts(survey)

    assert +dated.cells == +tables.cells and +dated.bases == +tables.bases
    assert dated.ranked("priorities", "price", 2, segment=("team", "dev")) == 1


# --- exports -------------------------------------------------------------------------------------

def _export_rows(survey, monkeypatch, *, copy: bool) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(exported_csv(survey, copy=copy, monkeypatch=monkeypatch).decode())))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.mark.postgres
def test_the_raw_export_has_a_rank_column_per_choice_by_either_path(survey, monkeypatch):
    submit_and_count(survey, ranking_answers(channels=["wiki", "mail"]))
    submit_and_count(survey, ranking_answers(priorities=["looks", "support", "speed", "price"]))

    python = _export_rows(survey, monkeypatch, copy=False)
    database = _export_rows(survey, monkeypatch, copy=True)

    assert sorted(python, key=str) == sorted(database, key=str)  # the two were completed in the same instant
    assert "priorities" not in python[0]
    ranks = [[row[f"priorities.{c}"] for c in ("price", "speed", "support", "looks")] for row in python]
    assert sorted(ranks) == [["2", "1", "3", "4"], ["4", "3", "2", "1"]]
    channels = sorted([row[f"channels.{c}"] for c in ("mail", "chat", "phone", "wiki")] for row in python)
    assert channels == [["", "", "", ""], ["2", "", "", "1"]]


def test_the_table_download_has_the_cells_per_rank_and_the_mean_ranks(survey):
    from results.report.export import question_tables
    from results.report.questions import question_reports
    from results.report.scope import scope_for

    for _ in range(5):
        submit_and_count(survey, ranking_answers())
    scope = scope_for(survey, QueryDict())
    tables = {t.name: t for t in question_tables(question_reports(scope))}
    counts = [r for r in tables["counts"].rows if r[0] == "priorities" and r[1] == "#1" and r[4] == "total"]
    assert [(r[2], r[7]) for r in counts] == [("price", 0), ("speed", 5), ("support", 0), ("looks", 0)]
    means = {r[3]: r[4] for r in tables["numeric summary"].rows if r[0] == "priorities" and r[1] == "total"}
    assert means["speed.mean_rank"] == 1.0 and means["price.mean_rank"] == 2.0
