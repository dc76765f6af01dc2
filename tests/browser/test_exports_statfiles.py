"""The exports page's SPSS and Stata forms and the codebook page in a real browser, at
1280 and 375 px: no sideways scrolling, no policy violation, no serious accessibility
problem, and the SPSS button leads to the export's status page."""

from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from tests.kit.browser import PASSWORD, assert_clean, assert_fits, screenshot
from tests.kit.statfiles import stat_responses, stat_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def survey(live_server):
    from django.apps import apps

    from surveys.groups import groups_sync

    survey = stat_survey()
    stat_responses(survey)
    if not Group.objects.filter(name="Results viewers").exists():
        groups_sync(apps)
    user = User.objects.create_user("dana", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Results viewers"))
    survey.viewers.add(user)
    return survey


def _signed_in(open_page, live_server, path: str, width: int):
    page = open_page(width)
    page.goto(f"{live_server.url}/admin/login/?next={quote(path)}")
    page.fill("#id_username", "dana")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page).to_have_url(f"{live_server.url}{path}")
    return page


@pytest.mark.parametrize("width", [1280, 375])
def test_the_statistical_files_and_the_codebook_fit(open_page, live_server, survey, width):
    page = _signed_in(open_page, live_server, f"/results/{survey.slug}/exports/", width)
    assert_fits(page)
    assert_clean(page)
    screenshot(page, f"exports/statfiles-{width}")

    page.get_by_role("link", name="codebook").click()
    expect(page.locator("#codebook")).to_contain_text("usage_mail")
    assert_fits(page)
    assert_clean(page)
    screenshot(page, f"exports/codebook-{width}")

    page.go_back()
    page.check("#stat-ended")
    page.check("#stat-partial")
    page.get_by_role("button", name="Prepare an SPSS file (.sav)").click()
    expect(page.locator("h1")).to_contain_text("SPSS")
    assert_fits(page)
