"""Undo from the history in a browser: an editor changes a question in the outline, undoes
the change from the survey's history (with the keyboard) and finds the old text back in
the outline, then redoes it; an undo that a newer change blocks is refused with that
change named and shown. No Content-Security-Policy violation, no serious or critical
axe-core violation, screenshots at 1280 and 768 px wide."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from surveys.models import Question, SurveyChange
from tests.kit.browser import (
    assert_accessible,
    assert_fits,
    assert_no_csp_violation,
    expect_message,
    screenshot,
    sign_in,
)
from tests.kit.outline import small_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def edit_label(page, question: Question, label: str) -> None:
    form = page.locator(f"#q{question.pk}-form")
    form.get_by_label("Question", exact=True).fill(label)
    form.get_by_role("button", name="Save the question").click()
    expect(page.locator(f"#question-{question.pk}")).to_contain_text(label)


def undo_newest(page) -> None:
    """Press the newest change's Undo with the keyboard."""
    button = page.locator(".history-table tbody tr").first.get_by_role("button", name="Undo")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")


@pytest.fixture
def small(manager):
    return small_draft(editors=[manager])


def test_undo_a_question_edit_from_the_history_then_redo_it(open_page, live_server, small):
    role = Question.objects.get(version=small, code="role")
    page = open_page()
    sign_in(page, live_server, f"/build/small/?edit={role.pk}")
    edit_label(page, role, "Your job?")

    page.get_by_role("link", name="History").click()
    rows = page.locator(".history-table tbody tr")
    expect(rows.first).to_contain_text("Changed question “Your job?” (role)")
    undo_newest(page)
    expect_message(page, "Undid: Changed question “Your job?” (role)")
    expect(rows.first).to_contain_text("Undid: Changed question")
    expect(rows.nth(1)).to_contain_text("Undone: see the undo")
    assert_no_csp_violation(page)
    assert_accessible(page)
    screenshot(page, "undo-history-1280")

    page.get_by_role("link", name="Back to the outline").click()
    expect(page.locator(f"#question-{role.pk}")).to_contain_text("Your role?")
    expect(page.locator(f"#question-{role.pk}")).not_to_contain_text("Your job?")

    # Redo: the undo is a change of its own, undone in turn.
    page.get_by_role("link", name="History").click()
    undo_newest(page)
    expect_message(page, "Redid: Changed question “Your job?” (role)")
    page.get_by_role("link", name="Back to the outline").click()
    expect(page.locator(f"#question-{role.pk}")).to_contain_text("Your job?")
    assert Question.objects.get(pk=role.pk).label == "Your job?"
    assert_no_csp_violation(page)


def test_an_undo_blocked_by_a_newer_change_names_it(open_page, live_server, small):
    role = Question.objects.get(version=small, code="role")
    page = open_page(768)
    sign_in(page, live_server, f"/build/small/?edit={role.pk}")
    edit_label(page, role, "Your job?")
    page.goto(f"{live_server.url}/build/small/?edit={role.pk}")
    edit_label(page, role, "Your position?")
    older = SurveyChange.objects.order_by("pk").first()

    page.get_by_role("link", name="History").click()
    page.locator(f"#change-{older.pk}").get_by_role("button", name="Undo").click()
    message = page.locator(".builder-messages")
    expect(message).to_contain_text("Nothing was undone: the question has been changed since.")
    expect(message).to_contain_text("Changed question “Your position?” (role)")
    assert page.url.endswith(f"#change-{SurveyChange.objects.order_by('-pk').first().pk}")
    assert Question.objects.get(pk=role.pk).label == "Your position?"
    assert_fits(page)
    assert_no_csp_violation(page)
    assert_accessible(page)
    screenshot(page, "undo-refused-768")
