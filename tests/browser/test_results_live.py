"""A staff member watching the results in a real browser: new responses appear without a
reload, the pages work from the keyboard, and axe-core finds no serious problem."""

import random
import re

import pytest
from playwright.sync_api import expect

from tests.kit.browser import axe_violations, describe_violations
from tests.kit.data import submit_beside_worker
from tests.kit.demo import PARADOX, random_demo_answers
from tests.kit.results_browser import import_demo_survey, open_signed_in, staff_results_viewer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def survey(live_server):
    survey = import_demo_survey()
    staff_results_viewer(survey)
    rng = random.Random(1)
    for _ in range(6):
        submit_beside_worker(survey, random_demo_answers(rng, role="it"))
    return survey


def test_it_shows_a_new_response_on_the_open_overview_without_a_reload(page, live_server, survey):
    open_signed_in(page, live_server, "/results/ddiq-2010/")
    expect(page.locator("#counted")).to_have_text("6")
    page.evaluate("window.stillTheSamePage = true")
    submit_beside_worker(survey, random_demo_answers(random.Random(2), role="business"))
    expect(page.locator("#counted")).to_have_text("7", timeout=10_000)
    expect(page.locator("#live-poll")).to_contain_text("7 responses counted")
    assert page.evaluate("window.stillTheSamePage") is True


def test_it_updates_an_open_question_page(page, live_server, survey):
    open_signed_in(page, live_server, "/results/ddiq-2010/questions/role/")
    base = page.locator("tfoot td").first
    expect(base).to_have_text(re.compile(r"^6 low base"))
    submit_beside_worker(survey, random_demo_answers(random.Random(3), role="business"))
    expect(base).to_have_text(re.compile(r"^7 low base"), timeout=10_000)


def test_it_reaches_the_navigation_and_the_tables_links_with_the_keyboard(page, live_server, survey):
    open_signed_in(page, live_server, "/results/ddiq-2010/compare/")
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.append(page.evaluate(
            "() => { const e = document.activeElement;"
            " return [e.tagName, (e.textContent || '').trim().slice(0, 40), !!e.closest('table')]; }"
        ))
    texts = [text for tag, text, _ in reached if tag == "A"]
    for name in ("Overview", "Questions", "Compare", "Crosstab", "Methods"):
        assert name in texts, texts
    assert any(tag == "A" and in_table for tag, _, in_table in reached), reached
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/results/ddiq-2010/questions/"))


@pytest.mark.parametrize("path", ["/results/ddiq-2010/", "/results/ddiq-2010/questions/personal_use/", PARADOX])
def test_it_has_no_serious_accessibility_problems(page, live_server, survey, path):
    open_signed_in(page, live_server, path)
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


def test_a_live_refresh_keeps_the_open_data_table_the_focus_and_the_scroll(page, live_server, survey):
    page.set_viewport_size({"width": 1280, "height": 500})
    open_signed_in(page, live_server, "/results/ddiq-2010/")
    summary = page.get_by_text("Data table", exact=True)
    summary.click()
    expect(page.locator("#numbers details").first).to_have_js_property("open", True)
    summary.focus()
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 100
    submit_beside_worker(survey, random_demo_answers(random.Random(4), role="business"))
    expect(page.locator("#counted")).to_have_text("7", timeout=10_000)
    expect(page.locator("#numbers details").first).to_have_js_property("open", True)
    assert page.evaluate("document.activeElement.textContent.trim()") == "Data table"
    assert abs(page.evaluate("window.scrollY") - scrolled) <= 2


def test_every_results_page_has_the_same_menu_and_the_methods_page_leads_back(page, live_server, survey):
    open_signed_in(page, live_server, "/results/ddiq-2010/crosstab/")
    menu = page.locator(".results-nav")
    names = ["Overview", "Questions", "Compare", "Crosstab", "Exports", "Methods"]
    expect(menu.get_by_role("link")).to_have_text(names)
    menu.get_by_role("link", name="Exports").click()
    expect(page).to_have_url(f"{live_server.url}/results/ddiq-2010/exports/")
    expect(page.locator(".results-nav [aria-current=page]")).to_have_text("Exports")
    page.locator(".results-nav").get_by_role("link", name="Methods").click()
    expect(page).to_have_url(f"{live_server.url}/results/methods/?survey=ddiq-2010")
    expect(page.locator(".results-nav [aria-current=page]")).to_have_text("Methods")
    page.get_by_role("link", name="Back to the results of Digital IQ 2010 — social media").click()
    expect(page).to_have_url(f"{live_server.url}/results/ddiq-2010/")
    expect(page.locator("#live-poll")).to_contain_text(re.compile(r"the last at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \w+"))
