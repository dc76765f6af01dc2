"""A results viewer in a real browser: the demo survey imported, dana (staff, in the
"Results viewers" group, the survey shared with her) and a page opened signed in as her."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.models import User
from playwright.sync_api import expect

from tests.kit.browser import PASSWORD
from tests.kit.demo import DEMO_FILE


def import_demo_survey():
    from surveys.definition_files import definition_from_yaml
    from surveys.services import survey_import

    version, _ = survey_import(definition=definition_from_yaml(DEMO_FILE.read_text()))
    return version.survey


def staff_results_viewer(survey) -> User:
    from django.contrib.auth.models import Group

    from surveys.groups import groups_sync

    if not Group.objects.filter(name="Results viewers").exists():
        from django.apps import apps

        groups_sync(apps)
    user = User.objects.create_user("dana", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Results viewers"))
    survey.viewers.add(user)
    return user


def open_signed_in(page, live_server, path: str) -> None:
    page.goto(f"{live_server.url}/admin/login/?next={quote(path)}")
    page.fill("#id_username", "dana")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page).to_have_url(f"{live_server.url}{path}")
