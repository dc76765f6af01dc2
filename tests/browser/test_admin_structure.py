"""The admin's structure editing in a real browser (issue 13, "Fix first"): nested_admin's
own script adds a page, a question on it and the question's choices, and one save keeps
them all; a published version's page says it is frozen, offers no "Add another", and
leads to a new draft."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import expect

from surveys.models import Page, Survey, SurveyVersion
from surveys.types import TYPES
from tests.kit.browser import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, next_url: str) -> None:
    User.objects.create_superuser("admin", "admin@example.com", PASSWORD)
    page.goto(f"{live_server.url}/admin/login/?next={next_url}")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page).to_have_url(f"{live_server.url}{next_url}")


def test_it_adds_a_page_a_question_and_its_choices_in_one_save(page, live_server):
    survey = Survey.objects.create(slug="pulse", title="Pulse")
    draft = SurveyVersion.objects.create(survey=survey, number=1)
    Page.objects.create(version=draft, position=0, title="First")
    kind = next(kind for kind in TYPES.values() if kind.has_choices and not kind.has_rows)
    _log_in(page, live_server, f"/admin/surveys/surveyversion/{draft.pk}/change/")

    page.locator(".djn-add-item a.djn-level-1:visible").click()
    page.fill("[name=pages-1-title]", "Second")
    page.locator("#pages-1 .djn-add-item a.djn-level-2").click()
    page.fill("[name=pages-1-questions-0-code]", "colour")
    page.select_option("[name=pages-1-questions-0-type]", kind.name)
    page.fill("[name=pages-1-questions-0-label]", "Your favourite colour?")
    for i, (code, label) in enumerate([("red", "Red"), ("blue", "Blue")]):
        page.locator("#pages-1-questions-0 .djn-add-item a.djn-model-surveys-choice").click()
        page.fill(f"[name=pages-1-questions-0-choices-{i}-code]", code)
        page.fill(f"[name=pages-1-questions-0-choices-{i}-label]", label)
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.locator(".messagelist .success")).to_be_visible()
    question = draft.questions.get()
    assert (question.page.title, question.code, question.type) == ("Second", "colour", kind.name)
    assert list(question.choices.values_list("code", "label")) == [("red", "Red"), ("blue", "Blue")]


def test_it_shows_a_published_version_frozen_and_leads_to_a_new_draft(page, live_server, demo_survey):
    published = demo_survey.open_version()
    _log_in(page, live_server, f"/admin/surveys/surveyversion/{published.pk}/change/")

    banner = page.locator(".version-state")
    expect(banner).to_contain_text(f"Version {published.number} is published and frozen")
    expect(banner.get_by_role("link", name=f"open “{demo_survey.title}” in the builder")).to_have_attribute(
        "href", reverse("builder:outline", args=[demo_survey.slug]))
    expect(page.locator(".djn-add-item a:visible")).to_have_count(0)

    banner.get_by_role("button", name=f"Create a new draft from version {published.number}").click()

    draft = demo_survey.draft_version()
    expect(page).to_have_url(f"{live_server.url}/admin/surveys/surveyversion/{draft.pk}/change/")
    expect(page.locator(".version-state")).to_contain_text(f"Version {draft.number} is a draft")
