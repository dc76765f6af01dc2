"""The constant sum (`constant_sum`: a whole number per row adding up to a total): cleaning
with error codes (a wrong sum says the sum and the total), Answer rows, the YAML round
trip, the API, the form with its running sum, conditions on a row, counting per row
(equal to the full recompute, repaired by the reconciliation), the results page and both
paths of the raw export."""

from __future__ import annotations

import csv
import io
import re
import uuid
from decimal import Decimal

import pytest

from analytics.models import BaseCount, NumberCount
from analytics.recompute import survey_reconcile
from responses.models import Response
from responses.services import response_submit, stored_answers
from surveys import conditions
from surveys.conditions import ConditionError
from surveys.definition import QuestionDef, RowDef
from surveys.definition_files import DefinitionError, definition_from_yaml, definition_to_yaml
from surveys.selectors import compiled_version
from surveys.types import Invalid, Stored, question_type
from tests.kit.api import submit
from tests.kit.constant_sum import CONSTANT_SUM, constant_sum_answers, constant_sum_survey
from tests.kit.counts import assert_counts_exact
from tests.kit.data import submit_and_count
from tests.kit.exports import exported_csv
from tests.kit.form import post_page
from tests.kit.html_form import submitted_data

KIND = question_type("constant_sum")
QUESTION = QuestionDef(
    code="budget", type="constant_sum", label="Budget", required=True, max_value=Decimal(10),
    rows=(RowDef("mail", "E-mail"), RowDef("chat", "Chat")),
)
URL = "/api/v1/surveys/budget-split/responses/"
FORM = "/s/budget-split/"


@pytest.fixture
def survey(db):
    return constant_sum_survey()


def _clean(value, *, required: bool = True, question: QuestionDef = QUESTION):
    errors: dict[str, list] = {}
    cleaned = KIND.clean_answer(question, value, errors, enforce_required=required)
    return cleaned, {key: [(str(m), getattr(m, "code", None)) for m in messages] for key, messages in errors.items()}


def _sum_error(value) -> tuple[str, str, dict]:
    with pytest.raises(Invalid) as caught:
        _clean(value)
    message = caught.value.message
    return str(message), message.code, message.params


# --- cleaning ----------------------------------------------------------------------------

def test_it_cleans_a_number_per_row_that_adds_up_to_the_total():
    assert _clean({"mail": 4, "chat": "6"}) == ({"mail": 4, "chat": 6}, {})


def test_a_blank_row_beside_filled_ones_is_a_zero():
    assert _clean({"mail": "10", "chat": ""}) == ({"mail": 10, "chat": 0}, {})
    assert _clean({"mail": 10}) == ({"mail": 10, "chat": 0}, {})


def test_a_wrong_sum_says_the_sum_and_the_total_with_its_code():
    text, code, params = _sum_error({"mail": 4, "chat": 3})

    assert text == "The numbers add up to 7; they must add up to 10."
    assert code == "sum" and params == {"sum": 7, "total": Decimal(10)}
    assert _sum_error({"mail": 9, "chat": 3})[0] == "The numbers add up to 12; they must add up to 10."


def test_the_default_total_is_100():
    question = QuestionDef(code="budget", type="constant_sum", label="Budget", rows=QUESTION.rows)

    assert KIND.total(question) == 100
    assert _clean({"mail": 60, "chat": 40}, question=question)[0] == {"mail": 60, "chat": 40}


@pytest.mark.parametrize("value, message, code", [
    (-1, "Enter a number of at least 0.", "negative"),
    (2.5, "Enter a whole number.", "whole"),
    ("ten", "Enter a number.", None),
    (True, "Enter a number.", None),
])
def test_a_bad_row_is_refused_under_its_row_with_its_code(value, message, code):
    assert _clean({"mail": value, "chat": 10}) == (None, {"budget.mail": [(message, code)]})


def test_it_refuses_an_unknown_row():
    assert _clean({"mail": 4, "chat": 6, "fax": 1})[1] == {"budget.fax": [("Unknown row.", None)]}


def test_it_refuses_an_answer_that_is_not_an_object_of_rows():
    with pytest.raises(Invalid, match="Expected a number per row"):
        _clean([4, 6])


def test_a_required_question_left_empty_is_required_and_an_optional_one_unanswered():
    with pytest.raises(Invalid) as caught:
        _clean({"mail": "", "chat": " "})
    assert caught.value.message.code == "required"
    assert _clean({}, required=False) == (None, {})
    assert _clean({"mail": ""}, question=QuestionDef(code="b", type="constant_sum", label="B",
                                                     rows=QUESTION.rows)) == (None, {})


def test_it_round_trips_an_answer_through_its_answer_rows():
    value = {"mail": 4, "chat": 6}

    stored = KIND.to_stored(value)
    back = None
    for row in stored:
        back = KIND.from_stored(back, row)

    assert stored == (Stored(row="mail", number=Decimal(4)), Stored(row="chat", number=Decimal(6)))
    assert back == value


def test_it_words_the_form_s_messages():
    with pytest.raises(Invalid) as caught:
        _clean({"mail": 4, "chat": 3})
    errors: dict[str, list] = {}
    KIND.clean_answer(QUESTION, {"mail": -2, "chat": 12}, errors)

    assert KIND.form_message(QUESTION, caught.value.message) == "Make the numbers add up to 10: they add up to 7 now."
    assert KIND.form_message(QUESTION, errors["budget.mail"][0], "E-mail") == "Enter 0 or more for E-mail."
    with pytest.raises(Invalid) as caught:
        _clean({})
    assert KIND.form_message(QUESTION, caught.value.message) == (
        "Share 10 among the rows: enter a number in at least one of them."
    )


# --- definition, API ----------------------------------------------------------------------

def test_it_round_trips_through_yaml_with_its_total():
    definition = definition_from_yaml(CONSTANT_SUM)
    text = definition_to_yaml(definition)
    again = definition_from_yaml(text)

    assert again == definition
    budget = again.questions["budget"]
    assert budget.type == "constant_sum" and budget.row_codes == ("mail", "chat", "wiki")
    assert KIND.total(budget) == 100 and "total: 100" in text


@pytest.mark.parametrize("old, new, message", [
    ("    total: 100\n", "    total: 0\n", "expected a whole number greater than 0"),
    ("    total: 100\n", "    total: 99.5\n", "expected a whole number greater than 0"),
    ("    total: 100\n", "    max: 100\n", "min and max apply"),
    ("    rows: [{code: mail, label: E-mail}, {code: chat, label: Chat}, {code: wiki, label: Wiki}]\n", "", "rows"),
    ("max_length: 100}", "max_length: 100, total: 5}", "total applies to constant sum questions, not short_text"),
])
def test_it_refuses_a_yaml_constant_sum_that_does_not_fit(old, new, message):
    assert old in CONSTANT_SUM
    with pytest.raises(DefinitionError, match=message):
        definition_from_yaml(CONSTANT_SUM.replace(old, new))


def test_the_api_stores_a_valid_answer_with_201(survey, client):
    r = submit(client, constant_sum_answers(), url=URL)

    assert r.status_code == 201, r.content
    response = Response.objects.get()
    assert stored_answers(compiled_version(survey.open_version()), response)["budget"] == {
        "mail": 20, "chat": 50, "wiki": 30,
    }


def test_the_api_refuses_a_wrong_sum_with_400_saying_the_sum(survey, client):
    r = submit(client, constant_sum_answers(budget={"mail": 20, "chat": 50, "wiki": 20}), url=URL)

    assert r.status_code == 400
    assert r.json() == {"errors": {"budget": ["The numbers add up to 90; they must add up to 100."]}}
    assert not Response.objects.exists()


def test_the_api_refuses_a_negative_row_with_400_keyed_by_row(survey, client):
    r = submit(client, constant_sum_answers(budget={"mail": -10, "chat": 80, "wiki": 30}), url=URL)

    assert r.status_code == 400
    assert r.json() == {"errors": {"budget.mail": ["Enter a number of at least 0."]}}


def test_the_api_schema_describes_the_answer(client):
    schema = client.get("/api/schema/").content.decode()

    text = " ".join(schema.split())

    assert "or to a whole number of 0 or more (constant_sum: the rows add up to the question''s total" in text


# --- the form -----------------------------------------------------------------------------

def test_the_form_has_a_number_input_per_row_and_the_running_sum(survey, client):
    html = client.get(FORM, follow=True).content.decode()

    for row in ("mail", "chat", "wiki"):
        assert re.search(rf'<input type="number"[^>]*name="budget.{row}"[^>]*min="0"[^>]*max="100"', html)
    assert re.search(r'<output id="id_budget"[^>]*aria-live="polite"[^>]*data-sum-of="budget"[^>]*'
                     r'data-total="100"', html)
    assert "The numbers must add up to 100." in html
    assert "js/constant-sum.js" in html


def test_the_form_stores_the_numbers_and_shows_them_again(survey, client):
    answers = {"team": "dev", "budget.mail": "60", "budget.chat": "40", "budget.wiki": ""}

    r = post_page(client, answers, url=FORM)  # to the page on e-mail (more than 50)

    assert r.status_code == 302, r.content.decode()[:2000]
    assert "Why mostly e-mail?" in client.get(r["Location"]).content.decode()
    back = post_page(client, {}, action="back", url=FORM)
    posted = submitted_data(client.get(back["Location"]).content.decode())
    assert [posted.get(f"budget.{row}") for row in ("mail", "chat", "wiki")] == ["60", "40", "0"]


def test_the_form_refuses_two_values_for_one_row(survey, client):
    r = post_page(client, {"team": "dev", "budget.mail": ["60", "40"], "budget.chat": "40"}, url=FORM)

    assert r.status_code == 200
    assert "Enter a whole number for E-mail." in r.content.decode()


def test_the_form_says_a_wrong_sum_at_the_sum_and_keeps_what_was_typed(survey, client):
    r = post_page(client, {"team": "dev", "budget.mail": "60", "budget.chat": "30", "budget.wiki": "x"}, url=FORM)
    html = r.content.decode()
    assert r.status_code == 200
    assert "Enter a whole number for Wiki." in html
    assert submitted_data(html).get("budget.wiki") == "x"

    r = post_page(client, {"team": "dev", "budget.mail": "60", "budget.chat": "30"}, url=FORM)
    html = r.content.decode()
    assert "Make the numbers add up to 100: they add up to 90 now." in html
    assert '<a class="alert-link" href="#id_budget">' in html
    assert submitted_data(html).get("budget.mail") == "60"


# --- conditions ----------------------------------------------------------------------------

def test_a_condition_compares_a_row_s_number(survey):
    definition = definition_from_yaml(CONSTANT_SUM)
    node = conditions.parse("budget.mail > 50")
    conditions.check(node, definition.questions)

    assert conditions.evaluate(node, {"budget": {"mail": 60, "chat": 40, "wiki": 0}})
    assert not conditions.evaluate(node, {"budget": {"mail": 50, "chat": 50, "wiki": 0}})
    assert not conditions.evaluate(node, {})


@pytest.mark.parametrize("text, message", [
    ("budget > 50", "needs a row"),
    ("budget.mail = high", "is not a number"),
    ("budget.fax > 1", "unknown row"),
    ("budget.mail has 1", "'has' needs a multiple-choice question"),
])
def test_a_condition_that_does_not_fit_is_refused(text, message):
    definition = definition_from_yaml(CONSTANT_SUM)
    with pytest.raises(ConditionError, match=message):
        conditions.check(conditions.parse(text), definition.questions)


# --- counting, results, exports ---------------------------------------------------------

def _row_counts(survey):
    version = compiled_version(survey.open_version())
    qid = version.question_ids["budget"]
    rows = {pk: row for (_, row), pk in version.row_ids.items()}
    bases = {rows[row_id]: n for row_id, n in BaseCount.objects.filter(question_id=qid, segment_choice_id=0)
             .exclude(row_id=0).values_list("row_id", "n")}
    values = {(rows[row_id], int(value)): n for row_id, value, n in NumberCount.objects.filter(
        question_id=qid, segment_choice_id=0).values_list("row_id", "value", "n")}
    whole = BaseCount.objects.get(question_id=qid, row_id=0, segment_choice_id=0).n
    return whole, bases, values


def test_it_counts_a_number_per_row_and_equals_the_recompute(survey):
    submit_and_count(survey, constant_sum_answers())
    submit_and_count(survey, constant_sum_answers(team="dev", budget={"mail": 20, "chat": 80}))

    whole, bases, values = _row_counts(survey)
    assert whole == 2 and bases == {"mail": 2, "chat": 2, "wiki": 2}
    assert values == {("mail", 20): 2, ("chat", 50): 1, ("chat", 80): 1, ("wiki", 30): 1, ("wiki", 0): 1}
    assert_counts_exact(survey)
    assert survey_reconcile(survey_id=survey.pk).cells_repaired == 0
    assert survey.findings.get().count.base == 2 and survey.findings.get().count.target == 0


def test_the_reconciliation_repairs_a_row_s_number_count(survey):
    submit_and_count(survey, constant_sum_answers())
    NumberCount.objects.filter(row_id__gt=0, value=50, segment_choice_id=0).update(n=7)

    run = survey_reconcile(survey_id=survey.pk)

    assert [(r.table, r.key, r.found, r.expected) for r in run.repairs.all()] == [
        ("numbers", "v1 budget.chat=50", 7, 1),
    ]
    assert_counts_exact(survey)


def test_the_results_page_shows_each_row_s_mean_interval_and_share(survey, manager, alice):
    survey.editors.add(manager)
    for mail, chat in ((20, 50), (30, 40), (40, 30), (10, 60), (50, 20)):
        submit_and_count(survey, constant_sum_answers(budget={"mail": mail, "chat": chat, "wiki": 30}))

    r = alice.get(f"/results/{survey.slug}/questions/budget/")

    assert r.status_code == 200
    text = " ".join(re.sub(r"<[^>]+>", " ", r.content.decode()).split())
    # E-mail: 20, 30, 40, 10, 50: mean 30, s = 15.81, t(4) = 2.776: 30 ± 19.6.
    assert "E-mail 30.0 10.4–49.6 30.0% 10.4–49.6% 5" in text
    assert "Wiki 30.0 — 30.0% — 5" in text or "Wiki 30.0 30.0–30.0 30.0% 30.0–30.0% 5" in text
    assert "Chat 40.0" in text and "mean share of the total (100)" in text


def _export_rows(survey, monkeypatch, *, copy: bool) -> list[list[str]]:
    return list(csv.reader(io.StringIO(exported_csv(survey, copy=copy, monkeypatch=monkeypatch).decode())))


@pytest.mark.postgres
def test_the_raw_export_has_a_column_per_row_by_either_path(survey, monkeypatch):
    submit_and_count(survey, constant_sum_answers())
    result = response_submit(survey=survey, version=survey.open_version(), submission_id=uuid.uuid4(),
                             answers={"team": "dev", "budget": {"mail": 100}, "mail_why": "habit"})
    assert result.ok, result.errors

    python = _export_rows(survey, monkeypatch, copy=False)
    database = _export_rows(survey, monkeypatch, copy=True)

    assert python == database
    header = python[0]
    assert [name for name in header if name.startswith("budget")] == ["budget.mail", "budget.chat", "budget.wiki"]
    rows = [dict(zip(header, row, strict=True)) for row in python[1:]]
    assert [[row[f"budget.{r}"] for r in ("mail", "chat", "wiki")] for row in rows] == [
        ["20", "50", "30"], ["100", "0", "0"],
    ]


def test_the_results_break_each_row_down_by_segment_and_download_it(survey, manager, alice):
    survey.editors.add(manager)
    for team, mail in (("ops", 20), ("ops", 30), ("ops", 40), ("ops", 10), ("ops", 50),
                       ("dev", 60), ("dev", 70), ("dev", 80), ("dev", 90), ("dev", 100)):
        submit_and_count(survey, constant_sum_answers(team=team, budget={"mail": mail, "chat": 100 - mail}))

    page = alice.get(f"/results/{survey.slug}/questions/budget/")
    text = " ".join(re.sub(r"<[^>]+>", " ", page.content.decode()).split())
    download = alice.get(f"/results/{survey.slug}/questions/budget/?format=csv")

    # E-mail: 30 among Operations, 80 among Development, 55 overall; the rows' shares add up to 100%.
    assert "Mean share of the total per row, by segment" in text
    assert re.search(r"E-mail 55\.0% (\S+ )?30\.0% 80\.0%", text), text[text.find("by segment"):][:300]
    assert re.search(r"Wiki 0\.0% (\S+ )?0\.0% 0\.0%", text)
    assert download.status_code == 200
    lines = download.content.decode().splitlines()
    assert any(line.startswith("budget.mail,") and ",mean_share_percent,55.0," in line for line in lines), lines
    assert any(line.startswith("budget.chat,") and ",mean_ci_low," in line for line in lines)


def test_the_publish_review_calls_a_changed_total_the_total():
    from builder.review import question_lines
    from surveys.changes import definition_changes

    old = definition_from_yaml(CONSTANT_SUM)
    new = definition_from_yaml(CONSTANT_SUM.replace("    total: 100\n", "    total: 10\n"))

    (change,) = definition_changes(old, new).questions_changed
    assert [(line.text, line.old, line.new) for line in question_lines(change)] == [("Total", "100", "10")]
