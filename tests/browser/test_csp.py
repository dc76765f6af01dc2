"""The Content-Security-Policy in a real browser: on each kind of page (the respondent's
form, the admin, the results with their live refresh) Chromium enforces the policy and
reports no violation, i.e. nothing the page needs was blocked.

An init script, run in every document before the page's own scripts, records the
`securitypolicyviolation` events into `window.__cspViolations`. Violations are reported
asynchronously, so a page is read a moment after it settled, and before it is left.
"""

from __future__ import annotations

import http.server
import random
import re
import threading

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from invitations.models import EmailKind, EmailTemplate, Invitation
from surveys.models import SurveyVersion
from tests.kit.browser import PASSWORD, RECORD_VIOLATIONS, field, fill_demo_page_1, next_page
from tests.kit.data import submit_beside_worker
from tests.kit.demo import CHANNELS, PARADOX, random_demo_answers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class CSPPage:
    """A page that records the policy violations and the policy header of each document."""

    def __init__(self, browser, width: int = 1280):
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.page = self.context.new_page()
        self.documents: list[tuple[str, str | None]] = []
        self.page.on("response", self._on_response)

    def _on_response(self, response) -> None:
        if response.request.resource_type in ("document", "xhr", "fetch") and response.status != 302:
            self.documents.append((response.url, response.headers.get("content-security-policy")))

    def goto(self, url: str) -> None:
        self.page.goto(url)
        self.assert_clean()

    def assert_clean(self) -> None:
        """No violation on the page as it is now, and every document so far had the policy."""
        self.page.wait_for_load_state("load")
        violations = self.page.evaluate("() => new Promise(r => setTimeout(() => r(window.__cspViolations), 150))")
        assert violations == [], violations
        missing = [url for url, policy in self.documents if not policy or "script-src 'self'" not in policy]
        assert not missing, f"responses without the Content-Security-Policy header: {missing}"

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def csp(browser):
    page = CSPPage(browser)
    yield page
    page.close()


def _admin(live_server, csp: CSPPage) -> User:
    user = User.objects.create_superuser("admin", "admin@example.com", PASSWORD)
    csp.goto(f"{live_server.url}/admin/login/")
    csp.page.fill("#id_username", "admin")
    csp.page.fill("#id_password", PASSWORD)
    csp.page.click("input[type=submit]")
    expect(csp.page).to_have_url(f"{live_server.url}/admin/")
    csp.assert_clean()
    return user


def _answer_page_1(page) -> None:
    fill_demo_page_1(page)


def _progress_share(page) -> float:
    return page.evaluate(
        "() => document.querySelector('.progress-bar').getBoundingClientRect().width"
        " / document.querySelector('.progress').getBoundingClientRect().width"
    )


def test_it_records_a_violation_when_there_is_one(csp, live_server, demo_survey):
    """The listener works: a style attribute put into the page is blocked and reported."""
    csp.goto(f"{live_server.url}/s/ddiq-2010/")
    csp.page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    with pytest.raises(AssertionError, match="style-src-attr"):
        csp.assert_clean()


def test_it_blocks_nothing_on_the_respondent_form(csp, live_server, demo_survey):
    page = csp.page
    csp.goto(f"{live_server.url}/s/ddiq-2010/")
    expect(page.get_by_text("Page 1 of 3")).to_be_visible()
    assert _progress_share(page) == pytest.approx(0.35, abs=0.01)  # 1 of 3: 33%, drawn in 5% steps

    next_page(page)  # nothing answered: the error summary, focused by js/form.js
    expect(page.locator("#error-summary")).to_be_focused()
    csp.assert_clean()

    _answer_page_1(page)
    next_page(page)
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    csp.assert_clean()
    assert _progress_share(page) == pytest.approx(0.65, abs=0.01)
    # The matrix is a table: one column header per scale point.
    expect(page.locator(".matrix-table thead th[scope=col]")).to_have_count(4)

    for channel in CHANNELS:
        page.check(field(f"company_usage.{channel}_2"))
    next_page(page)
    expect(page.get_by_text("Page 3 of 3")).to_be_visible()
    page.check(field("personal_use.twitter_1"))  # uses Twitter: the follow-up question appears
    expect(page.locator("[data-question=twitter_uses]")).to_be_visible()
    csp.assert_clean()
    for channel in CHANNELS:
        page.check(field(f"personal_use.{channel}"))
    page.check(field("barriers"))
    next_page(page)
    expect(page.get_by_role("heading", name="Survey complete")).to_be_visible()
    csp.assert_clean()


class _Panel(http.server.BaseHTTPRequestHandler):
    """A panel provider on another origin, where completed panel respondents land."""

    def do_GET(self):
        body = b"<!doctype html><title>Panel</title><h1>Back at the panel</h1>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def panel():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Panel)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_it_lets_an_invitee_complete_and_return_to_the_panel_on_another_origin(csp, live_server, demo_survey, panel):
    """The last page's POST is answered by a redirect to the panel. Chromium checks such a
    redirect against form-action, which is why the policy has no form-action directive."""
    demo_survey.redirect_complete = f"{panel}/complete?id={{external_id}}"
    demo_survey.save()
    invitation = Invitation.objects.create(survey=demo_survey, email="ada@example.org", external_id="p-17")
    page = csp.page
    csp.goto(f"{live_server.url}/i/{invitation.token()}/")
    expect(page.get_by_text("Page 1 of 3")).to_be_visible()
    _answer_page_1(page)
    next_page(page)
    for channel in CHANNELS:
        page.check(field(f"company_usage.{channel}_2"))
    next_page(page)
    for channel in CHANNELS:
        page.check(field(f"personal_use.{channel}"))
    page.check(field("barriers"))
    csp.assert_clean()
    next_page(page)
    expect(page).to_have_url(f"{panel}/complete?id=p-17")
    expect(page.get_by_role("heading", name="Back at the panel")).to_be_visible()
    assert page.evaluate("window.__cspViolations") == []


def test_it_blocks_nothing_on_the_invitation_form_and_its_thank_you_page(csp, live_server, demo_survey):
    invitation = Invitation.objects.create(survey=demo_survey, email="ada@example.org", name="Ada")
    page = csp.page
    csp.goto(f"{live_server.url}/i/{invitation.token()}/")
    _answer_page_1(page)
    next_page(page)
    for channel in CHANNELS:
        page.check(field(f"company_usage.{channel}_2"))
    next_page(page)
    for channel in CHANNELS:
        page.check(field(f"personal_use.{channel}"))
    page.check(field("barriers"))
    next_page(page)
    expect(page.get_by_role("heading", name="Survey complete")).to_be_visible()
    csp.assert_clean()
    csp.goto(f"{live_server.url}/i/{invitation.token()}/opt-out/")


def test_it_blocks_nothing_in_the_admin(csp, live_server, demo_survey):
    page = csp.page
    _admin(live_server, csp)
    version = demo_survey.open_version()
    EmailTemplate.objects.create(survey=demo_survey, kind=EmailKind.INVITATION, subject="Our survey",
                                 body="Dear {name},\n\n  please answer: {link}")
    template = EmailTemplate.objects.get()
    for path in [
        "/admin/surveys/survey/",
        f"/admin/surveys/survey/{demo_survey.pk}/change/",
        "/admin/surveys/surveyversion/",
        "/admin/invitations/invitation/",
        "/admin/invitations/invitation/import/",
        f"/admin/invitations/emailtemplate/{template.pk}/change/",
        "/admin/responses/response/",
    ]:
        csp.goto(f"{live_server.url}{path}")

    # The version page: nested inlines (pages, their questions, their choices), and the
    # nested-admin script adding a form.
    csp.goto(f"{live_server.url}/admin/surveys/surveyversion/{version.pk}/change/")
    expect(page.locator("h1")).to_have_text("Change survey version")
    draft = SurveyVersion.objects.create(survey=demo_survey, number=version.number + 1)
    csp.goto(f"{live_server.url}/admin/surveys/surveyversion/{draft.pk}/change/")
    page.locator(".djn-add-item a.djn-level-1:visible").click()  # a page
    page.locator(".djn-add-item a.djn-level-2:visible").click()  # a question on it
    expect(page.locator(".djn-add-item a.djn-level-3:visible")).to_have_count(2)  # its rows and choices
    csp.assert_clean()

    # The version's preview and its test mode.
    csp.goto(f"{live_server.url}/admin/surveys/surveyversion/{version.pk}/change/")
    page.get_by_role("link", name="Preview", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/preview/{version.pk}/")
    csp.assert_clean()
    csp.goto(f"{live_server.url}/s/ddiq-2010/preview/{version.pk}/")
    expect(page.locator(".test-banner")).to_be_visible()
    csp.assert_clean()

    # An action's confirmation page (admin/js/cancel.js), for a draft: a published version is refused.
    csp.goto(f"{live_server.url}/admin/surveys/surveyversion/")
    page.check(f"input[name=_selected_action][value='{draft.pk}']")
    page.select_option("select[name=action]", "delete_selected")
    page.click("button[name=index]")
    expect(page.get_by_role("button", name=re.compile("Yes, I.m sure"))).to_be_visible()
    csp.assert_clean()


@pytest.fixture
def answered_demo(live_server, demo_survey):
    """The demo survey with six responses counted, each with a comment."""
    rng = random.Random(1)
    for i in range(6):
        answers = random_demo_answers(rng, role="it")
        answers["comments"] = f"A comment {i}"
        submit_beside_worker(demo_survey, answers)
    return demo_survey


def test_it_blocks_nothing_on_the_results_pages(csp, live_server, answered_demo):
    _admin(live_server, csp)
    for path in [
        "/results/ddiq-2010/",
        "/results/ddiq-2010/questions/",
        "/results/ddiq-2010/questions/role/",
        "/results/ddiq-2010/questions/personal_use/",
    ]:
        csp.goto(f"{live_server.url}{path}")
        expect(csp.page.locator("svg.chart").first).to_be_visible()  # drawn as SVG on the server
    for path in [
        "/results/ddiq-2010/questions/comments/?q=comment",
        "/results/ddiq-2010/compare/",
        PARADOX,
        "/results/methods/",
        "/results/ddiq-2010/exports/",
    ]:
        csp.goto(f"{live_server.url}{path}")


def test_it_blocks_nothing_when_the_results_refresh_live(csp, live_server, answered_demo):
    page = csp.page
    _admin(live_server, csp)
    with page.expect_response(re.compile(r"/results/ddiq-2010/version/")):
        csp.goto(f"{live_server.url}/results/ddiq-2010/questions/personal_use/")
    csp.assert_clean()
    submit_beside_worker(answered_demo, random_demo_answers(random.Random(2), role="business"))
    expect(page.locator("#live-poll")).to_contain_text("7 responses counted", timeout=10_000)
    expect(page.locator("tfoot td").first).to_have_text(re.compile(r"^7\b"), timeout=10_000)
    csp.assert_clean()


def test_it_does_not_poll_from_a_hidden_tab(csp, live_server, answered_demo):
    """The poll's visibility condition is js/results.js's, not an hx-trigger filter (eval)."""
    page = csp.page
    _admin(live_server, csp)
    csp.context.add_init_script("""
        Object.defineProperty(document, "visibilityState", {get: () => "hidden"});
        window.__polls = 0;
        document.addEventListener("htmx:beforeRequest", (e) => {
          if (e.detail.elt.id === "live-poll") window.__polls += 1;
        });
    """)
    polls = []
    page.on("request", lambda request: "/version/" in request.url and polls.append(request.url))
    csp.goto(f"{live_server.url}/results/ddiq-2010/")
    # Not page.wait_for_function: Playwright evaluates its predicate with eval, which the
    # policy blocks.
    for _ in range(100):
        if page.evaluate("() => window.__polls") >= 1:  # the poll came due
            break
        page.wait_for_timeout(100)
    else:
        pytest.fail("the live poll never came due")
    page.wait_for_timeout(300)
    assert polls == []
    csp.assert_clean()


def test_it_blocks_nothing_on_the_login_and_home_pages(csp, live_server, demo_survey):
    csp.goto(f"{live_server.url}/accounts/login/")
    csp.goto(f"{live_server.url}/")
