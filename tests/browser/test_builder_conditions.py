"""The condition picker in a real browser: a survey manager signs in through the login
form and builds a display condition on the demo survey's draft with clicks only, sees its
text, saves it; types a misspelt code in text mode and sees the parser's message placed;
builds one condition with the keyboard alone. Chromium enforces the Content-Security-
Policy throughout (a listener records any violation: none is allowed) and axe-core finds
no serious or critical problem. Screenshots go to /work/shots/conditions-*.png.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from surveys.models import Question
from surveys.services import version_duplicate
from tests.kit.browser import assert_accessible, assert_no_csp_violation, shots, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONDITION = "role = it and (company_usage.twitter in (some, widespread) or not seniority = other)"


@pytest.fixture
def picker_page(open_page, live_server, manager, demo_survey):
    """A signed-in survey manager's page (1280 px wide) recording policy violations, and
    the draft's `barriers` question, whose condition is built."""
    draft = version_duplicate(version=demo_survey.open_version())
    question = Question.objects.get(version=draft, code="barriers")
    page = open_page()
    sign_in(page, live_server, reverse("builder:condition_question", args=[demo_survey.slug, question.pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Display condition of the question")
    return page, question


def _output(page):
    return page.locator("#condition-output")


def test_it_builds_a_condition_with_clicks_and_saves_it(picker_page):
    page, question = picker_page
    expect(_output(page)).to_have_text("Always shown: no condition.")

    page.get_by_role("button", name="Add a condition to the top group").click()
    question_1 = page.get_by_label("Condition 1: question")
    expect(question_1).to_be_focused()
    question_1.select_option(label="Which best describes your role?")
    page.get_by_label("Condition 1: value").select_option(label="IT leader (CIO, CTO, IT director or manager)")
    expect(_output(page)).to_contain_text("Condition: role = it")

    page.get_by_role("button", name="Add a group to the top group").click()
    question_2 = page.get_by_label("Condition 2: question")
    expect(question_2).to_be_focused()
    question_2.select_option(value="company_usage.twitter")
    page.get_by_label("Condition 2: operator").select_option(label="is one of")
    page.get_by_label("Used by some groups").check()
    expect(_output(page)).to_contain_text("company_usage.twitter in (some)")
    page.get_by_label("Used widely across the company").check()
    expect(_output(page)).to_contain_text("company_usage.twitter in (some, widespread)")

    page.get_by_role("button", name="Add a condition to group 2").click()
    page.get_by_label("Condition 3: question").select_option(label="What is your level?")
    page.get_by_label("Condition 3: value").select_option(label="Other")
    page.locator("label", has_text="not").filter(has_text="negate condition 3").click()
    expect(_output(page)).to_have_text(f"Condition: {CONDITION}")
    assert_no_csp_violation(page)
    assert_accessible(page)
    shots(page, "conditions-picker")

    page.get_by_role("button", name="Save the condition").click()
    expect(page).to_have_url(re.compile(rf"/build/{question.version.survey.slug}/#question-{question.pk}$"))
    question.refresh_from_db()
    assert question.condition == CONDITION


def test_it_places_the_parsers_message_in_text_mode(picker_page):
    page, question = picker_page
    page.get_by_role("button", name="Type the condition instead").click()
    text = page.get_by_label("Condition, as text")
    expect(text).to_be_focused()
    text.press_sequentially("role = it and rol = x", delay=20)
    expect(page.locator(".picker-text-error")).to_have_text("at position 14: unknown question 'rol'")
    expect(page.locator(".picker-caret")).to_have_text("role = it and rol = x\n              ^")
    expect(text).to_have_attribute("aria-invalid", "true")
    page.get_by_text("Codes you can use").click()
    expect(page.locator(".picker-codes dl")).to_contain_text("What is your level?choices: c_level, vp, director")
    assert_no_csp_violation(page)
    assert_accessible(page)
    shots(page, "conditions-text")

    text.fill("")
    text.press_sequentially("role = it and seniority in (vp, c_level)", delay=10)
    expect(page.locator("#condition-feedback")).to_contain_text("Valid: role = it and seniority in (vp, c_level)")
    page.get_by_role("button", name="Back to the picker").click()
    expect(page.get_by_label("Condition 2: question")).to_have_value("seniority")
    expect(page.get_by_label("Vice president")).to_be_checked()
    expect(_output(page)).to_have_text("Condition: role = it and seniority in (vp, c_level)")
    assert_no_csp_violation(page)

    # A text that parses but does not fit the survey opens in the picker with the problems
    # on their rows.
    page.get_by_role("button", name="Type the condition instead").click()
    page.get_by_label("Condition, as text").fill("role = ceo or comments = 'none'")
    # The checker places a value's problem at its question's code.
    message = "at position 0: 'ceo' is not a choice of 'role' (it, business)"
    expect(page.locator(".picker-text-error")).to_have_text(message)
    page.get_by_role("button", name="Back to the picker").click()
    expect(page.locator("#condition-2-errors")).to_have_text(
        "'ceo' is not a choice of “Which best describes your role?”."
    )
    expect(page.get_by_label("Condition 1: value")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#condition-3-errors")).to_contain_text("is not asked before this point")
    expect(_output(page)).to_have_text("Correct the marked problems to complete the condition.")
    assert_no_csp_violation(page)
    assert_accessible(page)
    shots(page, "conditions-errors")


def test_it_builds_a_condition_with_the_keyboard_alone(picker_page):
    page, question = picker_page
    page.locator("body").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "condition-1-add":
            break
    else:
        pytest.fail("Tab never reached the Add a condition button")
    page.keyboard.press("Enter")
    question_1 = page.get_by_label("Condition 1: question")
    expect(question_1).to_be_focused()
    page.keyboard.press("ArrowDown")  # the first question: role
    expect(page.get_by_label("Condition 1: value")).to_be_visible()
    expect(question_1).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Condition 1: operator")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Condition 1: value")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # past "Choose…" and "IT leader" to "Business leader"
    expect(_output(page)).to_have_text("Condition: role = business")
    expect(page.get_by_label("Condition 1: value")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_label("not (negate condition 1)")).to_be_focused()
    page.keyboard.press("Space")
    expect(_output(page)).to_have_text("Condition: not role = business")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Save the condition":
            break
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/build/{question.version.survey.slug}/#question-{question.pk}$"))
    question.refresh_from_db()
    assert question.condition == "not role = business"
