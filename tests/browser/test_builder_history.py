"""Two editors in two browsers: both open the settings page (or one question in the
outline), the second save of the same section (question) is refused with the first
editor's change shown (their typed values kept), a save of another section (question)
goes through, and the survey's history lists every change with who, when and what
(details opened with the keyboard), filtered by user. No Content-Security-Policy
violation, no serious or critical axe-core violation, screenshots at 1280 and 768 px
wide."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from surveys.history import change_record
from surveys.models import Net, Question, Survey, SurveyChange
from tests.kit.browser import assert_accessible, assert_no_csp_violation, screenshot, sign_in
from tests.kit.outline import small_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def dave(demo_survey) -> User:
    user = User.objects.create_user("dave", password="pw-dave", is_staff=True, first_name="Dave", last_name="Lee")
    user.groups.add(Group.objects.get(name="Survey managers"))
    demo_survey.editors.add(user)
    return user


def test_two_editors_one_section_then_the_history(open_page, live_server, demo_survey, manager, dave, viewer):
    settings = f"/build/{demo_survey.slug}/settings/"
    alice, other = open_page(), open_page()
    sign_in(alice, live_server, username="alice", path=settings)
    sign_in(other, live_server, username="dave", path=settings)

    alice.locator("#access").get_by_label("Response cap").fill("100")
    alice.locator("#access").get_by_role("button", name="Save access").click()
    expect(alice.locator(".builder-messages")).to_contain_text("Access and dates are saved.")

    # Dave's page still shows the survey as it was before alice saved.
    other.locator("#access").get_by_label("Response cap").fill("200")
    other.locator("#access").get_by_role("button", name="Save access").click()
    stale = other.locator("#stale-edit")
    expect(stale).to_contain_text("Nothing was saved. alice changed the access settings at")
    expect(stale).to_contain_text("(response cap: empty → “100”)")
    expect(other.locator("#access").get_by_label("Response cap")).to_have_value("200")
    assert_no_csp_violation(other)
    assert Survey.objects.get(pk=demo_survey.pk).response_cap == 100
    assert_accessible(other)
    screenshot(other, "history-stale-1280")

    # Another section of the same stale page goes through.
    other.locator("#sharing").get_by_label("bob", exact=True).check()
    other.locator("#sharing").get_by_role("button", name="Save results sharing").click()
    expect(other.locator(".builder-messages")).to_contain_text("Results sharing is saved.")
    assert list(Survey.objects.get(pk=demo_survey.pk).viewers.all()) == [viewer]

    # Having seen alice's change, dave saves his cap on purpose.
    other.locator("#access").get_by_label("Response cap").fill("200")
    other.locator("#access").get_by_role("button", name="Save access").click()
    expect(other.locator(".builder-messages")).to_contain_text("Access and dates are saved.")
    assert Survey.objects.get(pk=demo_survey.pk).response_cap == 200

    other.get_by_role("link", name="History").click()
    expect(other.get_by_role("heading", level=1)).to_contain_text("History")
    assert_no_csp_violation(other)
    rows = other.locator(".history-table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Dave Lee (dave)")
    expect(rows.nth(0)).to_contain_text("Changed the access settings: response cap")
    expect(rows.nth(1)).to_contain_text("Changed who may see the results: added bob")
    expect(rows.nth(2)).to_contain_text("alice")

    # The details open with the keyboard.
    details = rows.nth(0).locator("details")
    details.locator("summary").focus()
    other.keyboard.press("Enter")
    expect(details).to_have_attribute("open", "")
    expect(details).to_contain_text("Response cap")
    expect(details.locator("del")).to_have_text("100")
    expect(details.locator("ins")).to_have_text("200")
    assert_accessible(other)
    screenshot(other, "history-1280")

    other.get_by_label("Who").select_option("alice")
    other.get_by_role("button", name="Show").click()
    expect(rows).to_have_count(1)
    expect(rows.nth(0)).to_contain_text("alice")
    expect(other.locator("#history-count")).to_contain_text("1 change matches these filters")
    assert_no_csp_violation(other)


def test_the_history_at_768_px(open_page, live_server, demo_survey, manager, dave):
    version = demo_survey.open_version()
    change_record(survey=demo_survey, user=None, action="survey_imported", version=version,
                  summary="Imported version 1 from a file (ddiq-2010.yaml) and published it")
    for i in range(3):
        change_record(
            survey=demo_survey, user=dave if i % 2 else manager, action="access_changed",
            summary=f"Changed the access settings: closes, panel redirect {i}",
            details={"fields": [
                {"name": "closes_at", "label": "Closes", "before": "", "after": f"{i + 1} April 2030, 18:30 UTC"},
                {"name": "redirect_complete", "label": "After completing, send panel respondents to",
                 "before": "https://panel.example.com/done?id={external_id}&status=complete&source=survey",
                 "after": ""},
            ]},
        )
    assert SurveyChange.objects.count() == 4
    page = open_page(768)
    sign_in(page, live_server, username="alice", path=f"/build/{demo_survey.slug}/history/")
    page.locator(".history-table details summary").first.click()
    expect(page.locator(".history-table details").first).to_contain_text("panel.example.com")
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    assert_accessible(page)
    screenshot(page, "history-768")


def test_two_editors_at_768_px(open_page, live_server, demo_survey, manager, dave):
    settings = f"/build/{demo_survey.slug}/settings/"
    alice, other = open_page(768), open_page(768)
    sign_in(alice, live_server, username="alice", path=settings)
    sign_in(other, live_server, username="dave", path=settings)
    alice.locator("#access").get_by_label("Public link and personal invitations").check()
    alice.locator("#access").get_by_role("button", name="Save access").click()
    expect(alice.locator(".builder-messages")).to_contain_text("Access and dates are saved.")
    other.locator("#access").get_by_label("List it on the public home page").check()
    other.locator("#access").get_by_role("button", name="Save access").click()
    expect(other.locator("#stale-edit")).to_contain_text(
        "(who may answer: “Public link only” → “Public link and personal invitations”)"
    )
    expect(other.locator("#access").get_by_label("List it on the public home page")).to_be_checked()
    assert_no_csp_violation(other)
    assert other.evaluate("document.documentElement.scrollWidth") <= 768
    assert_accessible(other)
    screenshot(other, "history-stale-768")


@pytest.fixture
def small(manager, dave) -> Survey:
    return small_draft(editors=[manager, dave]).survey


def question_form(page, question: Question):
    return page.locator(f"#q{question.pk}-form")


def test_two_editors_one_question_in_the_outline(open_page, live_server, small):
    role = Question.objects.get(version__survey=small, code="role")
    pets = Question.objects.get(version__survey=small, code="pets")
    alice, other = open_page(), open_page()
    sign_in(alice, live_server, username="alice", path=f"/build/small/?edit={role.pk}")
    sign_in(other, live_server, username="dave", path=f"/build/small/?edit={role.pk}")

    question_form(alice, role).get_by_label("Question", exact=True).fill("Your job?")
    question_form(alice, role).get_by_role("button", name="Save the question").click()
    expect(alice.locator(f"#question-{role.pk}")).to_contain_text("Your job?")
    assert_no_csp_violation(alice)

    form = question_form(other, role)
    form.get_by_label("Question", exact=True).fill("Your position?")
    form.get_by_role("button", name="Save the question").click()
    expect(form.locator(".alert-danger")).to_contain_text("Nothing was saved. alice changed this question at")
    expect(form.locator(".alert-danger")).to_contain_text("(question: “Your role?” → “Your job?”)")
    expect(form.get_by_label("Question", exact=True)).to_have_value("Your position?")
    assert_no_csp_violation(other)
    assert Question.objects.get(pk=role.pk).label == "Your job?"
    assert_accessible(other)
    screenshot(other, "history-outline-stale-1280")

    # Another question of the same draft is saved at once.
    other.goto(f"{live_server.url}/build/small/?edit={pets.pk}")
    question_form(other, pets).get_by_label("Question", exact=True).fill("Animals at home?")
    question_form(other, pets).get_by_role("button", name="Save the question").click()
    expect(other.locator(f"#question-{pets.pk}")).to_contain_text("Animals at home?")
    assert Question.objects.get(pk=pets.pk).label == "Animals at home?"

    other.get_by_role("link", name="History").click()
    rows = other.locator(".history-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Changed question “Animals at home?” (animals_at_home) on page 1 “About you”: "
                                        "question, code")
    expect(rows.nth(1)).to_contain_text("alice")
    expect(rows.nth(1)).to_contain_text("v1")
    assert_no_csp_violation(other)


def test_two_editors_one_question_at_768_px(open_page, live_server, small):
    role = Question.objects.get(version__survey=small, code="role")
    alice, other = open_page(768), open_page(768)
    sign_in(alice, live_server, username="alice", path=f"/build/small/?edit={role.pk}")
    sign_in(other, live_server, username="dave", path=f"/build/small/?edit={role.pk}")
    question_form(alice, role).get_by_label("Help text").fill("Pick the closest.")
    question_form(alice, role).get_by_role("button", name="Save the question").click()
    expect(alice.locator(f"#question-{role.pk}")).not_to_contain_text("Save the question")
    form = question_form(other, role)
    form.get_by_label("Required").uncheck()
    form.get_by_role("button", name="Save the question").click()
    expect(form.locator(".alert-danger")).to_contain_text("(help text: empty → “Pick the closest.”)")
    expect(form.get_by_label("Required")).not_to_be_checked()
    assert other.evaluate("document.documentElement.scrollWidth") <= 768
    assert_accessible(other)
    screenshot(other, "history-outline-stale-768")


def test_two_editors_one_text_in_the_outline_the_second_is_told_in_place(open_page, live_server, small):
    alice, other = open_page(), open_page(768)
    sign_in(alice, live_server, username="alice", path="/build/small/")
    sign_in(other, live_server, username="dave", path="/build/small/")

    alice.locator("#texts-intro").get_by_label("Introduction").fill("Welcome!")
    alice.locator("#texts-intro").get_by_role("button", name="Save the introduction").click()
    expect(alice.locator("#texts-intro")).not_to_contain_text("Nothing was saved")
    expect(alice.locator("#texts-intro").get_by_label("Introduction")).to_have_value("Welcome!")

    text = other.locator("#texts-intro")
    text.get_by_label("Introduction").fill("Hello there.")
    text.get_by_role("button", name="Save the introduction").click()  # htmx: answered in place
    expect(text).to_contain_text("Nothing was saved. alice changed the introduction at")
    expect(text).to_contain_text("(introduction: empty → “Welcome!”)")
    expect(text.get_by_label("Introduction")).to_have_value("Hello there.")
    assert small.versions.get().intro == "Welcome!"
    assert_no_csp_violation(other)
    assert other.evaluate("document.documentElement.scrollWidth") <= 768
    assert_accessible(other)
    screenshot(other, "history-text-stale-768")

    # Saved again, knowing alice's text: dave's replaces it.
    text.get_by_role("button", name="Save the introduction").click()
    expect(text).not_to_contain_text("Nothing was saved")
    expect(text.get_by_label("Introduction")).to_have_value("Hello there.")
    assert small.versions.get().intro == "Hello there."


def test_two_editors_one_net_on_the_findings_page(open_page, live_server, demo_survey, manager, dave):
    net = Net.objects.get(survey=demo_survey, question_code="personal_use", code="net_weekly")
    path = f"/build/{demo_survey.slug}/findings/?net={net.pk}"
    alice, other = open_page(), open_page()
    sign_in(alice, live_server, username="alice", path=path)
    sign_in(other, live_server, username="dave", path=path)

    alice.locator(f"#net-{net.pk}").get_by_label("Label").fill("Weekly+")
    alice.locator(f"#net-{net.pk}").get_by_role("button", name="Save the NET").click()
    expect(alice.locator(".builder-messages")).to_contain_text("Saved “NET: Weekly+”.")

    form = other.locator(f"#net-{net.pk}")
    form.get_by_label("Label").fill("At least weekly")
    form.get_by_role("button", name="Save the NET").click()
    form = other.locator(f"#net-{net.pk}")
    expect(form).to_contain_text("Nothing was saved. alice changed this NET at")
    expect(form).to_contain_text("(label: “Weekly or more” → “Weekly+”)")
    expect(form.get_by_label("Label")).to_have_value("At least weekly")
    assert Net.objects.get(pk=net.pk).label == "Weekly+"
    assert_no_csp_violation(other)
    assert_accessible(other)
    screenshot(other, "history-net-stale-1280")
