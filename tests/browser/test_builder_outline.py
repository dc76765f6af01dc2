"""The outline editor in a real browser: a survey manager signs in and builds a two-page
survey (a single-choice question whose choices are pasted as a block, a matrix, a text
question), reorders by keyboard and by drag, deletes and undoes, without typing a code;
the page raises no Content-Security-Policy violation and no serious axe-core finding, at
1280 and 768 px wide (screenshots in /work/shots/outline-*.png)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from surveys.models import Page, Question, Survey, SurveyVersion
from tests.kit.browser import PASSWORD, assert_accessible, assert_no_csp_violation, screenshot, sign_in
from tests.kit.outline import layout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def outline_page(open_page):
    return open_page()


@pytest.fixture
def empty_draft(manager) -> SurveyVersion:
    """A new survey as "create" leaves it: a draft with one empty page, edited by alice."""
    manager.set_password(PASSWORD)
    manager.save()
    survey = Survey.objects.create(slug="quick", title="Quick pulse")
    survey.editors.add(manager)
    version = SurveyVersion.objects.create(survey=survey, number=1)
    Page.objects.create(version=version, position=0)
    return version


def _add_question(page, page_number: int, type_label: str):
    section = page.locator(".outline-page").nth(page_number - 1)
    section.locator("summary", has_text="Add a question").click()
    section.get_by_role("button", name=type_label, exact=True).click()
    form = page.locator("form.question-form")
    expect(form).to_be_visible()
    expect(form.get_by_label("Question", exact=True)).to_be_focused()
    return form


def _card(page, label: str):
    return page.locator(".outline-question", has=page.get_by_role("heading", name=label))


def _center(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _drag(page, card, onto, into) -> None:
    """Drag a question card by its handle onto the element `onto`, waiting at each step for
    SortableJS (the drag started, the placeholder is in the list `into`) and at the end for
    the server's answer. The window is made tall enough to show both ends without scrolling."""
    height = page.viewport_size["height"]
    page.set_viewport_size({"width": page.viewport_size["width"], "height": 2400})
    page.evaluate("window.scrollTo(0, 0)")
    x, y = _center(card.locator(".drag-handle"))
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + 12, steps=3)
    expect(page.locator(".sortable-fallback")).to_have_count(1)
    page.mouse.move(*_center(onto), steps=12)
    expect(into.locator(".sortable-ghost")).to_have_count(1)
    with page.expect_response(lambda r: r.url.endswith("/move/") and r.request.method == "POST"):
        page.mouse.up()
    page.set_viewport_size({"width": page.viewport_size["width"], "height": height})


def test_it_builds_a_survey_without_typing_a_code(outline_page, live_server, empty_draft):
    page = outline_page
    sign_in(page, live_server, "/build/quick/", password=PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Quick pulse")

    # A single-choice question, its choices pasted as a block; the code follows the label.
    form = _add_question(page, 1, "Single choice (radio)")
    form.get_by_label("Question", exact=True).fill("Which best describes your role?")
    expect(form.get_by_label("Code", exact=True)).to_have_value("which_best_describes_your_role")
    form.get_by_label("Required").check()
    form.get_by_label("Or paste a block of lines: one choice per line").fill("IT\nBusiness\n\nOther")
    form.get_by_role("button", name="Add these lines").click()
    expect(form.get_by_label("Code of choice 3")).to_have_value("other")
    form.get_by_label("Code of choice 1").fill("role")  # a code taken by no one: fine
    form.get_by_label("Code of choice 2").fill("role")
    expect(form.locator(".entry-check").nth(1)).to_contain_text("Another choice already has the code “role”.")
    form.get_by_label("Code of choice 2").fill("")
    form.get_by_label("Choice 2", exact=True).fill("Business people")
    expect(form.get_by_label("Code of choice 2")).to_have_value("business_people")
    form.get_by_label("Code of choice 1").fill("it")
    form.get_by_role("button", name="Save the question").click()
    expect(_card(page, "Which best describes your role?")).to_contain_text("IT · Business people · Other")
    expect(page.get_by_role("heading", name="Which best describes your role?")).to_be_focused()

    # A matrix: rows pasted and added, choices pasted and saved at once.
    form = _add_question(page, 1, "Matrix (rows × one scale)")
    form.get_by_label("Question", exact=True).fill("How often do you use")
    form.get_by_label("Or paste a block of lines: one row per line").fill("Mail\nChat")
    form.get_by_role("button", name="Add these lines").first.click()
    expect(form.get_by_label("Code of row 2")).to_have_value("chat")
    form.get_by_label("Or paste a block of lines: one choice per line").fill("Never\nOften")
    screenshot(page, "outline-edit-1280")
    assert_accessible(page)
    form.get_by_role("button", name="Save the question").click()
    expect(_card(page, "How often do you use")).to_contain_text("2 rows × 2 choices")

    # A second page with a text question shown only to IT people (checked as it is typed).
    page.get_by_role("button", name="Add a page").click()
    expect(page.get_by_role("heading", name="Page 2")).to_be_focused()
    form = _add_question(page, 2, "Short text")
    form.get_by_label("Question", exact=True).fill("Anything else?")
    condition = form.get_by_label("Show only if")
    condition.fill("which_best_describes_your_role = manager")
    expect(form.locator(".condition-check")).to_contain_text("'manager' is not a choice")
    condition.fill("which_best_describes_your_role = it")
    expect(form.locator(".condition-check")).to_contain_text("The condition fits")
    form.get_by_role("button", name="Save the question").click()
    expect(_card(page, "Anything else?")).to_contain_text("Shown only if which_best_describes_your_role = it")

    version = empty_draft
    assert layout(version) == [["which_best_describes_your_role", "how_often_do_you_use"], ["anything_else"]]

    # Reorder by keyboard: Move up (across the page break, then within the page); the focus
    # stays on the button, to press it again.
    _card(page, "Anything else?").get_by_role("button", name="Move up").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".outline-page").first).to_contain_text("Anything else?")
    expect(_card(page, "Anything else?").get_by_role("button", name="Move up")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".outline-question").nth(1)).to_contain_text("Anything else?")
    expect(_card(page, "Anything else?").get_by_role("button", name="Move up")).to_be_focused()
    assert layout(version) == [["which_best_describes_your_role", "anything_else", "how_often_do_you_use"], []]

    # Reorder by drag: the matrix to the top, then the text question onto the empty page 2.
    first, second = page.locator(".outline-questions").nth(0), page.locator(".outline-questions").nth(1)
    _drag(page, _card(page, "How often do you use"), _card(page, "Which best describes your role?"), first)
    expect(page.locator(".outline-question").first).to_contain_text("How often do you use")
    _drag(page, _card(page, "Anything else?"), second, second)
    expect(page.locator(".outline-page").nth(1)).to_contain_text("Anything else?")
    assert layout(version) == [["how_often_do_you_use", "which_best_describes_your_role"], ["anything_else"]]

    # Delete and undo.
    _card(page, "How often do you use").get_by_role("button", name="Delete").click()
    expect(page.locator("#outline-undo")).to_contain_text("Question “How often do you use” deleted.")
    assert layout(version)[0] == ["which_best_describes_your_role"]
    expect(page.get_by_role("button", name="Undo")).to_be_focused()
    page.keyboard.press("Enter")
    expect(_card(page, "How often do you use")).to_be_visible()

    matrix = Question.objects.get(version=version, code="how_often_do_you_use")
    assert layout(version) == [["how_often_do_you_use", "which_best_describes_your_role"], ["anything_else"]]
    assert list(matrix.rows.order_by("position").values_list("code", flat=True)) == ["mail", "chat"]
    assert list(matrix.choices.order_by("position").values_list("code", flat=True)) == ["never", "often"]
    role = Question.objects.get(version=version, code="which_best_describes_your_role")
    assert role.required
    assert list(role.choices.order_by("position").values_list("code", "label")) == [
        ("it", "IT"), ("business_people", "Business people"), ("other", "Other")]
    assert Question.objects.get(version=version, code="anything_else").condition == (
        "which_best_describes_your_role = it")

    assert_accessible(page)
    assert_no_csp_violation(page)
    screenshot(page, "outline-1280")
    page.set_viewport_size({"width": 768, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "outline-768")
    _card(page, "How often do you use").get_by_role("link", name="Edit").click()
    expect(page.locator("form.question-form")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "outline-edit-768")
    assert_accessible(page)
    assert_no_csp_violation(page)
