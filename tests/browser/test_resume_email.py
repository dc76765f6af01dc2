"""E-mailing oneself the resume link in a real browser: with the keyboard alone, a bad
address refused on the field with what was typed kept, then sent; the copy button; the
pages clean for axe-core and the Content-Security-Policy, without sideways scrolling at
375 px, with screenshots at 1280 and 375 px."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from responses.tasks import send_resume_link_task
from tests.kit.browser import RECORD_VIOLATIONS, SHOTS, axe_violations, describe_violations
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
def context(browser, live_server, demo_survey):
    """A browser that saved page 1 of the demo survey (its resume cookie)."""
    respondent = Client()
    post_page(respondent, PAGE1)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORD_VIOLATIONS)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    context.add_cookies([{"name": COOKIE, "value": respondent.cookies[COOKIE].value, "url": live_server.url}])
    yield context
    context.close()


def _check(page, name: str) -> None:
    """axe-core, the CSP and sideways scrolling at 1280 and 375 px, with a screenshot of each."""
    shots = SHOTS / "resumemail"
    shots.mkdir(parents=True, exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow}px at {width}px"
        violations = axe_violations(page)
        assert not violations, describe_violations(violations)
        page.screenshot(path=str(shots / f"resume-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_load_state("load")
    violations = page.evaluate("() => new Promise(r => setTimeout(() => r(window.__cspViolations), 150))")
    assert violations == [], violations


def _tab_to(page, selector: str, limit: int = 40) -> None:
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached {selector}")


def test_a_respondent_emails_themselves_the_link_with_the_keyboard(context, live_server, queued):
    page = context.new_page()
    page.goto(f"{live_server.url}/s/ddiq-2010/resume/email/")
    expect(page.get_by_role("heading", name="E-mail yourself the link to continue")).to_be_visible()
    _check(page, "form")

    _tab_to(page, "#resume-email-address")
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
    _tab_to(page, "button[type=submit]")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Send me the link"
    page.keyboard.press("Enter")

    expect(page.get_by_text("We sent the link to the address you typed")).to_be_visible()
    assert ADDRESS not in page.url and ADDRESS not in page.content()
    assert [args[2] for args in queued] == [ADDRESS]
    _check(page, "sent")


def test_the_copy_button_copies_the_short_link(context, live_server):
    page = context.new_page()
    page.goto(f"{live_server.url}/s/ddiq-2010/resume/email/")
    link = page.locator("a.resume-link").inner_text()
    assert "/r/" in link

    page.get_by_role("button", name="Copy link").click()

    expect(page.get_by_role("status").filter(has_text="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == link
