"""The constant sum in a real browser (tests.kit.constant_sum): a budget of 100 shared
among three rows, completed with the keyboard alone at 1280 and 375 px, the running sum
kept up to date and said politely as the respondent types, a question on the same page
shown by a row's number, a wrong sum refused where the sum is; no sideways scrolling,
accessibility problems or policy violations, and 44 px targets on a phone. Screenshots
in SHOTS/constsum for a person to look at."""

from __future__ import annotations

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
from tests.kit.constant_sum import constant_sum_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page, shot: str) -> None:
    check_form_page(page, f"constsum/{shot}")


def type_into(page, name: str, text: str) -> None:
    """Tab to a row's number input, clear it and type."""
    tab_to(page, field(name))
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


@pytest.mark.parametrize("width", [1280, 375])
def test_a_respondent_shares_the_total_with_the_keyboard_alone(open_page, live_server, db, width):
    survey = constant_sum_survey()
    page = open_page(width)
    page.goto(f"{live_server.url}/s/budget-split/")
    total = page.locator("#id_budget")
    expect(total).to_have_attribute("aria-live", "polite")
    expect(total).to_have_text("Total: 0 of 100, 100 left.")
    check(page, "page-1")

    no_wiki = page.locator("#q-no_wiki")
    expect(no_wiki).to_be_hidden()  # `budget.wiki = 0`: nothing typed yet, no answer

    tab_to(page, field("team"))
    page.keyboard.press("Space")
    type_into(page, "budget.mail", "70")
    expect(total).to_have_text("Total: 70 of 100, 30 left.")
    expect(no_wiki).to_be_visible()  # the blank wiki row beside a filled one is 0, as on the server
    type_into(page, "budget.chat", "40")
    expect(total).to_have_text("Total: 110 of 100, 10 too many.")
    press_button(page, "Next")
    # Refused where the sum is, what was typed kept.
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("Make the numbers add up to 100: they add up to 110 now.")
    expect(page.locator(field("budget.mail"))).to_have_value("70")
    expect(total).to_have_text("Total: 110 of 100, 10 too many.")
    check(page, "page-1-errors")

    type_into(page, "budget.chat", "20")
    type_into(page, "budget.wiki", "10")
    expect(total).to_have_text("Total: 100 of 100. Done.")
    expect(no_wiki).to_be_hidden()
    check(page, "page-1-answered")
    press_button(page, "Next")
    # The page asked only of those who give e-mail more than half (`budget.mail > 50`).
    expect(page.get_by_label("Why mostly e-mail?")).to_be_visible()
    tab_to(page, field("mail_why"))
    page.keyboard.type("Habit")
    press_button(page, "Submit")

    expect(page.get_by_role("heading", name="Survey complete")).to_be_visible()
    response = Response.objects.get(survey=survey)
    assert stored_answers(compiled_version(survey.open_version()), response) == {
        "team": "ops", "budget": {"mail": 70, "chat": 20, "wiki": 10}, "mail_why": "Habit",
    }
