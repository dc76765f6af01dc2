"""The new question types in a real browser (tests.kit.new_types): a survey with a
multiple-choice matrix and a slider completed with the keyboard alone at 1280 and 375 px,
without sideways scrolling, accessibility problems or policy violations, and with 44 px
targets on a phone; a slider left untouched is no answer. Screenshots in SHOTS/newtypes
for a person to look at."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from responses.models import Response
from responses.services import stored_answers
from surveys.selectors import compiled_version
from tests.kit.browser import (
    check_form_page,
    field,
    press_button,
    tab_to,
)
from tests.kit.new_types import new_types_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page, shot: str) -> None:
    check_form_page(page, f"newtypes/{shot}")


def tick(page, name: str) -> None:
    """Tab to a checkbox and tick it with Space."""
    tab_to(page, field(name))
    page.keyboard.press("Space")
    expect(page.locator(field(name))).to_be_checked()


@pytest.mark.parametrize("width", [1280, 375])
def test_a_respondent_completes_the_new_types_with_the_keyboard_alone(open_page, live_server, db, width):
    survey = new_types_survey()
    page = open_page(width)
    page.goto(f"{live_server.url}/s/new-types/")
    if width >= 576:
        expect(page.locator("#q-usage thead th[scope=col]")).to_have_text(["At work", "At home", "On the phone"])
    else:
        expect(page.locator("#q-usage thead")).to_be_hidden()
    check(page, "page-1")

    tab_to(page, field("team"))
    page.keyboard.press("Space")
    tick(page, "usage.mail")  # At work
    tick(page, "usage.mail_2")  # and on the phone: several per row
    press_button(page, "Next")
    # The rows left empty are named where they are and in the summary.
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("Choose at least one answer for Chat.")
    expect(page.locator(field("usage.mail"))).to_be_checked()
    expect(page.locator(field("usage.mail_2"))).to_be_checked()
    check(page, "page-1-errors")

    tick(page, "usage.chat")
    tick(page, "usage.chat_1")
    tick(page, "usage.wiki_1")
    # The slider says it is not answered until moved, then its value, live.
    slider = page.locator("#id_sure_range")
    expect(slider).to_have_attribute("aria-valuetext", "Not answered yet")
    expect(page.locator("#q-sure output")).to_have_text("Not answered yet: move the slider")
    tab_to(page, "#id_sure_range")
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")
    expect(slider).to_have_attribute("aria-valuetext", "9.5")
    expect(page.locator("#q-sure output")).to_have_text("9.5")
    expect(page.get_by_label("How sure are you of these answers?")).to_have_value("9.5")
    check(page, "page-1-answered")
    press_button(page, "Next")
    # The page asked only of those who chat at work (`usage.chat has work`).
    expect(page.get_by_label("What do you chat about at work?")).to_be_visible()
    check(page, "page-2")
    tab_to(page, field("chat_why"))
    page.keyboard.type("Releases")
    press_button(page, "Submit")

    expect(page.get_by_role("heading", name="Survey complete")).to_be_visible()
    response = Response.objects.get(survey=survey)
    assert stored_answers(compiled_version(survey.open_version()), response) == {
        "team": "ops",
        "usage": {"mail": frozenset({"work", "phone"}), "chat": frozenset({"work", "home"}),
                  "wiki": frozenset({"home"})},
        "sure": Decimal("9.5"),
        "chat_why": "Releases",
    }


def test_an_untouched_slider_is_not_an_answer(open_page, live_server, db):
    survey = new_types_survey()
    page = open_page(1280)
    page.goto(f"{live_server.url}/s/new-types/")
    page.check(field("team"))
    for row in ("mail", "chat_1", "wiki_1"):
        page.check(field(f"usage.{row}"))
    # Focus passing over the slider does not answer it.
    tab_to(page, "#id_sure_range")
    page.keyboard.press("Tab")
    expect(page.locator("#id_sure_range")).to_have_attribute("aria-valuetext", "Not answered yet")
    # "Next": the chat page's condition (`... or sure >= 9`) still awaits the slider's answer.
    press_button(page, "Next")

    expect(page.get_by_role("heading", name="Survey complete")).to_be_visible()
    answers = stored_answers(compiled_version(survey.open_version()), Response.objects.get(survey=survey))
    assert "sure" not in answers and answers["team"] == "ops"
