"""Headless Chromium's settings (the fixtures are in tests/browser/conftest.py), element
selectors, the axe-core accessibility check, and what the builder's browser tests share:
signing in through the login form, the checks of a page (no Content-Security-Policy
violation, no serious accessibility problem, no sideways scrolling) and its screenshots."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from tests.kit.commands import ROOT

CHROMIUM = Path("/usr/bin/chromium")
# Where browser tests leave the screenshots a person looks at (1280 and 768/375 px).
SHOTS = Path(os.environ.get("SHOTS_DIR", "/work/shots"))
# An init script (`context.add_init_script`), run in every document and frame, that records
# the Content-Security-Policy violations in `window.__cspViolations`.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push({
    directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile,
    line: e.lineNumber, sample: e.sample, page: location.href,
  });
}, true);
"""
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The superuser's password in browser tests that sign in through the login form.
PASSWORD = "correct-horse-battery-staple"


def field(name: str) -> str:
    """A selector for the element with id `id_<name>` (ids of matrix rows hold a dot)."""
    return f'[id="id_{name}"]'


# True once every finite animation or transition has finished (a spinner's endless one does not count).
SETTLED_JS = """() => document.getAnimations().every(
    a => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)"""


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """The axe-core violations of the given impacts on the page at rest: the pointer moved
    off whatever it last clicked, and colour transitions (Bootstrap's buttons fade for
    .15 s) finished, so that contrast is measured on the colours the page settles on."""
    page.mouse.move(0, 0)
    page.wait_for_function(SETTLED_JS, timeout=5000)
    # Not page.add_script_tag: the Content-Security-Policy blocks the inline <script> it
    # adds. A function that Playwright evaluates through the DevTools protocol is not.
    page.evaluate("() => {" + AXE_JS.read_text() + "\n}")
    violations = page.evaluate("async () => (await axe.run()).violations")
    return [v for v in violations if v["impact"] in impacts]


def describe_violations(violations: list[dict]) -> str:
    """One line per violation and offending element, for assertion messages."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {node['target']}" for v in violations for node in v["nodes"]
    )


def fill_demo_page_1(page) -> None:
    """The demo's first page answered: an IT leader, the second level, retail, the third revenue band."""
    page.check(field("role"))
    page.check(field("seniority_1"))
    page.select_option(field("industry"), "retail")
    page.check(field("revenue_3"))


def next_page(page) -> None:
    """Click the form's Next (or Submit) button."""
    page.click(".form-nav button[value=next]")


# --- Shared by the builder's browser tests ---------------------------------------------------

WIDTHS = (1280, 768)  # staff pages: desktop and tablet
HEIGHT = 900


def csp_violations(page) -> list[dict]:
    """The policy violations recorded (RECORD_VIOLATIONS) in the page and its frames. They
    are reported asynchronously: read a moment after the page settled."""
    page.wait_for_load_state("load")
    page.wait_for_timeout(150)
    return [violation for frame in page.frames for violation in frame.evaluate("() => window.__cspViolations || []")]


def assert_no_csp_violation(page) -> None:
    violations = csp_violations(page)
    assert violations == [], violations
    # A frame refused by frame-ancestors or X-Frame-Options shows Chromium's error page
    # (its own document, and so its recorder, never runs).
    refused = [frame.url for frame in page.frames if frame.url.startswith("chrome-error:")]
    assert refused == []


def assert_accessible(page) -> None:
    problems = axe_violations(page)
    assert not problems, describe_violations(problems)


def assert_clean(page) -> None:
    """No policy violation in the page or its frames, no serious or critical axe-core one."""
    assert_no_csp_violation(page)
    assert_accessible(page)


def assert_fits(page) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {page.viewport_size['width']}px"


def screenshot(page, name: str, full_page: bool = True) -> None:
    """A screenshot at the page's width, SHOTS/<name>.png (a name may hold a folder:
    "outline/preview"); of the whole page, or of the window with `full_page=False`."""
    path = SHOTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)


def shots(page, name: str, widths: tuple[int, ...] = WIDTHS, each: Callable | None = None) -> None:
    """Full-page screenshots SHOTS/<name>-<width>.png at each width, with no sideways
    scrolling at any (and `each(page)` too, e.g. assert_accessible); back to 1280 after."""
    for width in widths:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        page.wait_for_timeout(200)  # what fits itself to the width (a framed preview) has done so
        assert_fits(page)
        if each is not None:
            each(page)
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})


def sign_in(page, live_server, path: str, username: str = "alice", password: str | None = None) -> None:
    """Opens `path` signed out, which leads to the sign-in page, signs in there (by default
    with tests/conftest.py's password of the user) and lands on `path`, without violations."""
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}{path}")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password or f"pw-{username}")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}{path}")
    assert_no_csp_violation(page)


def tab_to(page, target, limit: int = 80) -> None:
    """Press Tab until `target` (a locator of one element) has the focus, or an element
    matching `target` (a CSS selector: any radio of a group, say)."""
    for _ in range(limit):
        if isinstance(target, str):
            focused = page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", target)
        else:
            focused = target.evaluate("e => e === document.activeElement")
        if focused:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{limit} presses of Tab never reached {target}")


def press_button(page, name: str) -> None:
    """Tab to the form's Back or Next/Submit button, check its label, press Enter."""
    action = "back" if name == "Back" else "next"
    tab_to(page, f"button[value={action}]:not(.visually-hidden)")
    assert page.evaluate("document.activeElement.textContent.trim()") == name
    page.keyboard.press("Enter")


# What a finger taps on the form: a choice's whole line (its label), a matrix cell, the
# buttons, fields and links. Hidden ones (a question its condition hides) do not count.
TARGETS = """() => Array.from(document.querySelectorAll(
    "#survey-form .form-check-label, #survey-form .matrix-option, #survey-form .btn:not(.visually-hidden), "
    + "#survey-form .form-select, #survey-form .form-control, .error-summary a, .resume-note a"
  )).filter(el => el.getClientRects().length > 0).map(el => {
    const box = el.getBoundingClientRect();
    return {what: el.className + " " + el.textContent.trim().slice(0, 40), width: box.width, height: box.height};
  })"""


def small_targets(page) -> list[dict]:
    """The form's touch targets smaller than 44 × 44 px."""
    return [t for t in page.evaluate(TARGETS) if t["height"] < 44 or t["width"] < 44]


def check_form_page(page, shot: str) -> None:
    """A respondent's page as it should be: no serious accessibility problem or policy
    violation, no sideways scrolling, 44 px targets on a phone; a full-page screenshot
    SHOTS/<shot>-<width>.png."""
    assert_clean(page)
    assert_fits(page)
    if page.viewport_size["width"] < 576:
        assert small_targets(page) == []
    screenshot(page, f"{shot}-{page.viewport_size['width']}")


def expect_message(page, text: str) -> None:
    """The message a page shows after a form was posted, on a page without violations."""
    from playwright.sync_api import expect

    expect(page.locator(".builder-messages")).to_contain_text(text)
    assert_no_csp_violation(page)
