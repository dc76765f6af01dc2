"""A results viewer filters by data-quality flags in a real browser: from the overview's
flag counts to the pages with only the unflagged (or only one flag's) completes, the
filter box showing the condition and a misspelt flag shown where it is; the pages fit and
are accessible at 1280 and 375 px (screenshots under SHOTS/results-flagged)."""

import random
import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from responses.models import Response
from tests.kit.browser import assert_clean, shots
from tests.kit.data import bulk_responses
from tests.kit.demo import random_demo_answers
from tests.kit.results_browser import import_demo_survey, open_signed_in, staff_results_viewer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _where(page) -> list[str]:
    return parse_qs(urlparse(page.url).query).get("where", [])


def test_a_viewer_keeps_only_the_unflagged_then_only_the_speeders(page, live_server):
    survey = import_demo_survey()
    staff_results_viewer(survey)
    rng = random.Random(7)
    sets = [random_demo_answers(rng) for _ in range(30)]
    responses = bulk_responses(survey, sets)
    speeders = [r.pk for r in responses[:4]]
    Response.objects.filter(pk__in=speeders).update(flags=["speeder"])
    Response.objects.filter(pk=responses[4].pk).update(flags=["bot"])
    open_signed_in(page, live_server, "/results/ddiq-2010/")
    completed = page.locator(".totals dd").first
    expect(completed).to_have_text("30")

    page.get_by_role("link", name="Show only unflagged completes").click()
    assert _where(page) == ["not flagged"]
    expect(page.get_by_label("Only respondents where")).to_have_value("not flagged")
    expect(completed).to_have_text("25")
    shots(page, "results-flagged/unflagged", widths=(1280, 375), each=lambda p: assert_clean(p))

    page.get_by_role("link", name="Speeder 4").click()
    assert _where(page) == ["flagged(speeder)"]
    expect(completed).to_have_text("4")

    box = page.get_by_label("Only respondents where")
    box.fill("flagged(speedr)")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#f-where-error")).to_contain_text("unknown flag 'speedr'")
    expect(completed).to_have_text("30")  # not applied
    shots(page, "results-flagged/error", widths=(1280, 375), each=lambda p: assert_clean(p))

    box.fill("not flagged(bot) and role = it")
    box.press("Enter")
    expect(page.locator("#f-where-error")).to_have_count(0)
    wanted = sum(1 for i, s in enumerate(sets) if i != 4 and s["role"] == "it")
    expect(completed).to_have_text(re.compile(rf"^{wanted}$"))
