"""Publishing from the builder in a real browser: a survey manager signs in, reads the
checklist, follows a problem's link to its question, publishes with one click, and answers
"same answer, or a new one?" for a relabelled choice. No Content-Security-Policy
violation and no serious accessibility problem on the way; screenshots at 1280 and 768 px
go to /work/shots/publish-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from surveys.definition_files import definition_from_data
from surveys.models import Choice, Question
from surveys.selectors import version_definition
from surveys.services import survey_import, version_duplicate
from tests.kit.browser import assert_clean, shots, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FRESH = {
    "slug": "fresh",
    "title": "Team pulse",
    "pages": [{"title": "You", "questions": [
        {"code": "colour", "type": "single", "label": "Favourite colour?",
         "choices": [{"code": "red", "label": "Red"}]},
        {"code": "name", "type": "short_text", "label": "Your name?"},
    ]}],
}


@pytest.fixture
def page(open_page):
    return open_page()


def test_it_leads_from_a_problem_to_its_question_and_publishes_once_fixed(page, live_server, manager):
    version, _ = survey_import(definition=definition_from_data(FRESH), editors=[manager])
    colour = Question.objects.get(version=version, code="colour")
    colour.choices.all().delete()
    publish = "/build/fresh/publish/"

    sign_in(page, live_server, publish)
    expect(page.get_by_role("heading", name="Publish version 1 of “Team pulse”")).to_be_visible()
    expect(page.get_by_text("1 problem stops publishing")).to_be_visible()
    problem = page.get_by_role("link", name="Page 1, question 1 “Favourite colour?”")
    expect(problem.locator("xpath=..")).to_contain_text("has no choices yet: add at least one.")
    expect(page.get_by_role("button", name="Publish version 1")).to_have_count(0)
    expect(page.get_by_text("First version: 1 page, 2 questions.")).to_be_visible()
    assert_clean(page)
    shots(page, "publish-problems")

    problem.click()
    expect(page).to_have_url(f"{live_server.url}/build/fresh/?edit={colour.pk}#question-{colour.pk}")

    Choice.objects.create(question=colour, position=0, code="red", label="Red")
    Choice.objects.create(question=colour, position=1, code="blue", label="Blue")
    page.goto(f"{live_server.url}{publish}")
    expect(page.get_by_text("Ready to publish: nothing stops it.")).to_be_visible()
    assert_clean(page)
    shots(page, "publish-ready")

    page.get_by_role("button", name="Publish version 1").click()
    expect(page).to_have_url(f"{live_server.url}/build/")
    expect(page.get_by_text("Version 1 is published and open:")).to_be_visible()
    shots(page, "publish-published")
    version.refresh_from_db()
    assert version.status == "open"
    expect(page.get_by_role("link", name=f"{live_server.url}/s/fresh/").first).to_be_visible()


def test_it_gives_a_relabelled_choice_a_new_code_when_asked(page, live_server, demo_survey, manager):
    draft = version_duplicate(version=demo_survey.open_version())
    vp = Choice.objects.get(question__version=draft, question__code="seniority", code="vp")
    vp.label = "Vice president or partner"
    vp.save()
    publish = "/build/ddiq-2010/publish/"

    sign_in(page, live_server, publish)
    expect(page.get_by_role("heading", name="Same answer, or a new one?")).to_be_visible()
    expect(page.get_by_text("1 question changed · 1 choice or row relabelled")).to_be_visible()
    relabel = page.get_by_role("group", name="What is your level? The choice Vice president is now")
    expect(relabel.get_by_role("radio", name="Same answer")).to_be_checked()
    relabel.get_by_role("radio", name="New answer").check()
    assert_clean(page)
    shots(page, "publish-relabel")

    page.get_by_role("button", name="Publish version 2").click()
    expect(page).to_have_url(f"{live_server.url}/build/")
    expect(page.get_by_text("Version 2 is published and open:")).to_be_visible()
    draft.refresh_from_db()
    assert "vice_president_or_partner" in version_definition(draft).questions["seniority"].choice_codes
    assert "vp" in version_definition(demo_survey.versions.get(number=1)).questions["seniority"].choice_codes

    # Nothing left to publish: the page says so and offers a new draft.
    page.goto(f"{live_server.url}{publish}")
    expect(page.get_by_text("There is no draft to publish: version 2 is open")).to_be_visible()
    assert_clean(page)
    shots(page, "publish-no-draft")
    page.get_by_role("button", name="Edit as a new draft").click()
    expect(page).to_have_url(f"{live_server.url}/build/ddiq-2010/")
    assert demo_survey.draft_version().number == 3


def test_it_shows_what_changes_and_refuses_a_new_answer_still_in_use(page, live_server, demo_survey, manager):
    draft = version_duplicate(version=demo_survey.open_version())
    role = Question.objects.get(version=draft, code="role")
    role.label = "Which of these best describes your current role?"
    role.save()
    role.page.title = "About you and your organisation"
    role.page.save()
    Question.objects.get(version=draft, code="comments").delete()
    Question.objects.create(version=draft, page=role.page, position=9, code="team", type="integer", label="Team size?")
    barriers = Question.objects.get(version=draft, code="barriers")
    Choice.objects.create(question=barriers, position=9, code="cost", label="Cost")
    never = Choice.objects.get(question__version=draft, question__code="personal_use", code="never")
    never.label = "Not at all"
    never.save()
    publish = "/build/ddiq-2010/publish/"

    sign_in(page, live_server, publish)
    expect(page.get_by_text("1 question added · 1 question removed · 3 questions changed")).to_be_visible()
    relabel = page.get_by_role("group", name="The choice Never is now Not at all")
    expect(relabel).to_contain_text("A new answer needs a change first")
    assert_clean(page)
    shots(page, "publish-changes")

    relabel.get_by_role("radio", name="New answer").check()
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.get_by_role("alert")).to_contain_text("these places still use the old one")
    expect(relabel.get_by_role("radio", name="New answer")).to_be_checked()  # the choice made is kept
    assert_clean(page)
    shots(page, "publish-refused")
    draft.refresh_from_db()
    assert draft.status == "draft"
