"""The details a respondent meets in a real browser: exclusive choices untick the others,
the matrix as a table with headers on a desktop and as one group per row on a phone, 44 px
targets on a phone, and every page of the demo survey, its thank-you and its refusals
without accessibility problems or Content-Security-Policy violations, photographed at
1280 and 375 px into SHOTS/formui for a person to look at."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from surveys.services import version_close
from tests.kit.browser import assert_clean, assert_fits, field, fill_demo_page_1, next_page, screenshot, small_targets
from tests.kit.demo import CHANNELS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORM = "/s/ddiq-2010/"


def check(page, shot: str | None = None) -> None:
    """No serious accessibility problem, no policy violation, no sideways scrolling; and
    a full-page screenshot named after the page and the width."""
    assert_clean(page)
    assert_fits(page)
    if shot:
        screenshot(page, f"formui/{shot}-{page.viewport_size['width']}")


def answer_page_1(page) -> None:
    fill_demo_page_1(page)
    next_page(page)
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()


def answer_page_2(page) -> None:
    for channel in CHANNELS:
        page.check(field(f"company_usage.{channel}_2"))
    next_page(page)
    expect(page.get_by_text("Page 3 of 3")).to_be_visible()


# --- Exclusive choices -------------------------------------------------------------------


def test_an_exclusive_choice_unticks_the_others_and_another_unticks_it(open_page, live_server, demo_survey):
    page = open_page(1280)
    page.goto(f"{live_server.url}{FORM}")
    answer_page_1(page)
    answer_page_2(page)
    roi, security, no_barriers = (page.get_by_role("checkbox", name=name) for name in (
        "Hard to measure the return", "Privacy and security concerns", "No significant barriers"))

    roi.check()
    security.check()
    no_barriers.check()
    expect(no_barriers).to_be_checked()
    expect(roi).not_to_be_checked()
    expect(security).not_to_be_checked()

    status = page.locator("#survey-form [role=status]")
    expect(status).to_have_text("Unticked: Hard to measure the return, Privacy and security concerns.")

    roi.focus()
    page.keyboard.press("Space")  # the keyboard alike
    expect(roi).to_be_checked()
    expect(no_barriers).not_to_be_checked()
    expect(status).to_have_text("Unticked: No significant barriers.")
    page.get_by_role("checkbox", name="Hard to monitor").check()
    expect(roi).to_be_checked()  # ordinary choices combine
    expect(status).to_have_text("")
    check(page)


def test_the_server_still_refuses_an_exclusive_choice_with_others(open_page, live_server, demo_survey):
    page = open_page(1280)
    page.goto(f"{live_server.url}{FORM}")
    answer_page_1(page)
    answer_page_2(page)
    for channel in CHANNELS:
        page.check(field(f"personal_use.{channel}"))
    page.evaluate("document.querySelector('[data-exclusive]').removeAttribute('data-exclusive')")  # no script help
    page.get_by_role("checkbox", name="Hard to measure the return").check()
    page.get_by_role("checkbox", name="No significant barriers").check()
    next_page(page)

    expect(page.locator("#error-summary")).to_contain_text(
        "Choose either “No significant barriers” or other answers, not both.")
    expect(page.get_by_role("checkbox", name="Hard to measure the return")).to_be_checked()
    check(page, "page-3-exclusive-error")


# --- The matrix ------------------------------------------------------------------------


def test_the_matrix_is_a_table_with_headers_on_a_desktop(open_page, live_server, demo_survey):
    page = open_page(1280)
    page.goto(f"{live_server.url}{FORM}")
    answer_page_1(page)

    matrix = page.locator("#q-company_usage table")
    headers = matrix.locator("thead th[scope=col]")
    expect(headers).to_have_text(["Not used at all", "Experimenting or piloting", "Used by some groups",
                                  "Used widely across the company"])
    expect(matrix.locator("tbody th[scope=row] .matrix-row-label")).to_have_text([
        "Twitter", "Facebook", "LinkedIn", "Blogs", "YouTube and online video", "Wikis",
        "Online communities and forums",
    ])
    # Each label once, as its column's header: the radios' own labels are visually hidden.
    assert all(box["width"] <= 1 for box in (c.bounding_box() for c in matrix.locator(".matrix-choice").all()))
    radio = page.get_by_role("radio", name="LinkedIn: Used by some groups")
    radio.check()
    expect(page.locator(field("company_usage.linkedin_2"))).to_be_checked()
    # A cell lines up under its header.
    cell = page.locator(field("company_usage.linkedin_2")).bounding_box()
    header = headers.nth(2).bounding_box()
    assert header["x"] <= cell["x"] and cell["x"] + cell["width"] <= header["x"] + header["width"]
    # Clicking anywhere in the cell answers.
    box = page.locator("#div_id_company_usage\\.wikis td").nth(3).bounding_box()
    page.mouse.click(box["x"] + 3, box["y"] + box["height"] - 3)
    expect(page.locator(field("company_usage.wikis_3"))).to_be_checked()


def test_the_matrix_stacks_into_a_group_per_row_on_a_phone(open_page, live_server, demo_survey):
    page = open_page(375)
    page.goto(f"{live_server.url}{FORM}")
    answer_page_1(page)

    expect(page.locator("#q-company_usage thead")).to_be_hidden()
    row = page.locator("#div_id_company_usage\\.linkedin")
    expect(row.locator("th")).to_be_visible()
    expect(row.locator(".matrix-choice")).to_have_text(["Not used at all", "Experimenting or piloting",
                                                        "Used by some groups", "Used widely across the company"])
    label, choices = row.locator("th").bounding_box(), row.locator(".matrix-option").all()
    boxes = [c.bounding_box() for c in choices]
    assert all(b["y"] >= label["y"] + label["height"] - 1 for b in boxes)  # under the row's label
    assert [b["y"] for b in boxes] == sorted(b["y"] for b in boxes) and len({b["y"] for b in boxes}) == 4  # stacked
    assert_fits(page)
    assert small_targets(page) == []


# --- 44 px targets, every page, at both widths -------------------------------------------


def test_every_type_of_control_is_a_44_px_target_on_a_phone(open_page, live_server, db):
    from surveys.definition_files import definition_from_yaml
    from surveys.services import survey_import
    from tests.kit.surveys import ALL_TYPES

    survey_import(definition=definition_from_yaml(ALL_TYPES))
    page = open_page(375)
    page.goto(f"{live_server.url}/s/all-types/")
    page.check(field("kind_1"))
    page.check(field("pets_1"))
    next_page(page)
    expect(page.locator(field("nps"))).to_be_visible()  # the rating's row of 11 radios

    assert small_targets(page) == []
    check(page, "all-types-page-2")


@pytest.mark.parametrize("width", [1280, 375])
def test_every_page_of_the_demo_is_accessible_unblocked_and_photographed(open_page, live_server, demo_survey, width):
    page = open_page(width)
    page.goto(f"{live_server.url}{FORM}")
    check(page, "page-1")
    next_page(page)
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("Which best describes your role? Choose an answer.")
    check(page, "page-1-errors")
    if width == 375:
        assert small_targets(page) == []

    answer_page_1(page)
    check(page, "page-2")
    page.check(field("company_usage.twitter"))
    next_page(page)
    expect(page.locator("#error-summary")).to_contain_text("Choose an answer for Facebook.")
    expect(page.locator("#id_company_usage\\.facebook_error")).to_have_text("Choose an answer for Facebook.")
    check(page, "page-2-errors")
    if width == 375:
        assert small_targets(page) == []

    answer_page_2(page)
    page.check(field("personal_use.twitter_3"))
    expect(page.locator("#q-twitter_uses")).to_be_visible()
    check(page, "page-3")
    if width == 375:
        assert small_targets(page) == []
    for channel in CHANNELS[1:]:
        page.check(field(f"personal_use.{channel}_4"))
    next_page(page)

    expect(page.get_by_role("heading", name="Survey complete")).to_be_visible()
    assert page.locator("main").inner_text().count("Thank you") == 1
    check(page, "thanks")


@pytest.mark.parametrize("width", [1280, 375])
def test_the_refusal_pages_say_why_and_are_photographed(open_page, live_server, demo_survey, width):
    page = open_page(width)
    demo_survey.opens_at = timezone.now() + timedelta(days=3)
    demo_survey.save()
    page.goto(f"{live_server.url}{FORM}")
    expect(page.get_by_role("heading", name="This survey is not open yet")).to_be_visible()
    expect(page.get_by_text("This survey opens on")).to_be_visible()
    check(page, "unavailable-not-open-yet")

    demo_survey.opens_at = None
    demo_survey.response_cap = 0
    demo_survey.save()
    page.goto(f"{live_server.url}{FORM}")
    expect(page.get_by_role("heading", name="This survey has all the responses it needs")).to_be_visible()
    check(page, "unavailable-full")

    demo_survey.response_cap = None
    demo_survey.save()
    version_close(version=demo_survey.open_version())
    page.goto(f"{live_server.url}{FORM}")
    expect(page.get_by_role("heading", name="This survey is closed")).to_be_visible()
    # A respondent's header names the survey and offers no way off to other surveys.
    expect(page.locator("header h1")).to_have_text(demo_survey.title)
    expect(page.locator("header a")).to_have_count(0)
    check(page, "unavailable-closed")
