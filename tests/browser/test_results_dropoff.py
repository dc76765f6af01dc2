"""The overview's drop-off by page in Chromium: the table of the pages where respondents
stopped, readable at 1280 and 375 px without sideways scrolling, and clean for axe-core."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.kit.browser import assert_accessible, shots
from tests.kit.form import PAGE1, PAGE2, post_page
from tests.kit.results_browser import import_demo_survey, open_signed_in, staff_results_viewer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_shows_where_respondents_stopped_at_any_width(page, live_server):
    survey = import_demo_survey()
    staff_results_viewer(survey)
    for pages in ((PAGE1,), (PAGE1, PAGE2), (PAGE1, PAGE2)):
        client = Client()
        for answers in pages:
            assert post_page(client, answers).status_code == 302
    open_signed_in(page, live_server, "/results/ddiq-2010/")
    table = page.locator("#dropoff-v1")
    expect(table.locator("caption")).to_contain_text("3 of 3 respondents who started stopped before the end")
    expect(table.get_by_role("row", name="3. Your own use")).to_contain_text("67%")
    shots(page, "results/overview-dropoff", widths=(1280, 375), each=assert_accessible)
