"""The four outcome redirects on the builder's settings page, in a real browser: the hidden
fields a redirect may name are offered beside the fields, an unknown placeholder is refused
at its field, a good URL is saved; no Content-Security-Policy violation, no serious
accessibility problem, screenshots at 1280 and 375 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from surveys.definition_files import definition_from_data
from surveys.services import survey_import
from tests.kit.browser import assert_accessible, expect_message, shots, sign_in
from tests.kit.demo import demo_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(open_page):
    return open_page()


def test_a_manager_sets_a_redirect_with_a_hidden_field(page, live_server, demo_survey, manager):
    data = demo_data() | {"hidden_fields": [{"code": "rid"}, {"code": "src", "values": ["li", "tw"]}]}
    survey_import(definition=definition_from_data(data))
    sign_in(page, live_server, f"/build/{demo_survey.slug}/settings/")
    access = page.locator("#access")
    expect(access).to_contain_text("{rid}")

    complete = access.get_by_label("After completing, send panel respondents to")
    complete.fill("https://panel.example/complete?rid={respondent}")
    access.get_by_role("button", name="Save access").click()
    expect(page.locator("#access")).to_contain_text("Unknown placeholder {respondent}")
    assert_accessible(page)
    page.locator("#access").scroll_into_view_if_needed()
    shots(page, "hidden/settings-redirect-error", widths=(1280, 375))

    page.locator("#access").get_by_label("After completing, send panel respondents to").fill(
        "https://panel.example/complete?rid={rid}&src={src}"
    )
    page.locator("#access").get_by_role("button", name="Save access").click()
    expect_message(page, "Access and dates are saved.")
    demo_survey.refresh_from_db()
    assert demo_survey.redirect_complete == "https://panel.example/complete?rid={rid}&src={src}"
    shots(page, "hidden/settings-redirects", widths=(1280, 375))
