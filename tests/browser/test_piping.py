"""A piped page in a real browser at a phone's width: page 2 shows page 1's answers in
its question text, help text, choice and row labels, fits 375 px without sideways
scrolling, and is axe-core clean (screenshots at 375 and 1280 px, SHOTS/piping/)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from surveys.definition_files import definition_from_data
from surveys.services import survey_import
from tests.kit.browser import assert_clean, field, next_page, shots
from tests.kit.piping import PIPED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_page_two_shows_page_ones_answers_at_375_px(open_page, live_server):
    survey_import(definition=definition_from_data(PIPED))
    page = open_page(width=375)
    page.goto(f"{live_server.url}/s/piped/?src=newsletter")
    page.get_by_label("Retail", exact=True).check()
    page.get_by_label("Twitter", exact=True).check()
    page.fill(field("nickname"), "<i>Ada</i>")
    next_page(page)

    expect(page).to_have_url(f"{live_server.url}/s/piped/p/2/")
    expect(page.get_by_text("How often does your Retail company use Twitter?")).to_be_visible()
    expect(page.get_by_text("You use Twitter; found us on newsletter.")).to_be_visible()
    expect(page.get_by_label("Daily, <i>Ada</i>")).to_be_visible()  # shown as typed, not as markup
    expect(page.get_by_text("In Retail", exact=True)).to_be_visible()  # a matrix row
    shots(page, "piping/page-2", widths=(375, 1280), each=assert_clean)
