"""Ranking questions in a real browser (tests.kit.ranking): ordered with the keyboard
alone (each answer's Up and Down buttons) and by dragging, at 1280 and 375 px, without
sideways scrolling, accessibility problems or policy violations, with 44 px targets on a
phone; the hidden rank selects follow the order, and a rank shows the question (on the
same page, in the browser) and the page its condition names. Screenshots in SHOTS/ranking for a person to look at."""

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
from tests.kit.ranking import RANKING_FORM, ranking_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page, shot: str) -> None:
    check_form_page(page, f"ranking/{shot}")


def item(code: str) -> str:
    return f'[id="div_id_{code}"]'


def order(page, question: str) -> list[str]:
    """The answers' labels in the order the list shows them."""
    return page.locator(f"[data-ranking={question}] .ranking-label").all_inner_texts()


def ranks(page, question: str, choices: tuple[str, ...]) -> list[str]:
    """The values of the (hidden) rank selects that the form posts."""
    return [page.locator(f'select[name="{question}.{c}"]').input_value() for c in choices]


PRIORITIES = ("price", "speed", "support", "looks")
CHANNELS = ("mail", "chat", "phone", "wiki")


@pytest.mark.parametrize("width", [1280, 375])
def test_a_respondent_ranks_with_the_keyboard_alone(open_page, live_server, db, width):
    survey = ranking_survey()
    page = open_page(width)
    page.goto(f"{live_server.url}{RANKING_FORM}")
    # Scripted: no selects shown, Up and Down buttons, and nothing ranked until moved.
    expect(page.locator("select[name='priorities.price']")).to_be_hidden()
    expect(page.get_by_role("button", name="Move Speed up")).to_be_visible()
    assert ranks(page, "priorities", PRIORITIES) == ["", "", "", ""]
    check(page, "page-1")

    tab_to(page, field("team"))
    page.keyboard.press("Space")
    # Speed up one place: the order is the answer, every select filled and said aloud.
    tab_to(page, page.get_by_role("button", name="Move Speed up"))
    page.keyboard.press("Enter")
    assert order(page, "priorities") == ["Speed", "Price", "Support", "Looks"]
    assert ranks(page, "priorities", PRIORITIES) == ["2", "1", "3", "4"]
    expect(page.locator("#q-priorities [data-ranking-status]")).to_have_text("Speed: rank 1 of 4.")
    expect(page.get_by_role("button", name="Move Speed up")).to_be_focused()
    # Looks down is last already; Support down one place.
    tab_to(page, page.get_by_role("button", name="Move Support down"))
    page.keyboard.press("Enter")
    assert ranks(page, "priorities", PRIORITIES) == ["2", "1", "4", "3"]
    # The top 2 of the channels: Wiki up three places to first, E-mail second.
    tab_to(page, page.get_by_role("button", name="Move Wiki up"))
    for _ in range(3):
        page.keyboard.press("Enter")
    assert order(page, "channels") == ["Wiki", "E-mail", "Chat", "Phone"]
    assert ranks(page, "channels", CHANNELS) == ["2", "", "", "1"]
    expect(page.locator("#q-channels [data-ranking-status]")).to_have_text("Wiki: rank 1 of 2.")
    check(page, "page-1-ranked")
    press_button(page, "Next")

    # Price ranked 2nd: the page asked when `priorities.price <= 2`.
    expect(page.get_by_label("Why does the price matter to you?")).to_be_visible()
    tab_to(page, field("price_why"))
    page.keyboard.type("Budgets")
    press_button(page, "Submit")

    expect(page.get_by_role("heading", name="Survey complete")).to_be_visible()
    answers = stored_answers(compiled_version(survey.open_version()), Response.objects.get(survey=survey))
    assert answers["priorities"] == ("speed", "price", "looks", "support")
    assert answers["channels"] == ("wiki", "mail")
    assert "looks_why" not in answers  # its condition, `priorities.looks = 1`, kept it hidden


def drag(page, source: str, target: str) -> None:
    """Drag the list item `source` by its label onto the upper half of `target`, with the
    pointer (SortableJS's fallback listens to pointer events, as on a phone)."""
    start = page.locator(f"{source} .ranking-label").bounding_box()
    end = page.locator(target).bounding_box()
    page.mouse.move(start["x"] + 10, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(start["x"] + 12, start["y"] + start["height"] / 2 - 5, steps=3)
    page.mouse.move(end["x"] + 12, end["y"] + 4, steps=15)
    page.wait_for_timeout(200)
    page.mouse.up()


@pytest.mark.parametrize("width", [1280, 375])
def test_a_respondent_ranks_by_dragging(open_page, live_server, db, width):
    survey = ranking_survey()
    page = open_page(width)
    page.goto(f"{live_server.url}{RANKING_FORM}")
    page.wait_for_function("() => typeof Sortable !== 'undefined'")
    page.check(field("team"))

    why = page.get_by_label("Why do looks come first?")
    expect(why).to_be_hidden()
    drag(page, item("priorities.looks"), item("priorities.price"))

    expect(page.locator("[data-ranking=priorities] .ranking-label").first).to_have_text("Looks")
    assert ranks(page, "priorities", PRIORITIES) == ["2", "3", "4", "1"]
    # Shown on the same page by the browser's evaluator when `priorities.looks = 1`.
    expect(why).to_be_visible()
    why.fill("It sells")
    # "Keep this order" answers a list as it stands.
    page.get_by_role("button", name="Keep this order").click()
    assert ranks(page, "channels", CHANNELS) == ["1", "2", "", ""]
    check(page, "dragged")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_label("Why does the price matter to you?")).to_be_visible()  # price 2nd
    page.get_by_role("button", name="Submit").click()

    expect(page.get_by_role("heading", name="Survey complete")).to_be_visible()
    answers = stored_answers(compiled_version(survey.open_version()), Response.objects.get(survey=survey))
    assert answers["priorities"] == ("looks", "price", "speed", "support")
    assert answers["channels"] == ("mail", "chat")
    assert answers["looks_why"] == "It sells"


def test_without_script_the_ranks_are_selects(browser, live_server, db):
    ranking_survey()
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}{RANKING_FORM}")
    page.check(field("team"))
    for choice, rank in zip(PRIORITIES, ("1", "1", "2", "3"), strict=True):
        page.get_by_label(choice.title(), exact=True).select_option(rank)
    page.get_by_role("button", name="Next").click()

    # Two answers share rank 1: said where it is, the ranks kept.
    expect(page.locator("#error-summary")).to_contain_text("Give “Price” and “Speed” different ranks.")
    assert ranks(page, "priorities", PRIORITIES) == ["1", "1", "2", "3"]
    context.close()
