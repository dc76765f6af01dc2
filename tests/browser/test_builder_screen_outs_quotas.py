"""Fielding without YAML in a real browser: a new draft takes a screen-out (a typed
condition naming no choice refused at its field first, with what was typed; then picked
with the condition picker: question, operator, value), and the settings page
takes a quota and asks before removing it, saying how many completes it holds; no
Content-Security-Policy violation, no serious accessibility problem, no sideways
scrolling, screenshots at 1280 and 375 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from surveys.models import Quota, ScreenOut, SurveyVersion
from tests.kit.browser import SHOTS, assert_clean, expect_message, shots, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = (1280, 375)


@pytest.fixture
def page(open_page):
    return open_page()


def test_a_manager_adds_a_screen_out_and_a_quota(page, live_server, demo_survey, manager):
    sign_in(page, live_server, f"/build/{demo_survey.slug}/")
    page.get_by_role("button", name="Edit as a new draft").first.click()
    expect_message(page, "is a new draft")
    page.get_by_role("link", name="Screen-outs").click()
    expect(page.locator("#screen-outs-state")).to_contain_text("is a draft")

    add = page.locator("#screen-out-add")
    add.get_by_label("Code").fill("it_only")
    add.get_by_label("Message").fill("Thank you: this one is for IT leaders.")
    # Typed first (the picker's text mode), with a code that is no choice: refused at its field.
    add.get_by_role("button", name="Type the condition instead").click()
    text = add.get_by_label("Condition, as text")
    expect(text).to_be_focused()
    text.fill("role = nobody")
    add.get_by_role("button", name="Add the screen-out").click()
    add = page.locator("#screen-out-add")
    expect(add.locator("#screenout-new-condition-errors")).to_contain_text("is not a choice of")
    expect(add.get_by_label("Condition, as text")).to_have_value("role = nobody")
    expect(add.get_by_label("Code")).to_have_value("it_only")
    banner = add.get_by_text("Nothing was added: please correct the problems marked below.")
    expect(banner).to_be_visible()
    shots(page, "screen-outs/builder-add-error", widths=WIDTHS, each=assert_clean)

    # Back to the picker: the question, the operator and the value are picked.
    add.get_by_role("button", name="Back to the picker").click()
    value = add.get_by_label("Condition 1: value")
    expect(value).to_be_visible()
    expect(add.get_by_label("Condition 1: question")).to_have_value("role")
    value.select_option(value="business")
    expect(add.locator("#screenout-new-condition-output")).to_contain_text("Condition: role = business")
    expect(banner).to_have_count(0)  # the failed save's banner went with the picker's change
    expect(add.locator("#screenout-new-condition-errors")).to_have_count(0)  # and its message at the field
    shots(page, "screen-outs/builder-add-picked", widths=WIDTHS, each=assert_clean)
    add.get_by_role("button", name="Add the screen-out").click()
    expect_message(page, "Added the screen-out it_only.")
    draft = demo_survey.versions.get(status=SurveyVersion.Status.DRAFT)
    screen_out = ScreenOut.objects.get(version=draft, code="it_only")
    assert screen_out.condition == "role = business"
    # Its form shows the stored condition in a picker of its own.
    row = page.locator(f"#screen-out-{screen_out.pk}")
    expect(row.get_by_label("Condition 1: question")).to_have_value("role")
    expect(row.get_by_label("Condition 1: value")).to_have_value("business")
    shots(page, "screen-outs/builder-added", widths=WIDTHS, each=assert_clean)

    page.goto(f"{live_server.url}/build/{demo_survey.slug}/settings/#quotas")
    add = page.locator("#quota-add")
    add.get_by_label("Code").fill("young")
    add.get_by_label("Label").fill("Young leaders")
    add.get_by_label("Condition").fill("role = it")
    add.get_by_label("Limit").fill("50")
    add.get_by_role("button", name="Add the quota").click()
    expect_message(page, "Added the quota Young leaders")
    expect(page.locator('[data-quota="young"]')).to_contain_text("50")
    page.locator("#quotas").scroll_into_view_if_needed()
    shots(page, "screen-outs/settings-quota-added", widths=WIDTHS, each=assert_clean)
    for width in WIDTHS:  # the section itself, readable (the whole settings page is long)
        page.set_viewport_size({"width": width, "height": 900})
        page.locator("#quotas").screenshot(path=str(SHOTS / f"screen-outs/settings-quotas-section-{width}.png"))
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})

    page.get_by_role("link", name="Remove Young leaders…").click()
    expect(page.locator("#quota-remove-count")).to_contain_text("It holds 0 completes.")
    shots(page, "screen-outs/settings-quota-remove", widths=WIDTHS, each=assert_clean)
    page.get_by_role("button", name="Remove the quota Young leaders").click()
    expect_message(page, "Removed the quota Young leaders.")
    assert not Quota.objects.filter(survey=demo_survey, code="young").exists()
