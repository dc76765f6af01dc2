"""Headless Chromium for browser tests (Playwright's sync API); its settings and the
axe-core helper are in tests/kit/browser.py.

Every test under tests/browser is marked `browser`. Without /usr/bin/chromium the tests
are skipped, which the root conftest turns into failures under CI=true.
"""

from pathlib import Path

import pytest

from tests.kit.browser import CHROMIUM, CHROMIUM_ARGS, HEIGHT, RECORD_VIOLATIONS

BROWSER_DIR = Path(__file__).resolve().parent


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


@pytest.fixture
def open_page(browser):
    """Opens a page (`open_page(width=1280)`) in a browser context of its own (its own
    cookies: another person) that records policy violations; all closed after the test."""
    contexts = []

    def open_page(width: int = 1280):
        context = browser.new_context(viewport={"width": width, "height": HEIGHT})
        context.add_init_script(RECORD_VIOLATIONS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
