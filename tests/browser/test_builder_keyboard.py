"""Issue 13's second scripted run: a survey manager builds a small survey with the keyboard
alone (Tab, Shift+Tab, Enter, Space, arrows and typing; no click after signing in): a new
blank survey, a single-choice question with three choices pasted as lines, a second page
with a text question, page 2's display condition built in the condition picker, then
publishes it. The database holds what was built."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from surveys.models import Survey
from surveys.selectors import version_definition
from tests.kit.browser import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Team lunch"
DISHES = ["Pizza", "Salad", "Noodles"]


class Keyboard:
    """The page's keyboard, counting the keys pressed (Tab and Shift+Tab apart)."""

    def __init__(self, page) -> None:
        self.page = page
        self.keys = 0
        self.tabs = 0

    def press(self, key: str) -> None:
        self.keys += 1
        self.tabs += key in ("Tab", "Shift+Tab")
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        """Typing, line by line (Enter between lines)."""
        for n, line in enumerate(text.split("\n")):
            if n:
                self.press("Enter")
            self.keys += len(line)
            self.page.keyboard.type(line)

    def tab_to(self, target, *, back: bool = False, limit: int = 80) -> None:
        """Tab (or Shift+Tab) until `target` has the focus."""
        for _ in range(limit):
            if target.evaluate("e => e === document.activeElement"):
                return
            self.press("Shift+Tab" if back else "Tab")
        raise AssertionError(f"{limit} presses of {'Shift+Tab' if back else 'Tab'} never reached {target}")

    def activate(self, target, *, back: bool = False, key: str = "Enter") -> None:
        self.tab_to(target, back=back)
        self.press(key)


@pytest.fixture
def keyboard(open_page, live_server, manager):
    page = open_page()
    sign_in(page, live_server, "/build/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your surveys")
    return Keyboard(page)


def test_a_manager_builds_and_publishes_a_small_survey_with_the_keyboard_alone(keyboard, manager):
    keys, page = keyboard, keyboard.page

    # New survey: the title has the focus; Enter creates it (blank is the default start).
    keys.activate(page.get_by_role("link", name="New survey"))
    expect(page.get_by_label("Title")).to_be_focused()
    keys.type(TITLE)
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)

    # Page 1: a required single-choice question, its choices pasted as lines.
    keys.activate(page.locator("summary", has_text="Add a question to page 1"))
    keys.activate(page.get_by_role("button", name="Single choice (radio)", exact=True))
    form = page.locator("form.question-form")
    expect(form.get_by_label("Question", exact=True)).to_be_focused()
    keys.type("What shall we eat?")
    expect(form.get_by_label("Code", exact=True)).to_have_value("what_shall_we_eat")
    keys.activate(form.get_by_label("Required", exact=True), key="Space")
    keys.tab_to(form.get_by_label("Or paste a block of lines: one choice per line"))
    keys.type("\n".join(DISHES))
    keys.activate(form.get_by_role("button", name="Add these lines"))
    expect(form.get_by_label(f"Choice {len(DISHES)}", exact=True)).to_be_focused()
    keys.activate(form.get_by_role("button", name="Save the question"))
    expect(page.get_by_role("heading", name="What shall we eat?")).to_be_focused()

    # Page 2, with a text question.
    keys.activate(page.get_by_role("button", name="Add a page"))
    expect(page.get_by_role("heading", name="Page 2", exact=True)).to_be_focused()
    keys.activate(page.locator("summary", has_text="Add a question to page 2"))
    keys.activate(page.get_by_role("button", name="Short text", exact=True))
    expect(form.get_by_label("Question", exact=True)).to_be_focused()
    keys.type("Anything we should know?")
    keys.activate(form.get_by_role("button", name="Save the question"))
    expect(page.get_by_role("heading", name="Anything we should know?")).to_be_focused()

    # Page 2 is shown only to those who want salad: built in the picker with arrows.
    keys.activate(page.get_by_role("link", name="Condition… of page 2"), back=True)
    # The picker opens in the outline, under the page's head, its heading focused.
    expect(page.locator("#condition-editor-heading")).to_contain_text("Display condition of page 2")
    expect(page.locator("#condition-editor-heading")).to_be_focused()
    keys.activate(page.get_by_role("button", name="Add a condition to the top group"))
    question = page.get_by_label("Condition 1: question")
    expect(question).to_be_focused()
    keys.press("ArrowDown")
    expect(question).to_have_value("what_shall_we_eat")
    value = page.get_by_label("Condition 1: value")
    keys.tab_to(value)
    keys.press("ArrowDown")
    keys.press("ArrowDown")
    expect(page.locator(".picker-output")).to_have_text("Condition: what_shall_we_eat = salad")
    screenshot(page, "rebuild-keyboard-picker")
    keys.activate(page.get_by_role("button", name="Save the condition"))
    expect(page.locator("#outline-messages")).to_contain_text("saved: what_shall_we_eat = salad")

    # Publish, from the outline.
    keys.activate(page.get_by_role("link", name="Publish…"))
    expect(page.locator("#ready")).to_be_visible()
    keys.activate(page.get_by_role("button", name="Publish version 1"))
    expect(page.locator(".builder-messages")).to_contain_text("Version 1 is published and open")
    print(f"\nKeyboard run: {keys.keys} keys pressed after signing in, {keys.tabs} of them Tab or Shift+Tab.")

    survey = Survey.objects.get(title=TITLE)
    assert list(survey.editors.all()) == [manager]
    definition = version_definition(survey.open_version())
    assert [[q.code for q in p.questions] for p in definition.pages] == [
        ["what_shall_we_eat"], ["anything_we_should_know"]]
    food = definition.questions["what_shall_we_eat"]
    assert (food.type, food.required) == ("single", True)
    assert [(c.code, c.label) for c in food.choices] == [("pizza", "Pizza"), ("salad", "Salad"),
                                                        ("noodles", "Noodles")]
    assert definition.questions["anything_we_should_know"].type == "short_text"
    assert [p.condition for p in definition.pages] == ["", "what_shall_we_eat = salad"]
