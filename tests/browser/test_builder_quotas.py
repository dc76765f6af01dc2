"""The settings page's quota table in a real browser: a survey manager lowers a quota's
limit and closes another at 375 px; the table scrolls inside its own region (the page
never sideways), no Content-Security-Policy violation, no serious axe-core violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from surveys.definition_files import definition_from_data
from surveys.models import Quota
from surveys.services import survey_import
from tests.kit.browser import assert_accessible, assert_fits, expect_message, screenshot, sign_in
from tests.kit.demo import fieldwork_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def survey(manager):
    version, _ = survey_import(definition=definition_from_data(fieldwork_data()), editors=[manager])
    return version.survey


@pytest.mark.parametrize("width", [1280, 375])
def test_a_manager_changes_a_quota_limit_and_closes_another(open_page, live_server, survey, width):
    page = open_page(width)
    sign_in(page, live_server, f"/build/{survey.slug}/settings/")
    quotas = page.locator("#quotas")
    rows = quotas.locator("tbody tr")
    first, second = (Quota.objects.filter(survey=survey).order_by("pk")[i] for i in (0, 1))
    expect(rows.filter(has_text=first.label)).to_contain_text(str(first.limit))
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"settings-quotas-{width}")

    row = rows.filter(has_text=first.label)
    row.get_by_label(f"Limit of {first.label}").fill("120")
    row.get_by_role("button").click()
    expect_message(page, first.label)
    first.refresh_from_db()
    assert first.limit == 120
    expect(page.locator("#quotas tbody tr").filter(has_text=first.label).locator(".quota-limit")).to_have_text("120")

    row = page.locator("#quotas tbody tr").filter(has_text=second.label)
    row.get_by_label("Closed").check()
    row.get_by_role("button").click()
    expect_message(page, second.label)
    second.refresh_from_db()
    assert second.closed
    expect(page.locator("#quotas tbody tr").filter(has_text=second.label)).to_contain_text("Closed")
    assert_fits(page)
    assert_accessible(page)
