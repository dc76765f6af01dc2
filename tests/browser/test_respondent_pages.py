"""The respondent's pages in a real browser: Save and continue later on page 1 and on
page 2 keeping every answer, resuming by the copied link in another browser with a
welcome back, the progress and the button label with a conditional page, the browser's
Back and Forward between page URLs; axe-core, the Content-Security-Policy, screenshots."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from responses.models import Response
from responses.services import stored_answers
from surveys.definition_files import definition_from_yaml
from surveys.selectors import compiled_version
from surveys.services import survey_import
from tests.kit.browser import assert_clean, assert_fits, field, fill_demo_page_1, next_page, screenshot, shots
from tests.kit.demo import CHANNELS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The last page is shown for one answer on page 1 only.
LAST_PAGE_BRANCH = """
slug: branch
title: A branch at the end
status: open
pages:
- title: Start
  questions:
  - {code: path, type: single, label: "Which way?", choices: [{code: one, label: One}, {code: two, label: Two}]}
- title: The long way
  condition: path = two
  questions:
  - {code: detail, type: short_text, label: "Anything to add?"}
"""


def answers() -> dict:
    response = Response.objects.get()
    return stored_answers(compiled_version(response.version), response)


def test_it_saves_page_1_for_later_and_resumes_by_the_copied_link_elsewhere(open_page, live_server, demo_survey):
    page = open_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(f"{live_server.url}/s/ddiq-2010/")
    expect(page).to_have_url(f"{live_server.url}/s/ddiq-2010/p/1/")
    page.check(field("role"))
    page.select_option(field("industry"), "retail")  # the level, required, left for later

    page.get_by_role("button", name="Save and continue later").click()

    expect(page.get_by_role("heading", name="Your answers are saved")).to_be_visible()
    assert answers() == {"role": "it", "industry": "retail"}
    link = page.locator(".resume-link a")
    resume_url = link.get_attribute("href")
    assert "/r/" in resume_url
    # One line on a phone: the link scrolls in its box instead of breaking mid-token.
    page.set_viewport_size({"width": 375, "height": 800})
    assert link.evaluate("a => a.getClientRects().length") == 1
    assert_fits(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("[data-copy-status]")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == resume_url
    assert_clean(page)
    shots(page, "flow/saved", widths=(1280, 375))

    elsewhere = open_page(375)  # another browser: its own cookies
    elsewhere.goto(resume_url)
    expect(elsewhere).to_have_url(f"{live_server.url}/s/ddiq-2010/p/1/")
    expect(elsewhere.get_by_text("Welcome back — you were on page 1.")).to_be_visible()
    expect(elsewhere.locator(field("role"))).to_be_checked()
    expect(elsewhere.locator(field("industry"))).to_have_value("retail")
    assert_clean(elsewhere)
    assert_fits(elsewhere)
    screenshot(elsewhere, "flow/welcome-back-375")
    elsewhere.reload()
    expect(elsewhere.get_by_text("Welcome back")).to_have_count(0)  # said once


def test_it_saves_page_2_with_three_matrix_rows_for_later(open_page, live_server, demo_survey):
    page = open_page()
    page.goto(f"{live_server.url}/s/ddiq-2010/")
    fill_demo_page_1(page)
    next_page(page)
    expect(page).to_have_url(f"{live_server.url}/s/ddiq-2010/p/2/")
    for channel in CHANNELS[:3]:
        page.check(field(f"company_usage.{channel}_2"))
    assert_clean(page)
    shots(page, "flow/page-2", widths=(1280, 375))

    # With the keyboard: the next stop after Next.
    page.locator(".form-nav button[value=next]").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Save and continue later"
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Your answers are saved")).to_be_visible()
    assert len(answers()["company_usage"]) == 3
    page.goto(f"{live_server.url}/s/ddiq-2010/")  # back later, through the survey's link
    expect(page).to_have_url(f"{live_server.url}/s/ddiq-2010/p/2/")
    expect(page.get_by_text("Welcome back — you were on page 2.")).to_be_visible()
    for channel in CHANNELS[:3]:
        expect(page.locator(field(f"company_usage.{channel}_2"))).to_be_checked()
    expect(page.locator(field(f"company_usage.{CHANNELS[3]}_2"))).not_to_be_checked()


def test_it_counts_a_conditional_page_until_the_answer_decides_it(open_page, live_server, db):
    survey_import(definition=definition_from_yaml(LAST_PAGE_BRANCH))
    page = open_page()
    page.goto(f"{live_server.url}/s/branch/")
    label, button = page.locator("#progress-label"), page.locator(".form-nav button[value=next]")
    bar = page.locator("#progress [role=progressbar]")

    expect(label).to_have_text("Page 1 of 2")
    expect(button).to_have_text("Next")
    assert_clean(page)
    shots(page, "flow/branch-page-1", widths=(1280, 375))

    page.check(field("path"))  # "One": the last page will not be shown
    expect(label).to_have_text("Page 1 of 1")
    expect(button).to_have_text("Submit")
    expect(bar).to_have_attribute("aria-valuemax", "1")
    expect(page.locator(".progress-bar")).to_have_class("progress-bar progress-step-20")

    page.check(field("path_1"))  # "Two"
    expect(label).to_have_text("Page 1 of 2")
    expect(button).to_have_text("Next")
    expect(page.locator(".progress-bar")).to_have_class("progress-bar progress-step-10")
    next_page(page)
    expect(page).to_have_url(f"{live_server.url}/s/branch/p/2/")
    expect(label).to_have_text("Page 2 of 2")
    expect(button).to_have_text("Submit")
    assert_clean(page)


def test_it_moves_between_pages_with_the_browsers_back_and_forward(open_page, live_server, demo_survey):
    page = open_page()
    page.goto(f"{live_server.url}/s/ddiq-2010/")
    fill_demo_page_1(page)
    next_page(page)
    for channel in CHANNELS:
        page.check(field(f"company_usage.{channel}_2"))
    next_page(page)
    expect(page).to_have_url(f"{live_server.url}/s/ddiq-2010/p/3/")

    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/s/ddiq-2010/p/2/")
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    expect(page.locator(field(f"company_usage.{CHANNELS[0]}_2"))).to_be_checked()
    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/s/ddiq-2010/p/1/")
    expect(page.locator(field("seniority_1"))).to_be_checked()
    expect(page.locator(field("industry"))).to_have_value("retail")
    page.go_forward()
    expect(page).to_have_url(f"{live_server.url}/s/ddiq-2010/p/2/")
    page.go_forward()
    expect(page).to_have_url(f"{live_server.url}/s/ddiq-2010/p/3/")
    expect(page.get_by_text("Page 3 of 3")).to_be_visible()
    assert_clean(page)

    # A page typed into the address bar beyond the ones reached goes to the right one.
    page.goto(f"{live_server.url}/s/ddiq-2010/p/9/")
    expect(page).to_have_url(f"{live_server.url}/s/ddiq-2010/p/3/")


def test_each_page_comes_in_one_request_at_its_own_url_and_reloads_without_posting(open_page, live_server,
                                                                                 demo_survey):
    # page-url.js: a Next is one post answered with the next page (no redirect, no GET),
    # shown at the next page's URL; a reload is a GET of that URL, never the post again.
    page = open_page()
    documents: list[tuple[str, str]] = []
    page.on("request", lambda request: documents.append((request.method, request.url.removeprefix(
        live_server.url))) if request.resource_type == "document" else None)
    page.goto(f"{live_server.url}/s/ddiq-2010/")
    expect(page).to_have_url(f"{live_server.url}/s/ddiq-2010/p/1/")
    fill_demo_page_1(page)
    documents.clear()
    next_page(page)
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/s/ddiq-2010/p/2/")
    assert documents == [("POST", "/s/ddiq-2010/p/1/")]

    documents.clear()
    page.reload()
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    assert documents == [("GET", "/s/ddiq-2010/p/2/")]
    assert Response.objects.get().current_page == 1

    for channel in CHANNELS:
        page.check(field(f"company_usage.{channel}_2"))
    documents.clear()
    next_page(page)
    expect(page.get_by_text("Page 3 of 3")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/s/ddiq-2010/p/3/")
    assert documents == [("POST", "/s/ddiq-2010/p/2/")]

    # Back (the form's button) is one request too, and the browser's Back and Forward
    # still walk the pages' URLs.
    documents.clear()
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/s/ddiq-2010/p/2/")
    assert documents == [("POST", "/s/ddiq-2010/p/3/")]
    expect(page.locator(field(f"company_usage.{CHANNELS[0]}_2"))).to_be_checked()
    documents.clear()
    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/s/ddiq-2010/p/3/")
    expect(page.get_by_text("Page 3 of 3")).to_be_visible()
    page.go_forward()
    expect(page).to_have_url(f"{live_server.url}/s/ddiq-2010/p/2/")
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    assert all(method == "GET" for method, _ in documents), documents  # from the cache or a GET, never a post
    assert_clean(page)
