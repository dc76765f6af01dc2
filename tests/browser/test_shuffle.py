"""A page in a random order in a real browser at a phone's width: the questions, choices
and matrix rows come in the order drawn for the page's submission id (anchored "Other",
"None of these" and "Overall" last), the page fits 375 px with 44 px targets and is
axe-core clean (screenshot SHOTS/shuffle/page-1-375.png), and the next page is the one the
block drew first."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from responses.ordering import order_seed
from surveys.definition_files import definition_from_data
from surveys.ordering import draw_order
from surveys.services import survey_import
from tests.kit.browser import check_form_page, next_page
from tests.kit.shuffle import SHUFFLED, shown_questions, shown_rows, shown_values

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_shuffled_page_at_375_px(open_page, live_server):
    definition = definition_from_data(SHUFFLED)
    survey_import(definition=definition)
    page = open_page(width=375)
    page.goto(f"{live_server.url}/s/shuffled/")
    drawn = draw_order(definition, order_seed(page.locator("input[name=submission_id]").input_value()))

    html = page.content()
    assert shown_questions(html, ["brand", "seen", "rating"]) == drawn["pages"]["0"]
    assert shown_values(html, "brand") == drawn["items"]["brand"] and drawn["items"]["brand"][-1] == "other"
    assert shown_values(html, "seen") == drawn["items"]["seen"]
    assert shown_rows(html, "rating") == drawn["items"]["rating"]
    check_form_page(page, "shuffle/page-1")

    page.get_by_label("Bolt", exact=True).first.check()
    next_page(page)
    first = drawn["blocks"]["brand_pages"][0]
    expect(page).to_have_url(f"{live_server.url}/s/shuffled/p/{first + 1}/")
