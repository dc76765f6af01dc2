"""The definition file page and the preview in a real browser: a survey manager signs in
through the login form, uploads a file with problems and sees each listed with its place,
fixes it in the text box and lands on the outline; then opens the preview, where both
frames load the form in test mode (framed by the app itself: no frame-ancestors or
X-Frame-Options refusal) and Reload shows in one frame the page answered in the other.
No Content-Security-Policy violation in any document, frames included; no serious or
critical axe-core violation; screenshots at 1280 and 768 px go to /work/shots/yaml-*.png
and /work/shots/preview-*.png."""

from __future__ import annotations

import pytest
import yaml
from playwright.sync_api import expect

from surveys.selectors import version_definition
from tests.kit.browser import assert_clean, field, shots, sign_in
from tests.kit.demo import DEMO_FILE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "iframe[title$='(375 pixels)']"
DESKTOP = "iframe[title$='(1280 pixels)']"


@pytest.fixture
def page(open_page):
    return open_page()


def test_a_manager_uploads_a_file_with_problems_fixes_it_and_lands_on_the_outline(
    page, live_server, manager, demo_survey
):
    sign_in(page, live_server, "/build/ddiq-2010/yaml/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Definition file")
    assert_clean(page)
    shots(page, "yaml-page")

    data = yaml.safe_load(DEMO_FILE.read_text())
    data["title"] = "Digital IQ 2011"
    data["pages"][-1]["questions"].append({"code": "email", "type": "email", "label": "Your e-mail?"})
    broken = yaml.safe_dump(data, sort_keys=False, allow_unicode=True).replace(
        "code: personal_use\n    type: matrix", "code: personal_use\n    type: grid"
    )
    assert "type: grid" in broken
    grid_line = broken.splitlines().index("    type: grid") + 1
    page.get_by_label("Definition file").set_input_files(
        files=[{"name": "ddiq-2011.yaml", "mimeType": "application/yaml", "buffer": broken.encode()}]
    )
    page.get_by_role("button", name="Upload as a new draft").click()

    problems = page.get_by_role("alert")
    expect(problems).to_contain_text("Nothing was changed: “ddiq-2011.yaml” has")
    expect(problems).to_contain_text(
        f"Page 3, question 1 (personal_use), type (line {grid_line}) pages[2].questions[0].type: unknown type 'grid'"
    )
    assert demo_survey.versions.count() == 1
    assert_clean(page)
    shots(page, "yaml-errors")

    # The file's text waits in the box: fixed there, it is uploaded without choosing it again.
    text_box = page.get_by_label("Or paste the definition")
    expect(text_box).to_have_value(broken)
    text_box.fill(broken.replace("type: grid", "type: matrix"))
    page.get_by_role("button", name="Upload as a new draft").click()
    expect(page).to_have_url(f"{live_server.url}/build/ddiq-2010/")
    summary = page.locator(".builder-messages")
    expect(summary).to_contain_text("The pasted definition is now the draft, version 2: 3 pages, 10 questions.")
    expect(summary.get_by_role("link", name="Review and publish it")).to_have_attribute(
        "href", "/build/ddiq-2010/publish/"
    )
    assert_clean(page)
    draft = demo_survey.draft_version()
    assert draft.number == 2
    assert "email" in version_definition(draft).questions


def test_a_paste_too_big_for_the_server_is_told_so_on_the_page(page, live_server, manager, demo_survey, settings):
    sign_in(page, live_server, "/build/ddiq-2010/yaml/")
    page.get_by_label("Or paste the definition").fill("# " + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    page.get_by_role("button", name="Upload as a new draft").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Nothing was changed: the pasted definition is larger than 1 MB, the most a definition may be"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Definition file")
    assert demo_survey.versions.count() == 1
    assert_clean(page)
    shots(page, "yaml-too-big")


def test_the_preview_frames_the_form_at_two_widths_and_reloads_them(page, live_server, manager, demo_survey):
    sign_in(page, live_server, "/build/ddiq-2010/preview/")
    phone, desktop = page.frame_locator(PHONE), page.frame_locator(DESKTOP)
    for frame in (phone, desktop):
        expect(frame.get_by_text("Page 1 of 3")).to_be_visible()
        expect(frame.locator(".test-banner")).to_be_visible()
    assert_clean(page)

    # Side by side at 1280 px, the desktop frame scaled down to its column.
    phone_box, desktop_box = page.locator(PHONE).bounding_box(), page.locator(DESKTOP).bounding_box()
    assert phone_box["width"] == pytest.approx(375, abs=1)
    assert desktop_box["x"] > phone_box["x"] + phone_box["width"]
    column = page.locator("[data-preview-desktop]").bounding_box()
    assert column["width"] - 4 <= desktop_box["width"] <= column["width"]
    shots(page, "preview")

    # One above the other at 768 px.
    page.set_viewport_size({"width": 768, "height": 900})
    page.wait_for_timeout(200)
    phone_box, desktop_box = page.locator(PHONE).bounding_box(), page.locator(DESKTOP).bounding_box()
    assert desktop_box["y"] > phone_box["y"] + phone_box["height"]
    page.set_viewport_size({"width": 1280, "height": 900})

    # Page 1 answered in the phone frame; Reload brings the desktop frame to page 2 too
    # (one test response).
    phone.locator(field("role")).check()
    phone.locator(field("seniority_1")).check()
    phone.locator(field("industry")).select_option("retail")
    phone.locator(field("revenue_3")).check()
    phone.locator(".form-nav button[value=next]").click()
    expect(phone.get_by_text("Page 2 of 3")).to_be_visible()
    expect(desktop.get_by_text("Page 1 of 3")).to_be_visible()
    page.get_by_role("button", name="Reload").click()
    expect(desktop.get_by_text("Page 2 of 3")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/build/ddiq-2010/preview/")  # the frames reloaded, not the page
    assert_clean(page)

    # Every question on one page: the structure preview, framed as well.
    page.get_by_role("link", name="Every question on one page").click()
    for frame in (phone, desktop):
        expect(frame.get_by_text("What is your level?")).to_be_visible()
    assert_clean(page)
    shots(page, "preview-questions")

    # Test mode one click away, in a tab of its own.
    page.get_by_role("link", name="The form, page by page (test mode)").click()
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Open test mode in a new tab").click()
    tab = opened.value
    expect(tab.get_by_text("Page 2 of 3")).to_be_visible()
    tab.close()


def test_a_manager_starts_a_survey_from_a_file(page, live_server, manager, demo_survey):
    sign_in(page, live_server, "/build/new/")
    page.get_by_label("Title").fill("Digital IQ 2011")
    expect(page.get_by_label("Slug")).to_have_value("digital-iq-2011")
    broken = DEMO_FILE.read_text().replace("code: twitter_uses\n    type: multiple",
                                           "code: twitter_uses\n    type: many")
    page.get_by_label("Definition file", exact=True).set_input_files(
        files=[{"name": "start.yaml", "mimeType": "application/yaml", "buffer": broken.encode()}]
    )
    expect(page.get_by_label("A definition file (YAML)")).to_be_checked()  # choosing the file chose the way
    page.get_by_role("button", name="Create survey").click()
    expect(page.locator(".upload-definition .invalid-feedback")).to_contain_text(
        "Nothing was created: “start.yaml” has"
    )
    expect(page.locator(".upload-definition .invalid-feedback")).to_contain_text(
        "Page 3, question 2 (twitter_uses), type"
    )
    assert_clean(page)
    shots(page, "yaml-create-errors")

    page.get_by_label("Definition file", exact=True).set_input_files(
        files=[{"name": "start.yaml", "mimeType": "application/yaml", "buffer": DEMO_FILE.read_bytes()}]
    )
    page.get_by_role("button", name="Create survey").click()
    expect(page).to_have_url(f"{live_server.url}/build/digital-iq-2011/")
    expect(page.locator(".builder-messages")).to_contain_text("Created “Digital IQ 2011” with a draft, version 1")
