"""Issue 13's "Done when", in a real browser: a survey manager signs in through the login
form and builds THE DEMO SURVEY FROM SCRATCH in the builder (New survey, blank; every
page, question, choice and matrix row; the exclusive choice; the "Other" choices' text
boxes; the conditional question's condition built with the picker; the intro, thank-you text and description; the four
findings, their base and target built in pickers too; three NETs and the saved view),
publishes it with one confirmation, and the export of the survey built equals
surveys/demo/ddiq-2010.yaml but for its slug and title. Then she changes it after launch
(Edit as a new draft, a new label, publish again) and opens its public link from the
surveys home.

The run is driven by the demo file itself (its pages, questions, findings...), through the
labels a user reads: no URL is typed after signing in (links are clicked) and no condition
is typed (questions, operators and values are chosen from the pickers' lists). The
builder suggests every code from its label; the demo's codes are a public contract that
mostly cannot be derived from its labels ("Under $100 million" -> lt_100m), so where the
suggestion differs the run types the demo's code into the code field. It prints how many
codes were typed and how many were accepted as suggested, the page loads and the user
actions (clicks, fills, selects, checks) it took. Screenshots of key moments go to
/work/shots/rebuild-*.png.
"""

from __future__ import annotations

import pytest
import yaml
from playwright.sync_api import expect

from surveys import conditions
from surveys.codes import code_from_label
from surveys.definition_files import definition_to_data
from surveys.models import Survey
from surveys.selectors import latest_version, version_definition
from surveys.types import question_type
from tests.kit.browser import assert_no_csp_violation, screenshot
from tests.kit.demo import DEMO_FILE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_LABEL = "Which best describes your role today?"


class Run:
    """The signed-in user's browser, counting what the note reports: page loads (every
    load of the main frame: navigations and reloads, not htmx swaps), user actions, and
    the codes typed or accepted as the builder suggested them."""

    def __init__(self, page) -> None:
        self.page = page
        self.loads = 0
        self.actions = 0
        self.codes_typed = 0
        self.codes_accepted = 0
        page.on("load", self._loaded)

    def _loaded(self, _page) -> None:
        self.loads += 1

    def click(self, locator) -> None:
        self.actions += 1
        locator.click()

    def fill(self, locator, text: str) -> None:
        self.actions += 1
        locator.fill(text)

    def check(self, locator) -> None:
        self.actions += 1
        locator.check()

    def select(self, locator, value: str) -> None:
        self.actions += 1
        locator.select_option(value=value)

    def code(self, field, suggested: str, wanted: str) -> None:
        """The builder's suggestion is in the field; keep it if it is the demo's code, else
        type the demo's."""
        expect(field).to_have_value(suggested)
        if suggested == wanted:
            self.codes_accepted += 1
        else:
            self.fill(field, wanted)
            self.codes_typed += 1

    def shoot(self, name: str) -> None:
        screenshot(self.page, f"rebuild-{name}")

    def clean(self) -> None:
        """No Content-Security-Policy violation on the page so far."""
        assert_no_csp_violation(self.page)


@pytest.fixture
def run(open_page, live_server, manager):
    run = Run(open_page())
    run.page.goto(f"{live_server.url}/build/")  # the one address typed: the app's
    run.fill(run.page.get_by_label("Username"), "alice")
    run.fill(run.page.get_by_label("Password"), "pw-alice")
    run.click(run.page.get_by_role("button", name="Sign in"))
    expect(run.page.get_by_role("heading", level=1)).to_have_text("Your surveys")
    return run


@pytest.fixture
def demo() -> dict:
    return yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))


def expect_message(run: Run, text: str) -> None:
    """The message a page shows after a form was posted (and the page loaded again): each
    names what was done, so that the old page's message cannot stand for the new one."""
    expect(run.page.locator(".builder-messages")).to_contain_text(text)


# --- The outline ----------------------------------------------------------------------


def outline_page(run: Run, number: int):
    return run.page.locator(".outline-page").nth(number - 1)


def save_text(run: Run, label: str, text: str, button: str) -> None:
    field = run.page.get_by_role("textbox", name=label, exact=True)
    run.fill(field, text)
    with run.page.expect_response(lambda r: r.url.endswith("/texts/") and r.ok):
        run.click(run.page.get_by_role("button", name=button))
    expect(field).to_have_value(text)


def add_page(run: Run, number: int, title: str) -> None:
    if number > 1:
        run.click(run.page.get_by_role("button", name="Add a page"))
        expect(run.page.get_by_role("heading", name=f"Page {number}", exact=True)).to_be_focused()
    if title:
        run.click(outline_page(run, number).get_by_role("link", name=f"Page settings of page {number}"))
        form = run.page.locator("form.outline-page-form")
        run.fill(form.get_by_label("Title"), title)
        run.click(form.get_by_role("button", name="Save the page"))
        expect(run.page.get_by_role("heading", name=f"Page {number}: {title}")).to_be_visible()


def entry_list(run: Run, form, kind: str, entries: list[dict]) -> None:
    """Choices or rows pasted as a block of lines, then each code checked against the
    demo's; the exclusive choice ticked, the "Other" choices' text boxes chosen."""
    noun = "choice" if kind == "choices" else "row"
    group = form.get_by_role("group", name=kind.capitalize(), exact=True)
    run.fill(group.get_by_label(f"Or paste a block of lines: one {noun} per line"),
             "\n".join(entry["label"] for entry in entries))
    run.click(group.get_by_role("button", name="Add these lines"))
    expect(group.get_by_label(f"Code of {noun} {len(entries)}", exact=True)).to_be_attached()
    taken: set[str] = set()
    for n, entry in enumerate(entries, 1):
        suggested = code_from_label(entry["label"], taken, fallback=noun)
        taken.add(suggested)
        run.code(group.get_by_label(f"Code of {noun} {n}", exact=True), suggested, entry["code"])
        if entry.get("exclusive"):
            run.check(group.get_by_label(f"Exclusive ({noun} {n} cannot be combined with others)"))
        if entry.get("specify"):
            run.select(group.get_by_label(f"Text box of {noun} {n} (“please specify”)"), entry["specify"])


def add_question(run: Run, page_number: int, question: dict, taken: set[str]) -> None:
    kind = question_type(question["type"])
    section = outline_page(run, page_number)
    run.click(section.locator("summary", has_text="Add a question"))
    run.click(section.get_by_role("button", name=kind.label, exact=True))
    form = run.page.locator("form.question-form")
    label = form.get_by_label("Question", exact=True)
    expect(label).to_be_focused()
    run.fill(label, question["label"])
    run.code(form.get_by_label("Code", exact=True), code_from_label(question["label"], taken), question["code"])
    if question.get("help_text"):
        run.fill(form.get_by_label("Help text"), question["help_text"])
    if question.get("required"):
        run.check(form.get_by_label("Required", exact=True))
    if question.get("segment"):
        run.check(form.get_by_label("Segment", exact=True))
    if question.get("personal_data"):
        run.check(form.get_by_label("Personal data", exact=True))
    for key, field in (("min", "Smallest answer"), ("max", "Largest answer"),
                       ("max_length", "Longest answer (characters)")):
        if key in question:
            run.fill(form.get_by_label(field), str(question[key]))
    for kind_name in ("rows", "choices"):
        if kind_name in question:
            entry_list(run, form, kind_name, question[kind_name])
    run.click(form.get_by_role("button", name="Save the question"))
    expect(run.page.locator("form.question-form")).to_have_count(0)
    expect(run.page.get_by_role("heading", name=question["label"])).to_be_focused()


# --- The condition picker -------------------------------------------------------------


def comparisons(text: str) -> list[conditions.Compare]:
    """The comparisons of a condition that is one, or several joined by "and" (the
    picker's top group, "all of these are true"): what the demo's conditions are."""
    node = conditions.parse(text)
    leaves = list(node.operands) if isinstance(node, conditions.And) else [node]
    assert all(isinstance(leaf, conditions.Compare) for leaf in leaves), f"the run picks comparisons only: {text}"
    return leaves


def pick(run: Run, picker, text: str) -> None:
    """Build the condition `text` in the picker with clicks and selects only: each
    comparison's question (a matrix by its row), operator and value chosen from lists."""
    for n, leaf in enumerate(comparisons(text), 1):
        run.click(picker.get_by_role("button", name="Add a condition to the top group"))
        ref = f"{leaf.ref.question}.{leaf.ref.row}" if leaf.ref.row else leaf.ref.question
        run.select(picker.get_by_label(f"Condition {n}: question"), ref)
        if leaf.op != "=":
            run.select(picker.get_by_label(f"Condition {n}: operator"), leaf.op)
        run.select(picker.get_by_label(f"Condition {n}: value"), str(leaf.value))
    expect(picker.locator(".picker-output")).to_have_text(f"Condition: {text}")


def question_condition(run: Run, page_number: int, question_number: int, text: str) -> None:
    run.click(run.page.get_by_role("link", name=f"Condition… of question {page_number}.{question_number}"))
    # The picker opens in the outline, in place of the question's card.
    expect(run.page.locator("#condition-editor-heading")).to_contain_text("Display condition of the question")
    pick(run, run.page.locator("#condition-editor [data-condition-picker]"), text)
    run.shoot("condition")
    run.clean()
    run.click(run.page.get_by_role("button", name="Save the condition"))
    expect(run.page.locator("#outline-messages")).to_contain_text(f"saved: {text}")  # the outline part's


# --- Findings, NETs and views ---------------------------------------------------------


def add_finding(run: Run, finding: dict, taken: set[str]) -> None:
    add = run.page.locator("#add-finding")
    if add.get_attribute("open") is None:  # open while there is none
        run.click(add.locator("summary"))
    form = add.locator("form")
    run.fill(form.get_by_label("Statement"), finding["statement"])
    run.code(form.get_by_label("Code"), code_from_label(finding["statement"], taken), finding["code"])
    pick(run, form.get_by_role("group", name="Base: who is counted"), finding["base"])
    pick(run, form.get_by_role("group", name="Target: who, within the base, is counted"), finding["target"])
    run.click(form.get_by_role("button", name="Add the finding"))
    expect_message(run, f"Added the finding “{finding['statement']}”")


def add_net(run: Run, net: dict, question: dict, taken: set[str]) -> None:
    group = run.page.locator(".net-question").filter(has=run.page.get_by_role("heading", name=question["label"]))
    run.click(group.locator("summary", has_text="Add a NET"))
    form = group.locator("form").last
    run.fill(form.get_by_label("Label"), net["label"])
    choice_codes = {choice["code"] for choice in question["choices"]}
    run.code(form.get_by_label("Code"), code_from_label(f"net {net['label']}", taken | choice_codes), net["code"])
    ticked = set(net.get("choices") or net.get("all_but"))
    for choice in question["choices"]:
        if choice["code"] in ticked:
            run.check(form.get_by_label(choice["label"], exact=True))
    if net.get("all_but"):
        run.check(form.get_by_label("all but these", exact=False))
    run.click(form.get_by_role("button", name="Add the NET"))
    expect_message(run, f"Added “NET: {net['label']}” to “{question['label']}”")


def add_view(run: Run, view: dict, taken: set[str]) -> None:
    add = run.page.locator("#add-view")
    if add.get_attribute("open") is None:
        run.click(add.locator("summary"))
    form = add.locator("form")
    run.fill(form.get_by_label("Label"), view["label"])
    run.code(form.get_by_label("Code"), code_from_label(view["label"], taken), view["code"])
    if view.get("description"):
        run.fill(form.get_by_label("Description"), view["description"])
    # Required fields' labels end with crispy-forms' asterisk.
    run.select(form.get_by_label("Rows*", exact=True), view["row"])
    run.select(form.get_by_label("Columns*", exact=True), view["column"])
    if view.get("segment"):
        run.select(form.get_by_label("Only respondents in"), view["segment"])
    highlight = view.get("highlight") or {}
    if highlight:
        # Each variable's change asks for the highlight's selects again: wait for the answer
        # to the last one (it offers the columns' choices), or it replaces what is picked now.
        column_not = form.get_by_label("Columns answering anything but")
        expect(column_not.locator(f'option[value="{highlight["column_not"]}"]')).to_have_count(1)
        expect(form.locator(".htmx-request")).to_have_count(0)
        run.select(form.get_by_label("Rows answering"), highlight["row"])
        run.select(form.get_by_label("Columns answering anything but"), highlight["column_not"])
    run.click(form.get_by_role("button", name="Add the view"))
    expect_message(run, f"Added the saved view “{view['label']}”")


# --- The run --------------------------------------------------------------------------


def test_a_manager_rebuilds_the_demo_survey_publishes_it_and_changes_it_after_launch(run, demo, manager):
    page = run.page

    # New survey, blank.
    run.click(page.get_by_role("link", name="New survey"))
    run.fill(page.get_by_label("Title"), demo["title"])
    run.check(page.get_by_label("Blank: one empty page"))
    run.click(page.get_by_role("button", name="Create survey"))
    expect(page.get_by_role("heading", level=1)).to_have_text(demo["title"])

    # The outline: texts, pages, questions with their choices and rows.
    save_text(run, "Introduction", demo["intro"], "Save the introduction")
    taken: set[str] = set()
    conditional: list[tuple[int, int, str]] = []
    for p, page_data in enumerate(demo["pages"], 1):
        add_page(run, p, page_data.get("title", ""))
        for q, question in enumerate(page_data["questions"], 1):
            add_question(run, p, question, taken)
            taken.add(question["code"])
            if question.get("condition"):
                conditional.append((p, q, question["condition"]))
    save_text(run, "Thank-you text", demo["thank_you"], "Save the thank-you text")
    run.shoot("outline")
    run.clean()

    # Display conditions, with the picker.
    for p, q, text in conditional:
        question_condition(run, p, q, text)

    # The description, in the settings.
    run.click(page.get_by_role("link", name="Settings", exact=True))
    about = page.locator("#about")
    run.fill(about.get_by_label("Description"), demo["description"])
    run.click(about.get_by_role("button", name="Save title and description"))
    expect_message(run, "Title and description are saved.")
    run.click(page.get_by_role("link", name="Back to the outline"))
    expect(page.locator(".outline-root")).to_be_visible()

    # Findings, NETs and the saved view.
    run.click(page.get_by_role("link", name="Findings, NETs and views"))
    questions = {q["code"]: q for p in demo["pages"] for q in p["questions"]}
    done: set[str] = set()
    for finding in demo["findings"]:
        add_finding(run, finding, done)
        done.add(finding["code"])
    nets_done: dict[str, set[str]] = {}
    for net in demo["nets"]:
        add_net(run, net, questions[net["question"]], nets_done.setdefault(net["question"], set()))
        nets_done[net["question"]].add(net["code"])
    views_done: set[str] = set()
    for view in demo["views"]:
        add_view(run, view, views_done)
        views_done.add(view["code"])
    run.shoot("findings")
    run.clean()

    # Publish, with one confirmation.
    run.click(page.get_by_role("link", name="Back to the outline"))
    run.click(page.get_by_role("link", name="Publish…"))
    expect(page.locator("#ready")).to_be_visible()
    run.shoot("publish")
    run.click(page.get_by_role("button", name="Publish version 1"))
    expect_message(run, "Version 1 is published and open")

    survey = Survey.objects.get(editors=manager)
    built = definition_to_data(version_definition(latest_version(survey)))
    for data in (built, demo):
        del data["slug"], data["title"]
    assert built == demo

    # Changed after launch: a new draft, a new label, published again.
    card = page.locator(".survey-cards .card", has=page.get_by_role("heading", name=survey.title))
    run.click(card.get_by_role("link", name="Edit", exact=True))
    run.click(page.get_by_role("button", name="Edit as a new draft"))
    expect_message(run, "Version 2 is a new draft")
    run.click(page.get_by_role("link", name="Edit question 1.1"))
    form = page.locator("form.question-form")
    run.fill(form.get_by_label("Question", exact=True), NEW_LABEL)
    run.click(form.get_by_role("button", name="Save the question"))
    expect(page.get_by_role("heading", name=NEW_LABEL)).to_be_focused()
    run.click(page.get_by_role("link", name="Publish…"))
    expect(page.locator(".publish-summary")).to_be_visible()
    run.click(page.get_by_role("button", name="Publish version 2"))
    expect_message(run, "Version 2 is published and open")
    relabelled = survey.open_version()
    assert relabelled.number == 2
    assert version_definition(relabelled).questions["role"].label == NEW_LABEL

    # The public link, from the surveys home.
    run.click(card.locator("[data-public-link]"))
    expect(page.get_by_role("heading", level=1)).to_have_text(survey.title)
    expect(page.get_by_text(NEW_LABEL)).to_be_visible()
    run.shoot("public-form")
    run.clean()

    print(
        f"\nDemo rebuild: {run.loads} page loads, {run.actions} user actions; codes: {run.codes_typed} typed, "
        f"{run.codes_accepted} accepted as suggested."
    )
