"""Headless Chromium's settings (the fixtures are in tests/browser/conftest.py), element
selectors, and the axe-core accessibility check."""

from __future__ import annotations

import os
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


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """The axe-core violations of the given impacts on the page as it is now."""
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


def next_page(page) -> None:
    """Click the form's Next (or Submit) button."""
    page.click(".form-nav button[value=next]")
