"""E-mailing oneself the resume link in a real browser: with the keyboard alone, a bad
address refused on the field with what was typed kept, then sent; the copy button; the
pages clean for axe-core and the Content-Security-Policy, without sideways scrolling at
375 px, with screenshots at 1280 and 375 px."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from responses.tasks import send_resume_link_task
from tests.kit.browser import assert_accessible, assert_no_csp_violation, shots, tab_to
from tests.kit.form import PAGE1, post_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADDRESS = "ada.respondent@example.org"
COOKIE = "resume-ddiq-2010"


@pytest.fixture
def queued(monkeypatch) -> list[tuple]:
    sent: list[tuple] = []
    monkeypatch.setattr(send_resume_link_task, "apply_async",
                        lambda args, kwargs=None, **options: sent.append(tuple(args)))
    return sent


@pytest.fixture
def page(open_page, live_server, demo_survey):
    """A page of a browser that saved page 1 of the demo survey (its resume cookie)."""
    respondent = Client()
    post_page(respondent, PAGE1)
    page = open_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.context.add_cookies([{"name": COOKIE, "value": respondent.cookies[COOKIE].value, "url": live_server.url}])
    return page


def _check(page, name: str) -> None:
    """axe-core, the CSP and sideways scrolling at 1280 and 375 px, with a screenshot of each."""
    shots(page, f"resumemail/resume-{name}", widths=(1280, 375), each=assert_accessible)
    assert_no_csp_violation(page)


def test_a_respondent_emails_themselves_the_link_with_the_keyboard(page, live_server, queued):
    page.goto(f"{live_server.url}/s/ddiq-2010/resume/email/")
    expect(page.get_by_role("heading", name="E-mail yourself the link to continue")).to_be_visible()
    _check(page, "form")

    tab_to(page, page.locator("#resume-email-address"))
    page.keyboard.type("ada at example")
    page.keyboard.press("Enter")

    field = page.get_by_label("Your e-mail address")
    expect(page.get_by_text("Enter an e-mail address in the form name@example.org.")).to_be_visible()
    expect(field).to_have_value("ada at example")
    expect(field).to_be_focused()
    assert queued == []
    _check(page, "error")

    page.keyboard.press("Control+A")
    page.keyboard.type(ADDRESS)
    tab_to(page, page.locator("button[type=submit]"))
    assert page.evaluate("document.activeElement.textContent.trim()") == "Send me the link"
    page.keyboard.press("Enter")

    expect(page.get_by_text("We sent the link to the address you typed")).to_be_visible()
    assert ADDRESS not in page.url and ADDRESS not in page.content()
    assert [args[2] for args in queued] == [ADDRESS]
    _check(page, "sent")


def test_the_copy_button_copies_the_short_link(page, live_server):
    page.goto(f"{live_server.url}/s/ddiq-2010/resume/email/")
    link = page.locator("a.resume-link").inner_text()
    assert "/r/" in link

    page.get_by_role("button", name="Copy link").click()

    expect(page.get_by_role("status").filter(has_text="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == link
