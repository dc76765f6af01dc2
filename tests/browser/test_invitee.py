"""An invitee in a real browser: they open their personal link, answer a page, leave,
come back through the same link in another browser (no cookie carries them), complete,
and on their next visit the link says they have already answered."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from invitations.models import Invitation, InvitationStatus
from responses.models import Response
from tests.kit.browser import axe_violations, describe_violations, field, fill_demo_page_1, next_page
from tests.kit.demo import CHANNELS
from tests.kit.invitations import status_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


def test_it_lets_an_invitee_leave_resume_complete_and_then_says_they_answered(browser, live_server, demo_survey):
    invitation = Invitation.objects.create(survey=demo_survey, email="ada@example.org", name="Ada")
    link = f"{live_server.url}/i/{invitation.token()}/"

    first = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = first.new_page()
        page.goto(link)
        expect(page.get_by_text("Page 1 of 3")).to_be_visible()
        assert status_of(invitation) == InvitationStatus.OPENED
        fill_demo_page_1(page)
        next_page(page)
        expect(page.get_by_text("Page 2 of 3")).to_be_visible()
        _assert_accessible(page)
        page.get_by_role("button", name="Save and continue later").click()
        expect(page.locator(".resume-link a")).to_have_attribute("href", link)  # their personal link resumes
    finally:
        first.close()  # the invitee leaves
    assert status_of(invitation) == InvitationStatus.STARTED

    second = browser.new_context(viewport={"width": 375, "height": 800})  # another browser, no cookies
    try:
        page = second.new_page()
        page.goto(link)
        expect(page.get_by_text("Page 2 of 3")).to_be_visible()
        page.click(".form-nav button[value=back]")
        expect(page.get_by_text("Page 1 of 3")).to_be_visible()
        expect(page.locator(field("seniority_1"))).to_be_checked()  # page 1's answers were kept
        expect(page.locator(field("industry"))).to_have_value("retail")
        next_page(page)
        for channel in CHANNELS:
            page.check(field(f"company_usage.{channel}_2"))
        next_page(page)
        expect(page.get_by_text("Page 3 of 3")).to_be_visible()
        for channel in CHANNELS:
            page.check(field(f"personal_use.{channel}"))  # "never": no follow-up on Twitter
        page.check(field("barriers"))
        next_page(page)
        expect(page.get_by_role("heading", name="Survey complete")).to_be_visible()
        _assert_accessible(page)
    finally:
        second.close()
    assert status_of(invitation) == InvitationStatus.COMPLETED
    response = Response.objects.get()
    assert (response.invitation_id, response.status) == (invitation.pk, Response.Status.COMPLETE)

    third = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = third.new_page()
        page.goto(link)
        expect(page.get_by_role("heading", name="You have already answered this survey")).to_be_visible()
        expect(page.locator("#survey-form")).to_have_count(0)
        _assert_accessible(page)
    finally:
        third.close()
    assert Response.objects.count() == 1


def test_it_shows_an_accessible_page_for_a_link_that_does_not_work(page, live_server, demo_survey):
    response = page.goto(f"{live_server.url}/i/{'x' * 43}/")

    assert response.status == 404
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    _assert_accessible(page)
