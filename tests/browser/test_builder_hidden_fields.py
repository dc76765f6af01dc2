"""The builder's hidden fields page in a real browser: a published survey's fields are shown
frozen, a new draft takes a hidden field (a bad code refused at its field first, with what
was typed), the panel link shows its parameter, and the settings' redirect then names it;
no Content-Security-Policy violation, no serious accessibility problem, no sideways
scrolling, screenshots at 1280 and 375 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from surveys.models import HiddenField, SurveyVersion
from tests.kit.browser import assert_clean, expect_message, shots, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = (1280, 375)


@pytest.fixture
def page(open_page):
    return open_page()


def test_a_manager_adds_a_hidden_field_and_uses_it_in_a_redirect(page, live_server, demo_survey, manager):
    sign_in(page, live_server, f"/build/{demo_survey.slug}/")
    page.get_by_role("link", name="Hidden fields").click()
    expect(page.locator("#hidden-state")).to_contain_text("published and frozen")
    shots(page, "hidden/builder-frozen", widths=WIDTHS, each=assert_clean)

    page.get_by_role("button", name="Edit as a new draft").click()
    expect_message(page, "is a new draft")
    page.get_by_role("link", name="Hidden fields").click()
    expect(page.locator("#hidden-state")).to_contain_text("is a draft")

    add = page.locator("#hidden-add")
    add.get_by_label("Code").fill("role")  # a question's code
    add.get_by_label("Description").fill("The panel's respondent id")
    add.get_by_role("button", name="Add the hidden field").click()
    add = page.locator("#hidden-add")
    expect(add).to_contain_text("“role” is the code of a question")
    expect(add.get_by_label("Description")).to_have_value("The panel's respondent id")
    expect(add.get_by_label("Code")).to_have_attribute("aria-invalid", "true")
    shots(page, "hidden/builder-add-error", widths=WIDTHS, each=assert_clean)

    add.get_by_label("Code").fill("rid")
    add.get_by_role("button", name="Add the hidden field").click()
    expect_message(page, "Added the hidden field rid.")
    draft = demo_survey.versions.get(status=SurveyVersion.Status.DRAFT)
    assert [(h.code, h.description) for h in HiddenField.objects.filter(version=draft)] == [
        ("rid", "The panel's respondent id")]
    expect(page.locator("#panel-link-url")).to_have_text(f"{live_server.url}/s/{demo_survey.slug}/?rid=…")
    shots(page, "hidden/builder-added", widths=WIDTHS, each=assert_clean)

    page.locator("#panel-link").get_by_role("link", name="panel redirects").click()
    access = page.locator("#access")
    expect(access).to_contain_text("{rid}")
    access.get_by_label("After completing, send panel respondents to").fill(
        "https://panel.example/complete?rid={rid}")
    access.get_by_role("button", name="Save access").click()
    expect_message(page, "Access and dates are saved.")
    demo_survey.refresh_from_db()
    assert demo_survey.redirect_complete == "https://panel.example/complete?rid={rid}"
    expect(page.locator("#settings-panel-link")).to_contain_text(f"/s/{demo_survey.slug}/?rid=…")
    page.locator("#access").scroll_into_view_if_needed()
    shots(page, "hidden/settings-panel-link", widths=WIDTHS, each=assert_clean)
