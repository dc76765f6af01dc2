"""The multiple-choice matrix (`matrix_multiple`: rows × checkboxes): cleaning with error
codes, Answer rows, the YAML round trip, the API, the form, conditions, counting (equal to
the full recompute, a row counted once however many of its choices were picked), the
results page and both paths of the raw export."""

from __future__ import annotations

import csv
import io
import re
import uuid

import pytest

from analytics.models import BaseCount, CellCount
from analytics.recompute import survey_reconcile
from responses.models import Response
from responses.services import response_submit, stored_answers
from results.models import ExportRecord
from surveys import conditions
from surveys.conditions import ConditionError
from surveys.definition import ChoiceDef, QuestionDef, RowDef
from surveys.definition_files import definition_from_yaml, definition_to_yaml
from surveys.selectors import compiled_version
from surveys.types import Invalid, Stored, question_type
from tests.kit.api import submit
from tests.kit.counts import assert_counts_exact
from tests.kit.data import submit_and_count
from tests.kit.exports import exported_csv
from tests.kit.form import post_page
from tests.kit.html_form import submitted_data
from tests.kit.new_types import NEW_TYPES, new_types_answers, new_types_survey

KIND = question_type("matrix_multiple")
QUESTION = QuestionDef(
    code="usage", type="matrix_multiple", label="Usage", required=True,
    rows=(RowDef("mail", "E-mail"), RowDef("chat", "Chat")),
    choices=(ChoiceDef("work", "At work"), ChoiceDef("home", "At home")),
)
URL = "/api/v1/surveys/new-types/responses/"
FORM = "/s/new-types/"


@pytest.fixture
def survey(db):
    return new_types_survey()


def _clean(value, *, required: bool = True):
    errors: dict[str, list] = {}
    cleaned = KIND.clean_answer(QUESTION, value, errors, enforce_required=required)
    return cleaned, {key: [(str(m), getattr(m, "code", None)) for m in messages] for key, messages in errors.items()}


# --- cleaning ----------------------------------------------------------------------------

def test_it_cleans_several_choices_per_row():
    assert _clean({"mail": ["work", "home"], "chat": ["home"]}) == (
        {"mail": frozenset({"work", "home"}), "chat": frozenset({"home"})}, {}
    )


def test_it_takes_one_choice_code_as_a_list_of_one():
    assert _clean({"mail": "work", "chat": ["home"]})[0] == {"mail": frozenset({"work"}), "chat": frozenset({"home"})}


def test_it_requires_every_row_of_a_required_question_with_its_code():
    assert _clean({"mail": ["work"]})[1] == {"usage.chat": [("This question is required.", "required")]}
    assert _clean({"mail": ["work"], "chat": []})[1] == {"usage.chat": [("This question is required.", "required")]}


def test_it_refuses_an_unknown_choice_in_a_row_with_its_code():
    assert _clean({"mail": ["work", "car"], "chat": ["home"]})[1] == {
        "usage.mail": [("Select valid choices.", "invalid_choice")]
    }


def test_it_refuses_a_row_that_is_not_a_list_of_codes():
    assert _clean({"mail": [1], "chat": {"a": "b"}})[1] == {
        "usage.mail": [("Expected a list of choices.", "invalid")],
        "usage.chat": [("Expected a list of choices.", "invalid")],
    }


def test_it_refuses_an_unknown_row():
    assert _clean({"mail": ["work"], "chat": ["home"], "fax": ["work"]})[1] == {"usage.fax": [("Unknown row.", None)]}


def test_it_refuses_an_answer_that_is_not_an_object_of_rows():
    with pytest.raises(Invalid, match="Expected a list of choices per row"):
        _clean(["work"])


def test_it_leaves_an_optional_question_unanswered():
    assert _clean({}, required=False) == (None, {})


def test_it_round_trips_an_answer_through_its_answer_rows():
    value = {"mail": frozenset({"work", "home"}), "chat": frozenset({"home"})}

    stored = KIND.to_stored(value)
    back = None
    for row in stored:
        back = KIND.from_stored(back, row)

    assert stored == (Stored(row="mail", choice="home"), Stored(row="mail", choice="work"),
                      Stored(row="chat", choice="home"))
    assert back == value


def test_it_words_the_form_s_messages_per_row():
    errors: dict[str, list] = {}
    KIND.clean_answer(QUESTION, {"mail": ["work"]}, errors)

    assert KIND.form_message(QUESTION, errors["usage.chat"][0], "Chat") == "Choose at least one answer for Chat."


# --- definition, API, form ---------------------------------------------------------------

def test_it_round_trips_through_yaml():
    definition = definition_from_yaml(NEW_TYPES)
    again = definition_from_yaml(definition_to_yaml(definition))

    assert again == definition
    usage = again.questions["usage"]
    assert usage.type == "matrix_multiple" and usage.row_codes == ("mail", "chat", "wiki")


def test_it_refuses_a_yaml_matrix_multiple_without_rows():
    rows = "    rows: [{code: mail, label: E-mail}, {code: chat, label: Chat}, {code: wiki, label: Wiki}]\n"
    text = NEW_TYPES.replace(rows, "")
    with pytest.raises(Exception, match="rows"):
        definition_from_yaml(text)


def test_the_api_stores_a_valid_answer_with_201(survey, client):
    r = submit(client, new_types_answers(), url=URL)

    assert r.status_code == 201, r.content
    response = Response.objects.get()
    assert stored_answers(compiled_version(survey.open_version()), response)["usage"] == {
        "mail": frozenset({"work", "phone"}), "chat": frozenset({"home"}), "wiki": frozenset({"work"})
    }


def test_the_api_refuses_a_bad_row_with_400_keyed_by_row(survey, client):
    r = submit(client, new_types_answers(usage={"mail": ["work", "car"], "chat": "home"}), url=URL)

    assert r.status_code == 400
    assert r.json() == {"errors": {
        "usage.mail": ["Select valid choices."], "usage.wiki": ["This question is required."],
    }}
    assert not Response.objects.exists()


def test_the_api_schema_describes_the_answer(client):
    schema = client.get("/api/schema/").content.decode()

    assert "(matrix_multiple)" in schema


def test_the_form_shows_a_table_of_checkboxes_with_headers(survey, client):
    html = client.get(FORM, follow=True).content.decode()

    assert '<th scope="col">At home</th>' in html
    assert html.count('type="checkbox"') == 9
    assert 'name="usage.chat"' in html


def test_the_form_stores_several_choices_per_row_and_shows_them_again(survey, client):
    answers = {"team": "dev", "usage.mail": ["work", "home"], "usage.chat": ["work"], "usage.wiki": ["home"]}

    r = post_page(client, answers, url=FORM)  # to the page on chat at work

    assert r.status_code == 302, r.content.decode()[:2000]
    back = post_page(client, {}, action="back", url=FORM)
    html = client.get(back["Location"]).content.decode()
    posted = submitted_data(html)
    assert sorted(posted.getlist("usage.mail")) == ["home", "work"]
    assert posted.getlist("usage.chat") == ["work"]


def test_the_form_names_the_row_left_empty(survey, client):
    r = post_page(client, {"team": "dev", "usage.mail": ["work"], "usage.wiki": ["home"]}, url=FORM)

    assert r.status_code == 200
    assert "Choose at least one answer for Chat." in r.content.decode()


# --- conditions -------------------------------------------------------------------------

def test_a_condition_asks_whether_a_row_has_a_choice(survey):
    definition = definition_from_yaml(NEW_TYPES)
    node = conditions.parse("usage.chat has work")
    conditions.check(node, definition.questions)

    assert conditions.evaluate(node, {"usage": {"chat": frozenset({"work", "home"})}})
    assert not conditions.evaluate(node, {"usage": {"chat": frozenset({"home"})}})
    assert not conditions.evaluate(node, {"usage": {"mail": frozenset({"work"})}})


@pytest.mark.parametrize("text, message", [
    ("usage.chat = work", "use 'has'"),
    ("usage has work", "needs a row"),
    ("usage.chat has car", "'car' is not a choice"),
])
def test_a_condition_that_does_not_fit_is_refused(text, message):
    definition = definition_from_yaml(NEW_TYPES)
    with pytest.raises(ConditionError, match=message):
        conditions.check(conditions.parse(text), definition.questions)


def test_the_page_conditioned_on_a_row_is_shown_only_when_it_has_the_choice(survey, client):
    answers = {"team": "dev", "usage.mail": ["work"], "usage.chat": ["work"], "usage.wiki": ["home"]}
    assert "What do you chat about" in client.get(post_page(client, answers, url=FORM)["Location"]).content.decode()

    other = client.__class__()
    answers["usage.chat"] = ["home"]
    r = post_page(other, answers, url=FORM)
    assert "/thanks" in r["Location"] or "What do you chat about" not in other.get(r["Location"]).content.decode()


# --- counting, results, exports ---------------------------------------------------------

def _counts(survey):
    version = compiled_version(survey.open_version())
    qid = version.question_ids["usage"]
    rows = {pk: row for (_, row), pk in version.row_ids.items()}
    choices = {pk: choice for (_, choice), pk in version.choice_ids.items()}
    base = {rows[row_id]: n for row_id, n in BaseCount.objects.filter(question_id=qid, segment_choice_id=0)
            .exclude(row_id=0).values_list("row_id", "n")}
    cells = {(rows[row_id], choices[choice_id]): n for row_id, choice_id, n in CellCount.objects.filter(
        question_id=qid, segment_choice_id=0).values_list("row_id", "choice_id", "n")}
    whole = BaseCount.objects.get(question_id=qid, row_id=0, segment_choice_id=0).n
    return whole, base, cells


def test_it_counts_each_row_once_however_many_choices_and_equals_the_recompute(survey):
    submit_and_count(survey, new_types_answers())
    submit_and_count(survey, new_types_answers(team="dev", usage={"mail": ["work", "home", "phone"], "chat": ["work"],
                                                                  "wiki": ["home", "phone"]}))

    whole, base, cells = _counts(survey)
    assert whole == 2
    assert base == {"mail": 2, "chat": 2, "wiki": 2}
    assert cells[("mail", "work")] == 2 and cells[("mail", "phone")] == 2 and cells[("mail", "home")] == 1
    assert_counts_exact(survey)
    run = survey_reconcile(survey_id=survey.pk)
    assert run.cells_repaired == 0


def test_a_finding_on_a_row_counts_its_choices(survey):
    submit_and_count(survey, new_types_answers(usage={"mail": ["work"], "chat": ["work", "home"], "wiki": ["work"]}))
    submit_and_count(survey, new_types_answers(usage={"mail": ["work"], "chat": ["work"], "wiki": ["work"]}))

    assert_counts_exact(survey)
    assert survey.findings.get().count.base == 2 and survey.findings.get().count.target == 1


def test_the_results_page_shows_each_row_with_its_base(survey, manager, alice):
    survey.editors.add(manager)
    for _ in range(4):
        submit_and_count(survey, new_types_answers())
    submit_and_count(survey, new_types_answers(usage={"mail": ["home"], "chat": ["home"], "wiki": ["work", "home"]}))

    r = alice.get(f"/results/{survey.slug}/questions/usage/")

    assert r.status_code == 200
    text = " ".join(re.sub(r"<[^>]+>", " ", r.content.decode()).split())
    assert "share of each row&#x27;s base" in text
    # Mail: 4 of 5 at work, 1 at home, 4 on the phone (the shares add up to more than 100%).
    assert "E-mail: At work 80%" in text and "E-mail: On the phone 80%" in text and "E-mail: At home 20%" in text
    assert "E-mail 80% 20% 80% 5 low base" in text


def _export_rows(survey, monkeypatch, *, copy: bool) -> list[list[str]]:
    return list(csv.reader(io.StringIO(exported_csv(survey, copy=copy, monkeypatch=monkeypatch).decode())))


@pytest.mark.postgres
def test_the_raw_export_has_a_flag_per_row_and_choice_by_either_path(survey, monkeypatch):
    submit_and_count(survey, new_types_answers())
    result = response_submit(survey=survey, version=survey.open_version(), submission_id=uuid.uuid4(),
                             answers={"team": "dev", "usage": {"mail": ["home"], "chat": ["work"], "wiki": ["work"]},
                                      "chat_why": "plans"})
    assert result.ok, result.errors

    python = _export_rows(survey, monkeypatch, copy=False)
    database = _export_rows(survey, monkeypatch, copy=True)

    assert python == database
    header = python[0]
    columns = [name for name in header if name.startswith("usage.")]
    choices = ("work", "home", "phone")
    assert columns == [f"usage.{row}.{choice}" for row in ("mail", "chat", "wiki") for choice in choices]
    first = dict(zip(header, python[1], strict=True))
    assert [first[f"usage.mail.{c}"] for c in ("work", "home", "phone")] == ["1", "0", "1"]
    assert [first[f"usage.chat.{c}"] for c in ("work", "home", "phone")] == ["0", "1", "0"]
    assert ExportRecord.objects.count() == 2
