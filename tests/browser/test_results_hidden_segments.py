"""A results viewer crosses a hidden field with values in a real browser: the crosstab's
selects offer it, its values are the rows, the counts equal a recount, and the page
(with the overview's segment table listing the values) fits and is accessible at 1280 and
375 px (screenshots under SHOTS/results-hidden-segments)."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.kit.browser import assert_clean, shots
from tests.kit.demo import panel_version
from tests.kit.hidden_segments import source_completes
from tests.kit.results_browser import import_demo_survey, open_signed_in, staff_results_viewer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_viewer_crosses_the_respondents_source_with_their_role(page, live_server):
    survey = import_demo_survey()
    panel_version()
    staff_results_viewer(survey)
    given = source_completes(Client())

    open_signed_in(page, live_server, "/results/ddiq-2010/crosstab/")
    page.get_by_label("Rows").select_option("src")
    page.get_by_label("Columns").select_option("role")
    page.get_by_role("button", name="Show").click()
    table = page.locator("table.crosstab")
    expect(table.locator("tbody th")).to_have_text(["src = li", "src = tw", "src = mail"])
    sourced = [g for g in given if g["src"]]
    expect(table.locator("tfoot td").last).to_have_text(str(len(sourced)))
    li = table.locator("tbody tr").first.locator("td").last.locator(".pct")
    expect(li).to_have_text(str(sum(1 for g in given if g["src"] == "li")))
    shots(page, "results-hidden-segments/crosstab", widths=(1280, 375), each=lambda p: assert_clean(p))

    page.goto(f"{live_server.url}/results/ddiq-2010/")
    segments = page.locator("#h-segments + div table")
    expect(segments.get_by_role("rowheader", name="src = tw")).to_have_count(1)
    shots(page, "results-hidden-segments/overview", widths=(1280, 375), each=lambda p: assert_clean(p))
