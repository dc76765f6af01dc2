"""The survey settings page in a real browser: a survey manager signs in through the
login form, changes who may answer and the cap, shares the results with a user, closes
and reopens the open version; no Content-Security-Policy violation on the way, no
serious or critical axe-core violation, and screenshots at 1280 and 768 px wide."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from surveys.models import SurveyVersion
from tests.kit.browser import assert_accessible, assert_no_csp_violation, expect_message, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(open_page):
    return open_page()


def test_a_manager_changes_access_shares_results_closes_and_reopens(page, live_server, demo_survey, manager, viewer):
    sign_in(page, live_server, f"/build/{demo_survey.slug}/settings/")
    assert_accessible(page)
    screenshot(page, "settings-1280")

    access = page.locator("#access")
    access.get_by_label("Public link and personal invitations").check()
    access.get_by_label("Response cap").fill("250")
    access.get_by_role("button", name="Save access").click()
    expect_message(page, "Access and dates are saved.")
    demo_survey.refresh_from_db()
    assert (demo_survey.access, demo_survey.response_cap) == ("both", 250)

    sharing = page.locator("#sharing")
    sharing.get_by_label("bob", exact=True).check()
    sharing.get_by_role("button", name="Save results sharing").click()
    expect_message(page, "Results sharing is saved.")
    assert list(demo_survey.viewers.all()) == [viewer]
    expect(page.locator("#sharing").get_by_label("bob", exact=True)).to_be_checked()

    page.get_by_role("button", name="Close version 1").click()
    expect_message(page, "Version 1 is closed")
    assert demo_survey.versions.get().status == SurveyVersion.Status.CLOSED
    expect(page.locator("#survey-state")).to_contain_text("Closed")
    page.get_by_role("button", name="Reopen version 1").click()
    expect_message(page, "Version 1 is open again")
    assert demo_survey.versions.get().status == SurveyVersion.Status.OPEN
    assert_accessible(page)


def test_errors_stay_at_their_fields_at_768_px(page, live_server, demo_survey, manager):
    page.set_viewport_size({"width": 768, "height": 900})
    sign_in(page, live_server, f"/build/{demo_survey.slug}/settings/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    assert_accessible(page)
    screenshot(page, "settings-768")

    access = page.locator("#access")
    access.get_by_label("Personal invitations only").check()
    access.get_by_label("List it on the public home page").check()
    access.get_by_label("Opens").fill("2030-03-01T09:00")
    access.get_by_label("Closes").fill("2030-02-01T09:00")
    access.get_by_role("button", name="Save access").click()
    expect(page.locator("#access .alert-danger")).to_contain_text("Nothing was saved")
    assert_no_csp_violation(page)
    expect(page.locator("#access")).to_contain_text("Only a survey with a public link can be listed")
    expect(page.locator("#access")).to_contain_text("The closing time must be after the opening time.")
    expect(page.locator("#access").get_by_label("Opens")).to_have_value("2030-03-01T09:00")
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    assert_accessible(page)
    screenshot(page, "settings-errors-768")
    demo_survey.refresh_from_db()
    assert (demo_survey.access, demo_survey.listed, demo_survey.opens_at) == ("public", False, None)


def test_archiving_in_the_browser(page, live_server, demo_survey, manager):
    sign_in(page, live_server, f"/build/{demo_survey.slug}/settings/")
    page.get_by_role("button", name="Archive").click()
    expect_message(page, "The survey is archived")
    expect(page.locator("#survey-state")).to_contain_text("Archived")
    assert_accessible(page)
    screenshot(page, "settings-archived-1280")


def test_a_shared_manager_sees_the_values_without_forms(page, live_server, demo_survey, viewer):
    dave = User.objects.create_user("dave", password="pw-dave", is_staff=True)
    dave.groups.add(Group.objects.get(name="Survey managers"))
    demo_survey.viewers.add(dave, viewer)
    page.goto(f"{live_server.url}/accounts/login/?next=/build/{demo_survey.slug}/settings/")
    page.fill("#id_username", "dave")
    page.fill("#id_password", "pw-dave")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("note")).to_contain_text("You can see these settings but not change them")
    assert_no_csp_violation(page)
    expect(page.locator("#main form")).to_have_count(0)
    expect(page.locator("#sharing")).to_contain_text("bob")
    assert_accessible(page)
    screenshot(page, "settings-read-only-1280")
