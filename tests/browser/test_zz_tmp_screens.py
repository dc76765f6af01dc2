import pytest
from tests.browser.test_respondent import _field, CHANNELS, _fill_pages_1_and_2
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_screens(browser, live_server, demo_survey):
    for width in (375, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(f"{live_server.url}/s/ddiq-2010/")
        page.click(".form-nav button[value=next]")
        page.screenshot(path=f"/tmp/p1err-{width}.png", full_page=True)
        page.check(_field("role")); page.check(_field("seniority")); page.select_option(_field("industry"), "retail"); page.check(_field("revenue"))
        page.click(".form-nav button[value=next]")
        page.screenshot(path=f"/tmp/p2-{width}.png", full_page=True)
        for channel in CHANNELS[:5]:
            page.check(_field(f"company_usage.{channel}_1"))
        page.click(".form-nav button[value=next]")
        page.screenshot(path=f"/tmp/p2err-{width}.png", full_page=True)
        for channel in CHANNELS:
            page.check(_field(f"company_usage.{channel}_1"))
        page.click(".form-nav button[value=next]")
        page.check(_field("personal_use.twitter_2"))
        page.keyboard.press("Tab")
        page.screenshot(path=f"/tmp/p3-{width}.png", full_page=True)
        context.close()
