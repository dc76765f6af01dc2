"""A respondent's way through the demo survey in a real browser: the keyboard alone,
the display condition evaluated in the page, narrow screens and axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from responses.models import Response
from responses.services import stored_answers
from surveys.selectors import compiled_version
from tests.kit.browser import axe_violations, describe_violations, field, press_button, tab_to
from tests.kit.demo import CHANNELS
from tests.kit.surveys import ALL_TYPES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose_in_group(page, name: str, steps: int) -> None:
    """Focus a radio group (its first radio, when nothing is chosen yet) and choose the
    option `steps` places further down: Space for the first, arrow keys for the others."""
    tab_to(page, field(name))
    if steps == 0:
        page.keyboard.press("Space")
    for _ in range(steps):
        page.keyboard.press("ArrowDown")


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


def assert_fits_375(page) -> None:
    size = page.viewport_size
    page.set_viewport_size({"width": 375, "height": 800})
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        page.set_viewport_size(size)


def check_page(page) -> None:
    assert_accessible(page)
    assert_fits_375(page)


def test_it_lets_a_respondent_complete_the_survey_with_the_keyboard_alone(browser, page, live_server, demo_survey):
    page.goto(f"{live_server.url}/s/ddiq-2010/")
    expect(page.get_by_text("Page 1 of 3")).to_be_visible()
    check_page(page)

    # Page 1, forgetting the level.
    choose_in_group(page, "role", 0)
    tab_to(page, field("industry"))
    for _ in range(5):  # the empty option, then down to "Technology, media and telecom"
        page.keyboard.press("ArrowDown")
    choose_in_group(page, "revenue", 2)
    press_button(page, "Next")

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("What is your level? Choose an answer.")
    expect(page.locator(field("role"))).to_be_checked()
    expect(page.locator(field("industry"))).to_have_value("technology")
    expect(page.locator(field("revenue_2"))).to_be_checked()
    check_page(page)
    page.keyboard.press("Tab")  # the summary's link to the field in error
    page.keyboard.press("Enter")
    expect(page.locator(field("seniority"))).to_be_focused()
    page.keyboard.press("ArrowDown")  # "Vice president"
    press_button(page, "Next")

    # Page 2: one radio group per row.
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    check_page(page)
    for channel in CHANNELS:
        choose_in_group(page, f"company_usage.{channel}", 0 if channel == "twitter" else 2)
    press_button(page, "Next")

    # Page 3: twitter_uses follows the answer for Twitter.
    expect(page.get_by_text("Page 3 of 3")).to_be_visible()
    check_page(page)
    twitter_uses = page.locator("#q-twitter_uses")
    choose_in_group(page, "personal_use.twitter", 0)
    expect(twitter_uses).to_be_hidden()
    page.keyboard.press("ArrowDown")  # "Less than once a month"
    expect(twitter_uses).to_be_visible()
    press_button(page, "Back")

    # Back on page 2, the answers are still there.
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    expect(page.locator(field("company_usage.twitter"))).to_be_checked()
    expect(page.locator(field("company_usage.wikis_2"))).to_be_checked()
    press_button(page, "Next")
    expect(page.get_by_text("Page 3 of 3")).to_be_visible()
    expect(page.locator(field("personal_use.twitter_1"))).to_be_checked()

    # Leave, and come back elsewhere through the resume link.
    page.get_by_role("button", name="Save and continue later").click()
    resume_link = page.locator(".resume-link a").get_attribute("href")
    page.goto("about:blank")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        elsewhere = context.new_page()
        elsewhere.goto(resume_link)
        expect(elsewhere.get_by_text("Page 3 of 3")).to_be_visible()
        expect(elsewhere.locator(field("personal_use.twitter_1"))).to_be_checked()
        expect(elsewhere.locator("#q-twitter_uses")).to_be_visible()
        for channel in CHANNELS[1:]:
            choose_in_group(elsewhere, f"personal_use.{channel}", 3)
        tab_to(elsewhere, field("twitter_uses"))
        elsewhere.keyboard.press("Space")
        tab_to(elsewhere, field("barriers_1"))
        elsewhere.keyboard.press("Space")
        tab_to(elsewhere, field("comments"))
        elsewhere.keyboard.type("Typed with the keyboard.")
        press_button(elsewhere, "Submit")

        expect(elsewhere.get_by_role("heading", name="Survey complete")).to_be_visible()
        check_page(elsewhere)
    finally:
        context.close()

    response = Response.objects.get()
    assert response.is_complete
    assert stored_answers(compiled_version(response.version), response) == {
        "role": "it",
        "seniority": "vp",
        "industry": "technology",
        "revenue": "1b_10b",
        "company_usage": {c: "none" if c == "twitter" else "some" for c in CHANNELS},
        "personal_use": {c: "less_monthly" if c == "twitter" else "weekly" for c in CHANNELS},
        "twitter_uses": frozenset({"news"}),
        "barriers": frozenset({"roi"}),
        "comments": "Typed with the keyboard.",
    }


def _fill_pages_1_and_2(page) -> None:
    page.check(field("role"))
    page.check(field("seniority"))
    page.select_option(field("industry"), "retail")
    page.check(field("revenue"))
    page.click(".form-nav button[value=next]")
    for channel in CHANNELS:
        page.check(field(f"company_usage.{channel}_1"))
    page.click(".form-nav button[value=next]")
    expect(page.get_by_text("Page 3 of 3")).to_be_visible()


def test_it_shows_twitter_uses_only_while_twitter_is_used(page, live_server, demo_survey):
    page.goto(f"{live_server.url}/s/ddiq-2010/")
    _fill_pages_1_and_2(page)
    twitter_uses = page.locator("#q-twitter_uses")
    expect(twitter_uses).to_be_hidden()  # as on the server, an unanswered row makes "!=" false

    page.check(field("personal_use.twitter"))
    expect(twitter_uses).to_be_hidden()
    page.check(field("personal_use.twitter_4"))
    expect(twitter_uses).to_be_visible()
    page.check(field("personal_use.twitter"))
    expect(twitter_uses).to_be_hidden()


@pytest.mark.parametrize("width", [375, 1280])
def test_it_keeps_every_page_accessible_and_unscrolled_sideways(browser, live_server, demo_survey, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    widths = []

    def check() -> None:
        widths.append(page.evaluate("document.documentElement.scrollWidth"))
        assert_accessible(page)

    try:
        page.goto(f"{live_server.url}/s/ddiq-2010/")
        check()
        page.click(".form-nav button[value=next]")
        expect(page.locator("#error-summary")).to_be_visible()
        check()
        _fill_pages_1_and_2(page)
        check()
        page.click(".form-nav button[value=back]")
        expect(page.get_by_text("Page 2 of 3")).to_be_visible()
        check()
        page.click(".form-nav button[value=next]")
        for channel in CHANNELS:
            page.check(field(f"personal_use.{channel}"))
        page.click(".form-nav button[value=next]")
        expect(page.get_by_role("heading", name="Survey complete")).to_be_visible()
        check()
    finally:
        context.close()
    assert all(scroll_width <= width for scroll_width in widths), widths


def test_it_evaluates_has_numbers_and_lists_in_the_page(page, live_server, db):
    from surveys.definition_files import definition_from_yaml
    from surveys.services import survey_import

    survey_import(definition=definition_from_yaml(ALL_TYPES))
    page.goto(f"{live_server.url}/s/all-types/")
    why_dog, note = page.locator("#q-why_dog"), page.locator("#q-adult_note")
    expect(why_dog).to_be_hidden()
    expect(note).to_be_hidden()

    page.check(field("pets_1"))
    expect(why_dog).to_be_visible()
    page.fill(field("age"), "70")
    expect(note).to_be_hidden()  # kind not answered yet
    page.check(field("kind"))
    expect(note).to_be_visible()
    page.fill(field("age"), "64")
    expect(note).to_be_hidden()
    page.uncheck(field("pets_1"))
    expect(why_dog).to_be_hidden()
    assert_accessible(page)


def test_it_shows_the_test_mode_without_serious_accessibility_problems(page, live_server, demo_survey):
    from django.contrib.auth.models import User

    User.objects.create_superuser("admin", "admin@example.com", "correct-horse-battery-staple")
    url = f"/s/ddiq-2010/preview/{demo_survey.open_version().pk}/"
    page.goto(f"{live_server.url}/admin/login/?next={url}")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "correct-horse-battery-staple")
    page.click("input[type=submit]")
    _fill_pages_1_and_2(page)
    expect(page.get_by_text("Test mode")).to_be_visible()
    page.get_by_text("Delete test responses…").click()

    assert_accessible(page)
    page.get_by_role("button", name="Delete 1 test response").click()
    expect(page.get_by_text("Deleted 1 test response.")).to_be_visible()
    assert not Response.objects.exists()
