"""A results viewer types a filter condition in a real browser: a mistake is shown where it
is, the corrected filter updates the numbers and the address, and it can be saved; the
pages fit and are accessible at 1280 and 375 px (screenshots under SHOTS/results-where)."""

import random
import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.kit.browser import assert_clean, screenshot, shots
from tests.kit.data import bulk_responses
from tests.kit.demo import random_demo_answers
from tests.kit.new_types import new_types_answers, new_types_survey
from tests.kit.results_browser import import_demo_survey, open_signed_in, staff_results_viewer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _clean_with_the_box_in_view(name: str):
    """Each width's checks, and a screenshot of the window (the filter box) beside the full page's."""
    def each(page) -> None:
        assert_clean(page)
        page.locator("#f-where").scroll_into_view_if_needed()
        screenshot(page, f"{name}-box-{page.viewport_size['width']}", full_page=False)
    return each


def _where(page) -> list[str]:
    return parse_qs(urlparse(page.url).query).get("where", [])


def test_a_viewer_types_a_filter_sees_the_mistake_fixes_it_and_saves_it(page, live_server):
    survey = import_demo_survey()
    staff_results_viewer(survey)
    rng = random.Random(4)
    sets = [random_demo_answers(rng) for _ in range(40)]
    bulk_responses(survey, sets)
    it = sum(1 for s in sets if s["role"] == "it")
    open_signed_in(page, live_server, "/results/ddiq-2010/questions/personal_use/")
    base = page.locator("table tfoot td").first

    box = page.get_by_label("Only respondents where")
    box.fill("role = it and company_usage.twiter = none")
    page.get_by_role("button", name="Apply").click()
    error = page.locator("#f-where-error")
    expect(error).to_contain_text("Filter (at character 29): unknown row 'twiter'")
    expect(page.locator(".where-caret-mark")).to_have_text(" " * 28 + "^")
    expect(box).to_have_value("role = it and company_usage.twiter = none")
    expect(box).to_have_attribute("aria-describedby", re.compile("f-where-error"))
    expect(base).to_have_text(re.compile(r"^40\b"))  # not applied
    shots(page, "results-where/error", widths=(1280, 375), each=_clean_with_the_box_in_view("results-where/error"))

    box.fill("role = it and company_usage.twitter != none")
    box.press("Enter")
    expect(error).to_have_count(0)
    assert _where(page) == ["role = it and company_usage.twitter != none"]
    meeting = sum(1 for s in sets if s["role"] == "it" and s["company_usage"]["twitter"] != "none")
    expect(base).to_have_text(re.compile(rf"^{meeting}\b"))
    expect(page.get_by_text("where role = it and company_usage.twitter != none").first).to_be_visible()

    page.get_by_label("Save this filter as").fill("IT, company on Twitter")
    page.get_by_role("button", name="Save filter").click()
    expect(page.get_by_role("status").filter(has_text="Saved the filter")).to_be_visible()
    shots(page, "results-where/saved", widths=(1280, 375), each=_clean_with_the_box_in_view("results-where/saved"))

    page.get_by_label("Only respondents where").fill("role = it")
    page.get_by_role("button", name="Apply").click()
    expect(base).to_have_text(re.compile(rf"^{it}\b"))
    page.get_by_role("link", name="IT, company on Twitter").click()
    assert _where(page) == ["role = it and company_usage.twitter != none"]
    expect(base).to_have_text(re.compile(rf"^{meeting}\b"))

    page.get_by_role("link", name="Overview").first.click()
    expect(page).to_have_url(re.compile(r"/results/ddiq-2010/\?"))
    assert _where(page) == ["role = it and company_usage.twitter != none"]
    shots(page, "results-where/overview", widths=(1280, 375), each=lambda p: assert_clean(p))


def test_the_slider_summary_and_labels_fit_at_375(page, live_server):
    survey = new_types_survey()
    staff_results_viewer(survey)
    bulk_responses(survey, [new_types_answers(team=t, sure=s) for t, s in (("ops", 3), ("dev", 9.5), ("ops", 7))])
    open_signed_in(page, live_server, "/results/new-types/questions/sure/")
    caption = page.locator("caption", has_text="Summary")
    page.set_viewport_size({"width": 375, "height": 900})
    box = caption.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    shots(page, "results-where/slider", widths=(1280, 375), each=lambda p: assert_clean(p))
    expect(page.locator(".question-code").first).to_have_attribute("title", re.compile("Question code"))
