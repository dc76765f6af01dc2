"""One survey with every question type this round added, completed with the keyboard alone
at 1280 and 375 px: a choice with "Other, please specify", a 1-5 star rating, a slider, a
multiple-choice matrix, a ranking and a constant sum; no sideways scrolling, accessibility
problems or policy violations, 44 px targets on a phone (SHOTS/everytype/ for a person to
look at). Each type's own details are tested in its own file (test_specify, test_rating_scales,
test_new_types, test_ranking, test_constant_sum)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from responses.models import Response
from responses.services import raw_answers, stored_answers
from surveys.definition_files import definition_from_yaml
from surveys.selectors import compiled_version
from surveys.services import survey_import
from tests.kit.browser import check_form_page, field, press_button, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVERY_TYPE = """
slug: every-type
title: Every new question type
status: open
pages:
- title: About you
  questions:
  - {code: team, type: single, label: Your team, required: true,
     choices: [{code: ops, label: Operations}, {code: dev, label: Development},
               {code: other, label: Other, specify: required}]}
  - {code: service, type: rating, label: "How was our service?", required: true, min: 1, max: 5,
     display: stars, low_label: Very poor, high_label: Excellent}
  - {code: sure, type: slider, label: "How sure are you?", min: 0, max: 10, step: 1}
- title: Your tools
  questions:
  - code: usage
    type: matrix_multiple
    label: Where do you use each tool?
    required: true
    rows: [{code: mail, label: E-mail}, {code: chat, label: Chat}]
    choices: [{code: work, label: At work}, {code: home, label: At home}]
  - code: priorities
    type: ranking
    label: Put these in order of importance
    required: true
    choices: [{code: price, label: Price}, {code: speed, label: Speed}, {code: support, label: Support}]
  - code: budget
    type: constant_sum
    label: Share 100 points among these channels
    required: true
    total: 100
    rows: [{code: mail, label: E-mail}, {code: chat, label: Chat}]
"""


def type_into(page, name: str, text: str) -> None:
    tab_to(page, field(name))
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


@pytest.mark.parametrize("width", [1280, 375])
def test_a_respondent_completes_every_new_type_with_the_keyboard_alone(open_page, live_server, db, width):
    version, _ = survey_import(definition=definition_from_yaml(EVERY_TYPE))
    page = open_page(width)
    page.goto(f"{live_server.url}/s/every-type/")
    check_form_page(page, "everytype/page-1")

    tab_to(page, "input[name=team]")  # into the group; the arrows choose
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator(field("team_2"))).to_be_checked()  # Other: its box appears
    tab_to(page, field("team.other.text"))
    page.keyboard.type("Research")
    tab_to(page, field("service"))
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="3 of 5 stars", exact=True)).to_be_checked()
    tab_to(page, "#id_sure_range")
    page.keyboard.press("End")
    expect(page.locator("#q-sure output")).to_have_text("10")
    check_form_page(page, "everytype/page-1-answered")
    press_button(page, "Next")

    expect(page.get_by_role("heading", name="Your tools")).to_be_visible()
    check_form_page(page, "everytype/page-2")
    for name in ("usage.mail", "usage.chat_1"):  # e-mail at work, chat at home
        tab_to(page, field(name))
        page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Move Speed up"))
    page.keyboard.press("Enter")
    type_into(page, "budget.mail", "60")
    type_into(page, "budget.chat", "40")
    expect(page.locator("#id_budget")).to_have_text("Total: 100 of 100. Done.")
    check_form_page(page, "everytype/page-2-answered")
    press_button(page, "Submit")

    expect(page.get_by_role("heading", name="Survey complete")).to_be_visible()
    answers = stored_answers(compiled_version(version), Response.objects.get(survey=version.survey))
    assert answers == {
        "team": "other", "service": 3, "sure": Decimal("10"),
        "usage": {"mail": frozenset({"work"}), "chat": frozenset({"home"})},
        "priorities": ("speed", "price", "support"),
        "budget": {"mail": 60, "chat": 40},
    }
    assert raw_answers(answers)["team.other.text"] == "Research"
