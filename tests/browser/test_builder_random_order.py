"""A random order set in the builder, in a real browser: a page's questions shuffled from
its settings, a random-order block refused on the first page (the import's message at its
field), and an answer kept in its place ("Fixed place") when the answers are shuffled; the
outline says what is set. No Content-Security-Policy violation, no serious accessibility
problem, no sideways scrolling, screenshots at 1280 and 375 px."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from surveys.models import Choice, Page, Question
from tests.kit.browser import assert_clean, shots, sign_in
from tests.kit.outline import small_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = (1280, 375)


def _page_settings(page, number: int):
    page.get_by_role("link", name=f"Page settings of page {number}").click()
    form = page.locator("form.outline-page-form")
    expect(form).to_be_visible()
    return form


def test_a_manager_shuffles_a_page_and_anchors_an_answer(open_page, live_server, manager):
    draft = small_draft(editors=[manager])
    first, second = Page.objects.filter(version=draft).order_by("position")
    page = open_page()
    sign_in(page, live_server, reverse("builder:outline", args=["small"]))

    form = _page_settings(page, 2)
    form.get_by_label("Questions in a random order").check()
    shots(page, "random-order/page-settings", widths=WIDTHS, each=assert_clean)
    form.get_by_role("button", name="Save the page").click()
    expect(page.locator(f"#page-{second.pk}-order")).to_have_text("Its questions are shown in a random order.")
    second.refresh_from_db()
    assert second.shuffle_questions

    form = _page_settings(page, 1)
    form.get_by_label("Random-order block").fill("b1")
    form.get_by_role("button", name="Save the page").click()
    form = page.locator("form.outline-page-form")
    expect(form).to_contain_text("the first page cannot be in a shuffled block")
    expect(form.get_by_label("Random-order block")).to_have_value("b1")
    shots(page, "random-order/page-block-refused", widths=WIDTHS, each=assert_clean)
    first.refresh_from_db()
    assert first.shuffle_block == ""
    form.get_by_role("link", name="Cancel").click()
    expect(page.locator("form.outline-page-form")).to_have_count(0)

    pets = Question.objects.get(version=draft, code="pets")
    page.get_by_role("link", name="Edit question 1.3").click()
    form = page.locator("form.question-form")
    expect(form).to_be_visible()
    form.get_by_label("Order", exact=True).select_option(label="Answers in a random order")
    form.get_by_label("Fixed place of choice 3", exact=False).check()
    shots(page, "random-order/question-anchor", widths=WIDTHS, each=assert_clean)
    form.get_by_role("button", name="Save the question").click()
    expect(page.locator("form.question-form")).to_have_count(0)
    assert Question.objects.get(pk=pets.pk).shuffle == "choices"
    assert list(Choice.objects.filter(question=pets).order_by("position").values_list("anchor", flat=True)) == [
        False, False, True]
