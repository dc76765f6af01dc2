"""The outline's panels in a real browser: the preview beside the outline (shown on
demand and remembered, the draft in test mode at phone and desktop widths, reloaded after
each saved edit, jumping to the page being edited) and the condition picker opened in
place of a question's card (built with clicks, in text mode, and with the keyboard alone),
all without leaving the outline. No Content-Security-Policy violation (in the page and
its frames), no serious axe-core finding; screenshots at 1280 and 768 px in
/work/shots/outline/."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from surveys.models import Page, Question, SurveyVersion
from tests.kit.browser import assert_clean, screenshot, shots, sign_in, tab_to
from tests.kit.outline import small_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTLINE = "/build/small/"


@pytest.fixture
def draft(manager) -> SurveyVersion:
    return small_draft(editors=[manager])


@pytest.fixture
def outline(open_page, live_server, draft):
    """alice, signed in, on the small survey's outline (1280 x 900); every main-frame
    navigation is counted in `page.loads` (the panels must need none)."""
    page = open_page()
    sign_in(page, live_server, OUTLINE)
    expect(page.get_by_role("heading", level=1)).to_have_text("A small survey")
    loads = []
    page.on("framenavigated", lambda frame: loads.append(frame.url) if frame == page.main_frame else None)
    page.loads = loads
    return page


def _card(page, label: str):
    return page.locator(".outline-question", has=page.get_by_role("heading", name=label))


def _phone(page):
    return page.frame_locator(".outline-preview .preview-phone iframe")


def test_the_preview_beside_the_outline_shows_the_draft_and_follows_each_edit(outline, draft):
    page = outline
    panel = page.locator("#outline-preview")
    expect(panel).to_be_hidden()
    assert panel.locator("iframe[src]").count() == 0  # nothing loads while it is hidden

    page.get_by_role("button", name="Show the preview").click()
    expect(panel).to_be_visible()
    expect(page.locator("#outline-preview-heading")).to_be_focused()
    expect(page.get_by_role("button", name="Hide the preview")).to_have_attribute("aria-expanded", "true")
    expect(_phone(page).get_by_text("Your role?")).to_be_visible()
    desktop = page.frame_locator(".outline-preview .preview-desktop iframe")
    expect(desktop.get_by_text("Your role?")).to_be_visible()
    # Beside the outline at 1280 px.
    outline_box, panel_box = page.locator(".outline-root").bounding_box(), panel.bounding_box()
    assert panel_box["x"] >= outline_box["x"] + outline_box["width"]

    # A saved edit reloads the frames, which show it.
    _card(page, "Your role?").get_by_role("link", name="Edit").click()
    form = page.locator("form.question-form")
    form.get_by_label("Question", exact=True).fill("Your job?")
    form.get_by_role("button", name="Save the question").click()
    expect(page.get_by_role("heading", name="Your job?")).to_be_focused()
    expect(_phone(page).get_by_text("Your job?")).to_be_visible()
    expect(desktop.get_by_text("Your job?")).to_be_visible()

    # The page being edited: a question of page 2 open, "Show page 2" shows every question there.
    _card(page, "Anything else?").get_by_role("link", name="Edit").click()
    expect(page.locator("form.question-form")).to_be_visible()
    jump = panel.get_by_role("button", name="Show page 2")
    jump.focus()
    page.wait_for_timeout(800)  # the page's smooth scrolling (Bootstrap's) to the focused button
    scrolled = page.evaluate("[window.scrollY, document.querySelector('#outline-preview').scrollTop]")
    page.keyboard.press("Enter")
    phone_frame = panel.locator(".preview-phone iframe")
    expect(phone_frame).to_have_attribute("src", reverse("surveys:preview", args=[draft.pk]))
    expect(_phone(page).get_by_role("heading", name="Page 2: More")).to_be_in_viewport()
    # Only the frame scrolled, not the outline or the panel.
    page.wait_for_timeout(800)
    assert page.evaluate("[window.scrollY, document.querySelector('#outline-preview').scrollTop]") == scrolled
    screenshot(page, "outline/preview-window-1280", full_page=False)
    expect(panel.get_by_role("link", name="Every question")).to_have_attribute("aria-current", "true")
    assert_clean(page)
    shots(page, "outline/preview")

    # Below the outline on narrower screens.
    page.set_viewport_size({"width": 768, "height": 900})
    outline_box, panel_box = page.locator(".outline-root").bounding_box(), panel.bounding_box()
    assert panel_box["y"] >= outline_box["y"] + outline_box["height"]
    page.set_viewport_size({"width": 1280, "height": 900})

    # Remembered in this browser; hidden again on request.
    assert len(page.loads) == 0
    page.reload()
    expect(panel).to_be_visible()
    page.get_by_role("button", name="Hide the preview").click()
    expect(panel).to_be_hidden()
    page.reload()
    expect(panel).to_be_hidden()


def test_the_picker_opens_in_the_outline_and_saves_without_leaving_it(outline, draft):
    page = outline
    age = Question.objects.get(version=draft, code="age")
    _card(page, "Anything else?").get_by_role("link", name="Condition…").click()
    editor = page.locator("#condition-editor")
    expect(page.locator("#condition-editor-heading")).to_have_text("Display condition of the question “Anything else?”")
    expect(page.locator("#condition-editor-heading")).to_be_focused()

    editor.get_by_role("button", name="Add a condition to the top group").click()
    question = editor.get_by_label("Condition 1: question")
    # A matrix row's option names the row first: "Chat — How often do you use...".
    expect(question.locator("option", has_text="Chat — How often do you use...")).to_have_count(1)
    question.select_option(label="Age?")
    editor.get_by_label("Condition 1: operator").select_option(label="is at least")
    editor.get_by_label("Condition 1: value").fill("30")
    editor.get_by_label("Condition 1: value").press("Enter")
    expect(editor.locator(".picker-output")).to_have_text("Condition: age >= 30")

    # Text mode: the parser's message at its place.
    editor.get_by_role("button", name="Type the condition instead").click()
    text = editor.get_by_label("Condition, as text")
    expect(text).to_be_focused()
    text.fill("")
    text.press_sequentially("age >= 30 and rol = it", delay=10)
    expect(editor.locator(".picker-text-error")).to_have_text("at position 14: unknown question 'rol'")
    expect(editor.locator(".picker-caret")).to_have_text("age >= 30 and rol = it\n              ^")
    assert_clean(page)
    shots(page, "outline/picker-text")
    text.fill("")
    text.press_sequentially("age >= 30 and role = it", delay=10)
    expect(editor.locator("#condition-feedback")).to_contain_text("Valid: age >= 30 and role = it")

    editor.get_by_role("button", name="Save the condition").click()
    card = _card(page, "Anything else?")
    expect(card).to_contain_text("Shown only if age >= 30 and role = it")
    expect(page.get_by_role("heading", name="Anything else?")).to_be_focused()
    expect(page.locator("#outline-messages")).to_contain_text("saved: age >= 30 and role = it")
    assert Question.objects.get(version=draft, code="note").condition == "age >= 30 and role = it"
    assert Question.objects.get(pk=age.pk).condition == "role = it"  # the others' stay
    assert len(page.loads) == 0, page.loads  # never left the outline
    assert_clean(page)

    # Cancel puts the focus back on the "Condition…" that opened it.
    card.get_by_role("link", name="Condition…").click()
    expect(editor).to_be_visible()
    editor.get_by_role("link", name="Cancel").click()
    expect(card.get_by_role("link", name="Condition…")).to_be_focused()
    assert len(page.loads) == 0, page.loads


def test_the_inline_picker_works_with_the_keyboard_alone(outline, draft):
    page = outline
    tab_to(page, page.get_by_role("link", name="Condition… of page 2"))
    page.keyboard.press("Enter")
    heading = page.locator("#condition-editor-heading")
    expect(heading).to_have_text("Display condition of page 2 “More”")
    expect(heading).to_be_focused()

    tab_to(page, page.get_by_role("button", name="Add a condition to the top group"))
    page.keyboard.press("Enter")
    question = page.get_by_label("Condition 1: question")
    expect(question).to_be_focused()
    page.keyboard.press("ArrowDown")  # the first question: role
    expect(question).to_have_value("role")
    tab_to(page, page.get_by_label("Condition 1: value"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # past "Choose…" to "Business"
    expect(page.locator("#condition-editor .picker-output")).to_have_text("Condition: role = biz")
    assert_clean(page)
    shots(page, "outline/picker-keyboard")

    tab_to(page, page.get_by_role("button", name="Save the condition"))
    page.keyboard.press("Enter")
    expect(page.locator("#outline-messages")).to_contain_text("saved: role = biz")
    expect(page.get_by_role("heading", name="Page 2: More")).to_be_focused()
    expect(page.locator(".outline-page").nth(1)).to_contain_text("Shown only if role = biz")
    assert Page.objects.filter(version=draft).order_by("position")[1].condition == "role = biz"
    assert len(page.loads) == 0, page.loads
