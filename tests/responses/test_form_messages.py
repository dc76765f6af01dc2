"""The form's error messages say what to do, in the words of the question's control
("Choose an answer for LinkedIn."), while the JSON API keeps its own words: API clients
read those (tests/responses/test_api_submit.py pins them), so the form rewords errors by
their code and leaves the API's text alone."""

from __future__ import annotations

import re

import pytest

from responses.models import Response
from surveys.definition_files import definition_from_yaml
from surveys.services import survey_import
from surveys.types import REQUIRED
from tests.kit.api import submit
from tests.kit.form import PAGE1, PAGE2, complete, html_of, post_page

URL = "/s/prompts/"
PROMPTS = """
slug: prompts
title: Prompts
status: open
pages:
- title: Everything required
  questions:
  - {code: pick, type: single, label: "Pick one?", required: true, choices: [{code: a, label: A}, {code: b, label: B}]}
  - {code: menu, type: dropdown, label: Menu, required: true, choices: [{code: a, label: A}]}
  - {code: many, type: multiple, label: Many, required: true, choices: [{code: a, label: A}, {code: b, label: B}]}
  - {code: count, type: integer, label: Count, required: true}
  - {code: share, type: decimal, label: Share, required: true}
  - {code: day, type: date, label: Day, required: true}
  - {code: mail, type: email, label: Mail, required: true}
  - {code: words, type: short_text, label: Words, required: true}
  - {code: score, type: rating, label: Score, required: true}
  - code: grid
    type: matrix
    label: Grid
    required: true
    rows: [{code: r1, label: LinkedIn}, {code: r2, label: Wikis}]
    choices: [{code: lo, label: Low}, {code: hi, label: High}]
  - code: grid_two
    type: matrix
    label: Second grid
    required: true
    rows: [{code: r1, label: LinkedIn}]
    choices: [{code: lo, label: Low}, {code: hi, label: High}]
"""


@pytest.fixture
def prompts(db):
    version, _ = survey_import(definition=definition_from_yaml(PROMPTS))
    return version


def _beside(html: str, field: str) -> list[str]:
    block = re.search(rf'id="id_{re.escape(field)}_error" class="invalid-feedback">(.*?)</div>', html, re.S)
    return re.findall(r"<strong>(.*?)</strong>", block.group(1)) if block else []


def _summary(html: str) -> dict[str, str]:
    return dict(re.findall(r'<a class="alert-link" href="#id_([a-z_0-9.]+)">(.*?)</a>', html))


def test_it_asks_for_each_type_of_answer_in_its_own_words(client, prompts):
    html = html_of(post_page(client, {}, url=URL))

    assert {field: _beside(html, field) for field in (
        "pick", "menu", "many", "count", "share", "day", "mail", "words", "score", "grid.r1", "grid.r2",
    )} == {
        "pick": ["Choose an answer."],
        "menu": ["Choose an answer."],
        "many": ["Choose at least one answer."],
        "count": ["Enter a number."],
        "share": ["Enter a number."],
        "day": ["Enter a date."],
        "mail": ["Enter an e-mail address."],
        "words": ["Enter an answer."],
        "score": ["Choose a rating."],
        "grid.r1": ["Choose an answer for LinkedIn."],
        "grid.r2": ["Choose an answer for Wikis."],
    }
    assert "This question is required" not in html
    assert not Response.objects.exists()


def test_it_names_the_question_in_the_summary_and_a_row_only_by_its_label(client, prompts):
    summary = _summary(html_of(post_page(client, {}, url=URL)))

    assert summary["pick"] == "Pick one? Choose an answer."
    assert summary["count"] == "Count: Enter a number."
    assert summary["grid.r2"] == "Choose an answer for Wikis."
    # "LinkedIn" is a row of both matrices here: the summary says which one.
    assert summary["grid.r1"] == "Grid: Choose an answer for LinkedIn."
    assert summary["grid_two.r1"] == "Second grid: Choose an answer for LinkedIn."


def test_it_says_what_to_do_with_two_answers_in_a_matrix_row(client, demo_survey):
    post_page(client, PAGE1)

    html = html_of(post_page(client, {**PAGE2, "company_usage.linkedin": ["none", "some"]}))

    assert _beside(html, "company_usage.linkedin") == ["Choose only one answer for LinkedIn."]
    assert _summary(html)["company_usage.linkedin"] == "Choose only one answer for LinkedIn."


def test_it_says_what_to_do_with_an_exclusive_choice_among_others(client, demo_survey):
    complete(client, pages=(PAGE1, PAGE2))

    html = html_of(post_page(client, {"barriers": ["roi", "no_barriers"]}))

    assert _beside(html, "barriers") == ["Choose either “No significant barriers” or other answers, not both."]


def test_the_api_keeps_its_own_messages(client, prompts):
    r = submit(client, {}, url="/api/v1/surveys/prompts/responses/")

    assert r.status_code == 400
    errors = r.json()["errors"]
    assert errors["pick"] == [REQUIRED] == ["This question is required."]
    assert errors["grid.r1"] == errors["many"] == errors["count"] == [REQUIRED]
