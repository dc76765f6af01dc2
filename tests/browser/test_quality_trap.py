"""The form's trap field for bots (responses/quality.py) in a real browser: off screen,
never reached by Tab, absent from what assistive technology reads, and the page still
passes axe at 1280 and 375 px; a person who answers leaves it empty and is not flagged."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from responses.models import Response
from responses.quality import HONEYPOT_FIELD
from tests.kit.browser import check_form_page, fill_demo_page_1, next_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 375])
def test_the_trap_field_is_unseen_unreachable_and_left_empty(open_page, live_server, demo_survey, width):
    page = open_page(width)
    page.goto(f"{live_server.url}/s/ddiq-2010/")
    check_form_page(page, "quality/trap")

    trap = page.locator(f'input[name="{HONEYPOT_FIELD}"]')
    box = trap.bounding_box()
    assert box is None or box["x"] + box["width"] <= 0  # left of the page, never on screen
    expect(page.get_by_role("textbox", name="Website")).to_have_count(0)  # hidden from assistive technology
    focused = set()
    for _ in range(60):  # more stops than the page has controls
        page.keyboard.press("Tab")
        focused.add(page.evaluate("document.activeElement && document.activeElement.name"))
    assert HONEYPOT_FIELD not in focused and "role" in focused

    fill_demo_page_1(page)
    next_page(page)
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    response = Response.objects.get()
    assert not response.honeypot and response.timed
