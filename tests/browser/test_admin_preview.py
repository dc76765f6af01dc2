"""A survey manager's way from the admin to the preview of a version, in a real browser."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from surveys.models import Question
from tests.kit.browser import PASSWORD, axe_violations, describe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, next_url: str) -> None:
    User.objects.create_superuser("admin", "admin@example.com", PASSWORD)
    page.goto(f"{live_server.url}/admin/login/?next={next_url}")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def _open_preview(page, live_server, survey) -> None:
    _log_in(page, live_server, "/admin/surveys/surveyversion/")
    expect(page).to_have_url(f"{live_server.url}/admin/surveys/surveyversion/")
    page.locator("#result_list a", has_text=survey.title).first.click()
    expect(page.locator("h1")).to_have_text("Change survey version")
    page.get_by_role("link", name="Preview", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/preview/{survey.open_version().pk}/")


def test_it_leads_an_admin_from_the_version_to_its_preview(page, live_server, demo_survey):
    matrix = Question.objects.get(version=demo_survey.open_version(), code="company_usage")
    _open_preview(page, live_server, demo_survey)
    expect(page.get_by_role("heading", level=1)).to_have_text(demo_survey.title)
    expect(page.get_by_role("heading", name=matrix.label)).to_be_visible()


def test_it_shows_a_preview_without_serious_accessibility_problems(page, live_server, demo_survey):
    _open_preview(page, live_server, demo_survey)
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
