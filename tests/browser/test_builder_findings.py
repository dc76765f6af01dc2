"""The findings page in a real browser, on a copy of the demo survey with some responses
and the session's real Celery worker counting: a survey manager signs in through the
login form, adds a finding by building its base and target in the condition pickers with
clicks and selects (saving without a target is refused in its place, with what was picked
kept; today's numbers follow each change, a removed condition too; once saved the
worker's count shows in the list), edits a finding by typing its target in the picker's
text mode, adds a NET by ticking choices and a saved view by choosing from selects (the
highlighted cell's choices follow the questions chosen). No Content-Security-Policy
violation, no serious or critical axe-core violation; screenshots at 1280 and 768 px go
to /work/shots/pickfind-*.png.

How a test drives a finding's pickers: each is a group named by its legend, "Base: who is
counted" and "Target: who, within the base, is counted"; within it, the picker's own
labels ("Add a condition to the top group", "Condition 1: question", "Condition 1:
operator", "Condition 1: value", "Type the condition instead", "Condition, as text")."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from surveys.creation import starter, survey_create
from surveys.models import Finding, Net, SavedView, Survey
from surveys.services import version_publish
from tests.kit.browser import assert_clean, expect_message, shots, sign_in
from tests.kit.data import submit_beside_worker
from tests.kit.demo import leader_answers
from tests.kit.workers import wait_until_worker_idle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(open_page):
    return open_page()


@pytest.fixture
def survey(manager, celery_worker_process) -> Survey:
    """A copy of the demo survey, published, with 12 IT leaders' and 3 business leaders'
    responses (7 IT leaders use LinkedIn daily, 5 never use Twitter), its findings counted
    by the worker."""
    version = survey_create(title="Social media, again", slug="social-again",
                            start=starter("social-media").definition(), creator=manager)
    version_publish(version=version)
    survey = version.survey
    for i in range(12):
        answers = leader_answers(role="it", twitter="never" if i < 5 else "weekly")
        answers["personal_use"]["linkedin"] = "daily" if i < 7 else "monthly"
        submit_beside_worker(survey, answers)
    for _ in range(3):
        submit_beside_worker(survey, leader_answers(role="business"))
    wait_until_worker_idle()  # past the recounts that copying the findings asked for
    return survey


def choose(select, text: str) -> None:
    """Selects the option whose label holds `text`: the picker cuts long labels with “…”."""
    select.select_option(select.locator("option", has_text=text).first.get_attribute("value"))


def reload_until(page, selector: str, text: str, timeout: float = 20) -> None:
    """Reload until the element shows the text (what the worker counts after a save)."""
    deadline = time.monotonic() + timeout
    while text not in page.locator(selector).inner_text():
        assert time.monotonic() < deadline, f"{selector} never showed {text!r}"
        page.wait_for_timeout(300)
        page.reload()


def test_a_manager_adds_a_finding_a_net_and_a_saved_view(page, live_server, survey):
    sign_in(page, live_server, f"/build/{survey.slug}/findings/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Findings, NETs and views")
    assert_clean(page)
    never = Finding.objects.get(survey=survey, code="it_never_twitter")
    expect(page.locator(f"#finding-{never.pk} .reporting-numbers")).to_have_text("n=12, 42%")
    shots(page, "pickfind-page")

    # A finding: the code follows the statement; base and target are picked.
    findings = page.locator("#findings")
    findings.get_by_text("Add a finding").click()
    form = page.locator("#add-finding form")
    form.get_by_label("Statement").fill("IT leaders who use LinkedIn daily")
    expect(form.get_by_label("Code")).to_have_value("it_leaders_who_use_linkedin")
    base = form.get_by_role("group", name="Base: who is counted")
    target = form.get_by_role("group", name="Target: who, within the base, is counted")
    expect(base.locator("[data-picker-output]")).to_have_text("No condition yet: a finding needs one here.")
    base.get_by_role("button", name="Add a condition to the top group").click()
    expect(base.get_by_label("Condition 1: question")).to_be_focused()
    base.get_by_label("Condition 1: question").select_option(label="Which best describes your role?")
    base.get_by_label("Condition 1: value").select_option(label="IT leader (CIO, CTO, IT director or manager)")
    expect(base.locator("[data-picker-output]")).to_have_text("Condition: role = it")

    # Saved without a target: refused in the target's place, the rest kept as it was.
    form.get_by_role("button", name="Add the finding").click()
    expect(page.locator("#add-finding .alert-danger").first).to_contain_text("Nothing was saved")
    expect(target).to_contain_text("Add a condition: a finding needs a target")
    expect(form.get_by_label("Statement")).to_have_value("IT leaders who use LinkedIn daily")
    expect(base.locator("[data-picker-output]")).to_have_text("Condition: role = it")
    assert not Finding.objects.filter(survey=survey, code="it_leaders_who_use_linkedin").exists()
    assert_clean(page)

    target.get_by_role("button", name="Add a condition to the top group").click()
    question = target.get_by_label("Condition 1: question")
    # A matrix is offered row by row: "LinkedIn — <its label, cut>", on its page's group.
    question.select_option(question.locator("optgroup[label='Page 3: Your own use'] option",
                                            has_text="LinkedIn —").get_attribute("value"))
    target.get_by_label("Condition 1: value").select_option(label="Daily")
    expect(target.locator(".finding-condition-errors")).to_have_count(0)  # the failed save's message is stale
    preview = page.locator("#finding-new-preview")
    expect(preview).to_contain_text("Today: 7 of 12 = 58%")
    expect(preview).to_contain_text("95% CI")
    # A second condition narrows it; removing it brings the numbers back.
    target.get_by_role("button", name="Add a condition to the top group").click()
    target.get_by_label("Condition 2: question").select_option(label="What is your level?")
    target.get_by_label("Condition 2: operator").select_option(label="is not")
    target.get_by_label("Condition 2: value").select_option(label="Other")
    expect(target.locator("[data-picker-output]")).to_have_text(
        "Condition: personal_use.linkedin = daily and seniority != other")
    assert_clean(page)
    shots(page, "pickfind-finding-form")
    target.get_by_role("button", name="Remove condition 2").click()
    expect(target.locator("[data-picker-output]")).to_have_text("Condition: personal_use.linkedin = daily")
    expect(preview).to_contain_text("Today: 7 of 12 = 58%")
    form.get_by_role("button", name="Add the finding").click()
    expect_message(page, "Added the finding “IT leaders who use LinkedIn daily”")
    finding = Finding.objects.get(survey=survey, code="it_leaders_who_use_linkedin")
    assert (finding.base_condition, finding.target_condition, finding.position) == (
        "role = it", "personal_use.linkedin = daily", 4
    )
    reload_until(page, f"#finding-{finding.pk} .reporting-numbers", "n=12, 58%")
    assert_clean(page)

    # A NET of the revenue question, by ticking its choices.
    revenue = page.locator("#nets-revenue")
    revenue.get_by_text("Add a NET").click()
    revenue.get_by_label("Label").fill("A billion or more")
    expect(revenue.get_by_label("Code")).to_have_value("net_a_billion_or_more")
    revenue.get_by_label("$1 billion to $10 billion").check()
    revenue.get_by_label("Over $10 billion").check()
    assert_clean(page)
    shots(page, "pickfind-net-form")
    revenue.get_by_role("button", name="Add the NET").click()
    expect_message(page, "Added “NET: A billion or more”")
    net = Net.objects.get(survey=survey, question_code="revenue")
    assert (net.code, net.choices, net.all_but) == ("net_a_billion_or_more", ["1b_10b", "gt_10b"], False)
    expect(page.locator(f"#net-{net.pk}")).to_contain_text("“$1 billion to $10 billion”, “Over $10 billion”")

    # A saved view, from selects; the highlighted cell's choices follow the questions chosen.
    views = page.locator("#views")
    views.get_by_text("Add a saved view").click()
    form = page.locator("#add-view form")
    form.get_by_label("Label").fill("LinkedIn by revenue")
    expect(form.get_by_label("Code")).to_have_value("linkedin_by_revenue")
    # A required field's label ends in crispy's "*".
    form.get_by_label("Rows*", exact=True).select_option(label="What is your organisation's annual revenue?")
    highlight_row = form.get_by_label("Rows answering")
    expect(highlight_row.locator("option", has_text="Over $10 billion")).to_have_count(1)
    columns = form.get_by_label("Columns*", exact=True)
    linkedin = columns.locator("option", has_text="— LinkedIn").first.get_attribute("value")
    columns.select_option(linkedin)
    highlight_column = form.get_by_label("Columns answering anything but")
    expect(highlight_column.locator("option", has_text="Not used at all")).to_have_count(1)
    form.get_by_label("Only respondents in").select_option(label="Which best describes your role? — IT leader (CIO, "
                                                                 "CTO, IT director or manager)")
    form.get_by_label("Rows answering").select_option(label="Over $10 billion")
    form.get_by_label("Columns answering anything but").select_option(label="Not used at all")
    expect(form.get_by_role("button", name="Show the choices of the questions chosen")).to_be_hidden()
    assert_clean(page)
    shots(page, "pickfind-view-form")
    form.get_by_role("button", name="Add the view").click()
    expect_message(page, "Added the saved view “LinkedIn by revenue”")
    view = SavedView.objects.get(survey=survey, code="linkedin_by_revenue")
    assert (view.row_variable, view.column_variable, view.segment, view.highlight_row, view.highlight_column_not) == (
        "revenue", "company_usage.linkedin", "role:it", "gt_10b", "none"
    )
    assert_clean(page)

    # The view opens in the results crosstab.
    page.locator(f"#view-{view.pk}").get_by_role("link", name="Open in the results").click()
    expect(page).to_have_url(f"{live_server.url}/results/{survey.slug}/crosstab/?row=revenue"
                             "&col=company_usage.linkedin&segment=role:it")


def test_a_finding_is_edited_in_place_by_typing_and_reordered_at_768_px(page, live_server, survey):
    page.set_viewport_size({"width": 768, "height": 900})
    sign_in(page, live_server, f"/build/{survey.slug}/findings/")
    second = Finding.objects.get(survey=survey, position=1)
    item = page.locator(f"#finding-{second.pk}")
    item.get_by_role("link", name="Edit").click()
    item = page.locator(f"#finding-{second.pk}")
    target = item.get_by_role("group", name="Target: who, within the base, is counted")
    expect(target.locator("[data-picker-output]")).to_have_text("Condition: company_usage.twitter = none")
    expect(item.locator(".finding-preview")).to_contain_text("Today: 0 of 12")

    # The target typed in the picker's text mode: a typo is placed, then the numbers follow.
    target.get_by_role("button", name="Type the condition instead").click()
    text = target.get_by_label("Condition, as text")
    expect(text).to_be_focused()
    expect(text).to_have_value("company_usage.twitter = none")
    text.fill("")
    text.press_sequentially("company_usage.twiter = some", delay=10)
    expect(target.locator(".picker-text-error")).to_have_text(
        "at position 14: unknown row 'twiter' in matrix question 'company_usage'")
    expect(text).to_have_attribute("aria-invalid", "true")
    expect(item.locator(".finding-preview")).to_contain_text("show here once the base and the target fit")
    text.fill("company_usage.twitter = some")
    expect(target.locator("[data-picker-output]")).to_contain_text("Valid: company_usage.twitter = some")
    expect(item.locator(".finding-preview")).to_contain_text("Today: 12 of 12 = 100%")
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    assert_clean(page)
    shots(page, "pickfind-finding-edit")
    item.get_by_role("button", name="Save the finding").click()
    expect_message(page, "Saved the finding")
    assert Finding.objects.get(pk=second.pk).target_condition == "company_usage.twitter = some"

    page.locator(f"#finding-{second.pk}").get_by_role("button", name="Up").click()
    expect(page.locator("#findings .reporting-item").first).to_have_attribute("id", f"finding-{second.pk}")
    assert Finding.objects.get(pk=second.pk).position == 0
    assert_clean(page)


def test_a_finding_is_picked_without_javascript(browser, live_server, manager, demo_survey):
    """Every picker button posts the finding's form, which comes back as typed with the
    button's change; "Update" shows a chosen question's operators and values."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, f"/build/{demo_survey.slug}/findings/")
    page.locator("#findings").get_by_text("Add a finding").click()
    form = page.locator("#add-finding form")
    form.get_by_label("Statement").fill("Business leaders who use LinkedIn daily")
    base = form.get_by_role("group", name="Base: who is counted")
    target = form.get_by_role("group", name="Target: who, within the base, is counted")

    base.get_by_role("button", name="Add a condition to the top group").click()
    base.get_by_label("Condition 1: question").select_option(label="Which best describes your role?")
    base.get_by_role("button", name="Update").click()
    choose(base.get_by_label("Condition 1: value"), "Business leader")
    target.get_by_role("button", name="Add a condition to the top group").click()
    expect(base.locator("[data-picker-output]")).to_have_text("Condition: role = business")
    target.get_by_label("Condition 1: question").select_option(
        label="LinkedIn — How often do you personally use each of the follo…")
    target.get_by_role("button", name="Update").click()
    target.get_by_label("Condition 1: value").select_option(label="Daily")
    form.get_by_role("button", name="Check and preview").click()
    expect(target.locator("[data-picker-output]")).to_have_text("Condition: personal_use.linkedin = daily")
    expect(page.locator("#finding-new-preview")).to_contain_text("Today: no responses yet.")
    expect(form.get_by_label("Statement")).to_have_value("Business leaders who use LinkedIn daily")
    form.get_by_role("button", name="Add the finding").click()
    expect_message(page, "Added the finding “Business leaders who use LinkedIn daily”")
    finding = Finding.objects.get(survey=demo_survey, statement="Business leaders who use LinkedIn daily")
    assert (finding.base_condition, finding.target_condition) == ("role = business", "personal_use.linkedin = daily")
    context.close()
