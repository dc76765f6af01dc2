"""Headless Chromium for browser tests (Playwright's sync API), and an axe-core helper.

Every test under tests/browser is marked `browser`. Without /usr/bin/chromium the tests
are skipped, which the root conftest turns into failures under CI=true.
"""

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = Path(__file__).resolve().parent.parent.parent / "node_modules" / "axe-core" / "axe.min.js"
BROWSER_DIR = Path(__file__).resolve().parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    # Hooks of a conftest see the whole session's items: mark only the ones under here.
    for item in items:
        if BROWSER_DIR in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests, closed after the last of them.

    Playwright's sync API keeps an event loop running in the test thread while it is
    started, and Django refuses database access from a thread with a running loop unless
    DJANGO_ALLOW_ASYNC_UNSAFE is set. The variable is set only while the browser is open:
    set for the whole session (e.g. at import), it would leak into subprocesses started by
    other tests, such as `manage.py check --deploy`, which rejects it (async.E001).
    """
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as env:
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()


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
