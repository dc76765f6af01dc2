"""“Other, please specify” in a real browser: the box shows under its choice when the
choice is picked, its text survives Back and Forward and is stored with the choice; a
required box left empty says what to do; without script the box is always there and
text for a choice not picked is refused with a message, not dropped. axe-core clean,
screenshots at 1280 and 375 px (SHOTS/other/)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from responses.models import Response
from responses.services import raw_answers, stored_answers
from surveys.definition_files import definition_from_data
from surveys.selectors import compiled_version
from surveys.services import survey_import
from tests.kit.browser import HEIGHT, RECORD_VIOLATIONS, assert_clean, field, next_page, shots
from tests.kit.demo import demo_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOX = "seniority.other.text"


def stored() -> dict:
    response = Response.objects.get()
    return raw_answers(stored_answers(compiled_version(response.version), response))


def test_the_box_follows_its_choice_and_keeps_its_text_over_back_and_forward(open_page, live_server, demo_survey):
    page = open_page()
    page.goto(f"{live_server.url}/s/ddiq-2010/")
    box = page.locator(field(BOX))
    expect(box).to_be_hidden()  # with script, shown only while "Other" is picked
    page.check(field("role"))
    page.check(field("seniority_4"))  # Other
    expect(box).to_be_visible()
    expect(box).to_have_accessible_name("Please specify: Other")  # its name says which choice
    box.fill("Head of digital")
    page.select_option(field("industry"), "other")
    industry_box = page.locator(field("industry.other.text"))
    expect(industry_box).to_be_visible()
    industry_box.fill("Shipping")
    page.check(field("revenue_3"))
    assert_clean(page)
    shots(page, "other/specify-page-1", widths=(1280, 375), each=assert_clean)

    next_page(page)
    expect(page).to_have_url(f"{live_server.url}/s/ddiq-2010/p/2/")
    assert stored()["seniority.other.text"] == "Head of digital"
    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/s/ddiq-2010/p/1/")
    page.reload()  # the server's page, not the browser's memory of it
    expect(page.locator(field("seniority_4"))).to_be_checked()
    expect(box).to_have_value("Head of digital")
    expect(industry_box).to_have_value("Shipping")

    # Another choice hides (and leaves out) the box; "Other" again brings its text back.
    page.check(field("seniority_1"))
    expect(box).to_be_hidden()
    page.check(field("seniority_4"))
    expect(box).to_have_value("Head of digital")
    page.check(field("seniority_1"))
    next_page(page)
    assert "seniority.other.text" not in stored()
    assert stored()["industry.other.text"] == "Shipping"


def test_a_required_box_left_empty_says_what_to_do(open_page, live_server, db):
    data = demo_data()
    data["pages"][0]["questions"][1]["choices"][-1]["specify"] = "required"
    survey_import(definition=definition_from_data(data))
    page = open_page()
    page.goto(f"{live_server.url}/s/ddiq-2010/")
    page.check(field("role"))
    page.check(field("seniority_4"))
    page.select_option(field("industry"), "retail")
    page.check(field("revenue_3"))
    next_page(page)
    message = "Type what “Other” is in its box, or choose another answer."
    expect(page.locator("#error-summary")).to_contain_text(message)
    expect(page.locator(field(BOX))).to_be_visible()
    expect(page.locator(field(BOX))).to_have_attribute("aria-invalid", "true")
    assert_clean(page)
    shots(page, "other/specify-required", widths=(1280, 375), each=assert_clean)
    page.locator("#error-summary a").first.click()
    expect(page.locator(field(BOX))).to_be_focused()
    page.locator(field(BOX)).fill("Head of digital")
    next_page(page)
    expect(page).to_have_url(f"{live_server.url}/s/ddiq-2010/p/2/")


def test_without_script_the_box_is_there_and_text_without_its_choice_is_refused(browser, live_server, demo_survey):
    context = browser.new_context(viewport={"width": 1280, "height": HEIGHT}, java_script_enabled=False)
    context.add_init_script(RECORD_VIOLATIONS)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/s/ddiq-2010/")
        page.check(field("role"))
        page.check(field("seniority_1"))  # Vice president
        page.locator(field(BOX)).fill("Head of digital")
        page.select_option(field("industry"), "retail")
        page.check(field("revenue_3"))
        page.get_by_role("button", name="Next").click()
        expect(page.locator("#error-summary")).to_contain_text("Choose “Other” to specify it, or clear its box.")
        expect(page.locator(field(BOX))).to_have_value("Head of digital")  # kept, not dropped
        assert not Response.objects.exists() or "seniority" not in stored()
    finally:
        context.close()


def test_typing_into_a_shown_box_picks_its_choice(open_page, live_server, demo_survey):
    page = open_page()
    page.goto(f"{live_server.url}/s/ddiq-2010/")
    page.check(field("seniority_4"))
    page.locator(field(BOX)).fill("x")
    page.check(field("seniority_1"))
    # A box the server showed with its text (after an error) stays shown; typing picks "Other".
    page.evaluate("""() => { const box = document.getElementById('id_seniority.other.text');
        box.disabled = false; box.closest('.specify').hidden = false; }""")
    page.locator(field(BOX)).fill("Head of digital")
    expect(page.locator(field("seniority_4"))).to_be_checked()
