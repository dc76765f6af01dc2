"""Rating scales in a real browser: a respondent picks stars by keyboard (Tab into the group,
arrow keys along it) and by mouse, at 1280 and 375 px, each star a 44 px target named "3 of 5
stars", the end labels under the scale's ends, axe-core clean; and a survey manager makes a
question a 1–5 star scale in the builder. Screenshots in SHOTS/rating/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from responses.models import Answer
from surveys.definition_files import definition_from_data
from surveys.models import Page, Question, Survey, SurveyVersion
from surveys.services import survey_import
from tests.kit.browser import PASSWORD, assert_clean, assert_fits, field, next_page, screenshot, sign_in, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCALES = {
    "slug": "scales", "title": "Scales", "status": "open",
    "pages": [{"questions": [
        {"code": "service", "type": "rating", "label": "How was our service?", "required": True,
         "min": 1, "max": 5, "display": "stars", "low_label": "Very poor", "high_label": "Excellent"},
        {"code": "agree", "type": "rating", "label": "The app is easy to use.", "min": 1, "max": 7,
         "low_label": "Strongly disagree", "high_label": "Strongly agree"},
        {"code": "recommend", "type": "rating", "label": "How likely are you to recommend us?",
         "low_label": "Not at all likely", "high_label": "Extremely likely"},
    ]}],
}
# Each point's box, as a finger or a pointer meets it.
POINTS = """() => Array.from(document.querySelectorAll('.rating-point')).map(el => {
    const box = el.getBoundingClientRect(); return {width: box.width, height: box.height}; })"""
# Whether each star of the question is drawn filled.
FILLED = """code => Array.from(document.querySelectorAll(`#q-${code} .rating-star`))
    .map(star => getComputedStyle(star).fill !== 'rgba(0, 0, 0, 0)' && getComputedStyle(star).fill !== 'none')"""


def _star(page, n: int):
    return page.get_by_role("radio", name=f"{n} of 5 stars", exact=True)


@pytest.mark.parametrize("width", [1280, 375])
def test_a_respondent_picks_stars_by_keyboard_and_by_mouse(open_page, live_server, db, width):
    survey_import(definition=definition_from_data(SCALES))
    page = open_page(width)
    page.goto(f"{live_server.url}/s/scales/")
    scale = page.locator("#q-service fieldset")
    expect(scale).to_contain_text("Very poor")
    expect(scale).to_contain_text("Excellent")
    assert [t for t in page.evaluate(POINTS) if t["width"] < 44 or t["height"] < 44] == []
    assert_clean(page)
    assert_fits(page)
    screenshot(page, f"rating/form-{width}")

    # Keyboard: Tab reaches the group, the arrow keys move along it and choose.
    tab_to(page, page.locator(field("service")))
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(_star(page, 3)).to_be_checked()
    expect(_star(page, 3)).to_be_focused()
    assert page.evaluate(FILLED, "service") == [True, True, True, False, False]
    screenshot(page, f"rating/keyboard-3-stars-{width}", full_page=False)

    # Mouse (or finger): the star itself is the target.
    page.locator(f'label[for="id_service_{4}"]').click()
    expect(_star(page, 5)).to_be_checked()
    page.locator(f'label[for="id_service_{3}"]').click()
    expect(_star(page, 4)).to_be_checked()
    page.mouse.move(0, 0)
    assert page.evaluate(FILLED, "service") == [True, True, True, True, False]
    page.get_by_role("group", name="The app is easy to use.").get_by_role("radio", name="6").check()
    page.locator('label[for="id_recommend_9"]').click()
    assert_clean(page)
    screenshot(page, f"rating/answered-{width}")

    next_page(page)
    expect(page.locator("body")).to_contain_text("Thank you")
    stored = dict(Answer.objects.values_list("question__code", "number"))
    assert {code: int(n) for code, n in stored.items()} == {"service": 4, "agree": 6, "recommend": 9}


def test_a_required_star_scale_left_empty_is_named_in_the_error_summary(open_page, live_server, db):
    survey_import(definition=definition_from_data(SCALES))
    page = open_page(375)
    page.goto(f"{live_server.url}/s/scales/")
    next_page(page)
    expect(page.locator("#error-summary")).to_contain_text("How was our service? Choose a rating.")
    page.locator("#error-summary a").first.click()
    expect(_star(page, 1)).to_be_focused()
    assert_clean(page)
    assert_fits(page)
    screenshot(page, "rating/error-375")


@pytest.fixture
def rating_draft(manager) -> Question:
    """A draft with one 0–10 rating (as the palette adds it), edited by alice."""
    manager.set_password(PASSWORD)
    manager.save()
    survey = Survey.objects.create(slug="pulse", title="Pulse")
    survey.editors.add(manager)
    version = SurveyVersion.objects.create(survey=survey, number=1)
    page = Page.objects.create(version=version, position=0)
    return Question.objects.create(version=version, page=page, code="service", type="rating",
                                   label="How was our service?")


def test_a_manager_sets_a_1_to_5_star_scale_in_the_builder(open_page, live_server, rating_draft):
    page = open_page(1280)
    sign_in(page, live_server, "/build/pulse/", password=PASSWORD)
    card = page.locator(".outline-question", has=page.get_by_role("heading", name="How was our service?"))
    expect(card).to_contain_text("0 to 10")
    card.get_by_role("link", name="Edit").first.click()
    form = page.locator("form.question-form")
    expect(form.get_by_label("Scale")).to_have_value("0-10")
    form.get_by_label("Scale").select_option(label="1 to 5")
    form.get_by_label("Show as").select_option(label="Stars")
    form.get_by_label("Label of the lowest point").fill("Very poor")
    form.get_by_label("Label of the highest point").fill("Excellent")
    assert_clean(page)
    screenshot(page, "rating/builder-scale-1280")
    form.get_by_role("button", name="Save the question").click()
    expect(card).to_contain_text("1 to 5, as stars")
    question = Question.objects.get(pk=rating_draft.pk)
    assert (question.min_value, question.max_value, question.display, question.low_label, question.high_label) == (
        1, 5, "stars", "Very poor", "Excellent")

    # Stars on 0–10 are refused where the choice is made, nothing saved.
    card.get_by_role("link", name="Edit").first.click()
    form.get_by_label("Scale").select_option(label="0 to 10")
    form.get_by_role("button", name="Save the question").click()
    expect(form).to_contain_text("Stars need a scale that starts at 1")
    assert Question.objects.get(pk=rating_draft.pk).max_value == 5
    assert_clean(page)
    page.set_viewport_size({"width": 375, "height": 900})
    screenshot(page, "rating/builder-refused-375")
