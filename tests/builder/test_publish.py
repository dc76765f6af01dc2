"""Publishing from the builder (builder:publish) and "Edit" as a new draft (builder:new_draft)."""

from __future__ import annotations

import re
import threading

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from builder.review import definition_stamp
from responses.models import Answer
from surveys.models import Choice, MatrixRow, Page, Question, Survey, SurveyVersion
from surveys.selectors import version_definition
from surveys.services import version_duplicate
from tests.kit.data import submit_answers
from tests.kit.demo import demo_answers

PUBLISH = reverse("builder:publish", args=["ddiq-2010"])
NEW_DRAFT = reverse("builder:new_draft", args=["ddiq-2010"])
OUTLINE = reverse("builder:outline", args=["ddiq-2010"])
HOME = reverse("builder:home")


@pytest.fixture
def draft(demo_survey) -> SurveyVersion:
    return version_duplicate(version=demo_survey.open_version())


def _question(version: SurveyVersion, code: str) -> Question:
    return Question.objects.get(version=version, code=code)


def _stamp(draft: SurveyVersion) -> str:
    return definition_stamp(draft, version_definition(draft))


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _text(response) -> str:
    """The page's text without tags, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _relabel(draft: SurveyVersion, question: str, code: str, label: str) -> None:
    choice = Choice.objects.get(question__version=draft, question__code=question, code=code)
    choice.label = label
    choice.save()


# --- The review ------------------------------------------------------------------------------


def test_it_shows_a_draft_ready_to_publish(alice, draft):
    response = alice.get(PUBLISH)
    assert response.status_code == 200
    text = _text(response)
    assert "Ready to publish" in text
    assert "Nothing changes in the questions" in text
    assert "new respondents get version 2" in text
    html = response.content.decode()
    assert '<button type="submit" class="btn btn-primary btn-lg">Publish version 2</button>' in html
    assert f'name="stamp" value="{_stamp(draft)}"' in response.content.decode()


def test_it_lists_each_problem_with_a_link_to_its_question(alice, draft):
    seniority = _question(draft, "seniority")
    seniority.choices.all().delete()
    comments = _question(draft, "comments")
    comments.label = ""
    comments.save()

    response = alice.get(PUBLISH)

    assert response.status_code == 200
    problems = response.context["review"].problems
    assert [(p.where, p.text, p.url) for p in problems] == [
        ("Page 1, question 2 “What is your level?”", "has no choices yet: add at least one.",
         f"{OUTLINE}?edit={seniority.pk}#question-{seniority.pk}"),
        ("Page 3, question 4 “(no text yet)”", "its text is empty.",
         f"{OUTLINE}?edit={comments.pk}#question-{comments.pk}"),
    ]
    html = response.content.decode()
    assert f'href="{OUTLINE}?edit={seniority.pk}#question-{seniority.pk}"' in html
    assert "2 problems stop publishing" in _text(response)
    assert "Publish version 2</button>" not in html


def test_it_links_a_problem_of_a_page_to_the_page(alice, draft):
    page = Page.objects.create(version=draft, position=5, title="Empty")
    response = alice.get(PUBLISH)
    (problem,) = response.context["review"].problems
    assert (problem.where, problem.text) == ("Page 4 “Empty”", "its questions is empty.")
    assert problem.url == f"{OUTLINE}#page-{page.pk}"


def test_it_says_when_the_survey_has_no_page(alice, manager):
    survey = Survey.objects.create(slug="fresh", title="Fresh")
    survey.editors.add(manager)
    SurveyVersion.objects.create(survey=survey, number=1)
    (problem,) = alice.get(reverse("builder:publish", args=["fresh"])).context["review"].problems
    assert (problem.where, problem.text) == ("The survey", "has no pages yet: add one.")
    assert problem.url == reverse("builder:outline", args=["fresh"])


def test_it_puts_a_condition_problem_in_plain_words(alice, draft):
    twitter_uses = _question(draft, "twitter_uses")
    twitter_uses.condition = "personal_use.twitter != nevr"
    twitter_uses.save()
    (problem,) = alice.get(PUBLISH).context["review"].problems
    assert problem.where == "Page 3, question 2 “What do you use Twitter for professionally?”"
    assert problem.text.startswith("its display condition: ")
    assert "nevr" in problem.text


def test_it_summarises_what_changes_against_the_open_version(alice, draft):
    role = _question(draft, "role")
    role.label = "Your role?"
    role.save()
    _question(draft, "comments").delete()
    Question.objects.create(version=draft, page=role.page, position=9, code="team", type="integer", label="Team size?")
    twitter_uses = _question(draft, "twitter_uses")
    twitter_uses.condition = "personal_use.twitter = daily"
    twitter_uses.save()

    response = alice.get(PUBLISH)

    text = _text(response)
    assert "1 question added · 1 question removed · 2 questions changed · 1 condition changed" in text
    assert "Team size? (Integer, page 1)" in text
    assert "Anything else you would like to add?" in text
    assert "Question text: Which best describes your role? → Your role?" in text
    assert "Display condition: personal_use.twitter != never → personal_use.twitter = daily" in text
    team = _question(draft, "team")
    assert f'href="{OUTLINE}?edit={team.pk}#question-{team.pk}"' in response.content.decode()


def test_it_says_how_big_a_first_version_is(alice, manager):
    survey = Survey.objects.create(slug="fresh", title="Fresh")
    survey.editors.add(manager)
    version = SurveyVersion.objects.create(survey=survey, number=1)
    page = Page.objects.create(version=version)
    Question.objects.create(version=version, page=page, code="name", type="short_text", label="Name?")

    response = alice.get(reverse("builder:publish", args=["fresh"]))

    assert "First version: 1 page, 1 question." in _text(response)
    assert "Publish version 1</button>" in response.content.decode()


def test_it_asks_same_or_new_answer_for_a_relabelled_choice(alice, draft):
    _relabel(draft, "seniority", "vp", "Vice president or partner")
    response = alice.get(PUBLISH)
    html = response.content.decode()
    assert "Same answer, or a new one?" in html
    assert 'name="answer-choice.seniority.vp" value="same"' in html
    assert re.search(r'<input type="radio" name="answer-choice.seniority.vp" value="same"[^>]*checked', html)
    assert "counted apart under the code “vice_president_or_partner”" in html


def test_it_warns_before_a_new_answer_that_would_break_a_condition(alice, draft):
    choice = Choice.objects.get(question__version=draft, question__code="personal_use", code="never")
    choice.label = "Not at all"
    choice.save()
    (item,) = alice.get(PUBLISH).context["review"].relabel_questions
    assert {p.where for p in item.breaks} >= {
        "Page 3, question 2 “What do you use Twitter for professionally?”",
        "Finding 1 “IT leaders who never use Twitter professionally”",
        "NET 2 “Ever”",
        "Saved view 1 “The paradox”",
    }


def test_it_says_when_there_is_no_draft(alice, demo_survey):
    response = alice.get(PUBLISH)
    assert response.status_code == 200
    assert "There is no draft to publish: version 1 is open" in _text(response)
    assert f'action="{NEW_DRAFT}"' in response.content.decode()


def test_it_offers_a_first_draft_to_a_survey_without_versions(alice, manager):
    survey = Survey.objects.create(slug="fresh", title="Fresh")
    survey.editors.add(manager)
    response = alice.get(reverse("builder:publish", args=["fresh"]))
    assert "“Fresh” has no version yet: there is nothing to publish." in _text(response)
    assert f'action="{reverse("builder:new_draft", args=["fresh"])}"' in response.content.decode()


def test_it_reads_the_review_in_a_fixed_number_of_queries(alice, draft, django_assert_num_queries):
    """As many for the demo as for any survey: the session and permissions (4), the survey
    and its editors (2), the draft's definition (11 with its hidden fields, its screen-outs
    and the survey's quotas, and its pages and questions again for the links), the open
    version (compiled once per process) and the responses so far."""
    alice.get(PUBLISH)
    with django_assert_num_queries(21):
        assert alice.get(PUBLISH).status_code == 200


# --- Publishing ------------------------------------------------------------------------------


def test_it_publishes_the_draft(alice, draft, demo_survey):
    response = alice.post(PUBLISH, {"stamp": _stamp(draft)})

    assert response.status_code == 302
    assert response["Location"] == HOME
    draft.refresh_from_db()
    assert draft.status == SurveyVersion.Status.OPEN
    assert demo_survey.versions.get(number=1).status == SurveyVersion.Status.CLOSED
    link = "http://testserver/s/ddiq-2010/"
    assert _messages(response) == [f'Version 2 is published and open: <a href="{link}">{link}</a>']


def test_it_refuses_to_publish_a_draft_with_problems(alice, draft):
    _question(draft, "role").choices.all().delete()

    response = alice.post(PUBLISH, {"stamp": _stamp(draft)})

    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.status == SurveyVersion.Status.DRAFT
    assert "Version 2 cannot be published yet: fix the problems below." in _text(response)
    assert "has no choices yet" in _text(response)


def test_it_refuses_to_publish_in_an_archived_survey(alice, draft, demo_survey):
    demo_survey.archived_at = timezone.now()
    demo_survey.save()
    page = alice.get(PUBLISH)
    assert "This survey is archived: unarchive it in its settings before publishing." in _text(page)
    assert "Publish version 2</button>" not in page.content.decode()
    assert reverse("builder:settings", args=["ddiq-2010"]) in page.content.decode()

    response = alice.post(PUBLISH, {"stamp": _stamp(draft)})

    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.status == SurveyVersion.Status.DRAFT


def test_it_keeps_a_relabelled_choice_the_same_answer_by_default(alice, draft):
    _relabel(draft, "seniority", "vp", "Vice president or partner")
    response = alice.post(PUBLISH, {"stamp": _stamp(draft), "answer-choice.seniority.vp": "same"})
    assert response.status_code == 302
    assert Choice.objects.filter(question__version=draft, question__code="seniority", code="vp").exists()


def test_it_gives_a_new_answer_a_new_code_and_leaves_earlier_answers_on_theirs(alice, draft, demo_survey):
    first = submit_answers(demo_survey, demo_answers(seniority="vp"))
    _relabel(draft, "seniority", "vp", "Vice president or partner")
    row = MatrixRow.objects.get(question__version=draft, question__code="company_usage", code="wikis")
    row.label = "Wikis and intranets"
    row.save()

    response = alice.post(PUBLISH, {
        "stamp": _stamp(draft), "answer-choice.seniority.vp": "new", "answer-row.company_usage.wikis": "new",
    })

    assert response.status_code == 302
    draft.refresh_from_db()
    published = version_definition(draft)
    assert published.status == "open"
    assert published.questions["seniority"].choice_codes == (
        "c_level", "vice_president_or_partner", "director", "manager", "other",
    )
    assert "wikis_and_intranets" in published.questions["company_usage"].row_codes
    answer = Answer.objects.select_related("choice").get(response_id=first, question__code="seniority")
    assert answer.choice.code == "vp" and answer.choice.label == "Vice president"


def test_it_refuses_a_new_answer_whose_old_code_is_still_used(alice, draft):
    choice = Choice.objects.get(question__version=draft, question__code="personal_use", code="never")
    choice.label = "Not at all"
    choice.save()

    response = alice.post(PUBLISH, {"stamp": _stamp(draft), "answer-choice.personal_use.never": "new"})

    assert response.status_code == 400
    assert "Nothing was published: a new answer below needs a change first." in _text(response)
    assert "these places still use the old one" in _text(response)
    choice.refresh_from_db()
    assert choice.code == "never"
    draft.refresh_from_db()
    assert draft.status == SurveyVersion.Status.DRAFT


def test_it_refuses_an_answer_that_is_neither_same_nor_new(alice, draft):
    _relabel(draft, "seniority", "vp", "Vice president or partner")
    response = alice.post(PUBLISH, {"stamp": _stamp(draft), "answer-choice.seniority.vp": "maybe"})
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.status == SurveyVersion.Status.DRAFT


def test_a_second_click_publishes_nothing_more(alice, draft, demo_survey):
    stamp = _stamp(draft)
    assert alice.post(PUBLISH, {"stamp": stamp}).status_code == 302

    response = alice.post(PUBLISH, {"stamp": stamp})

    assert response.status_code == 302
    assert response["Location"] == HOME
    assert _messages(response)[-1] == "There is no draft to publish: version 2 is open."
    assert list(demo_survey.versions.values_list("number", "status")) == [(2, "open"), (1, "closed")]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_publish_once(manager, draft, demo_survey):
    """Both requests reach the draft's row lock; the second goes on once the first committed,
    finds no draft, and says so (SQLite serialises writers: only PostgreSQL shows the race)."""
    stamp = _stamp(draft)
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(manager)
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def click(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            response = clients[i].post(PUBLISH, {"stamp": stamp})
            results[i] = (response.status_code, _messages(response))
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [status for status, _ in results] == [302, 302]
    said = sorted(m[-1].split(":")[0] for _, m in results)
    assert said == ["There is no draft to publish", "Version 2 is published and open"]
    assert list(demo_survey.versions.values_list("number", "status")) == [(2, "open"), (1, "closed")]


def test_it_refuses_a_stale_review(alice, draft):
    stamp = _stamp(draft)
    _question(draft, "comments").delete()  # deleting moves no updated_at: the stamp is the content's

    response = alice.post(PUBLISH, {"stamp": stamp})

    assert response.status_code == 409
    assert "The draft changed since you reviewed it" in _text(response)
    draft.refresh_from_db()
    assert draft.status == SurveyVersion.Status.DRAFT
    assert f'name="stamp" value="{_stamp(draft)}"' in response.content.decode()  # the new review's


def test_it_keeps_the_answers_given_when_the_review_was_stale(alice, draft):
    _relabel(draft, "seniority", "vp", "Vice president or partner")
    stamp = _stamp(draft)
    _relabel(draft, "seniority", "director", "Head")
    response = alice.post(PUBLISH, {"stamp": stamp, "answer-choice.seniority.vp": "new"})
    assert response.status_code == 409
    html = response.content.decode()
    assert re.search(r'name="answer-choice.seniority.vp" value="new"[^>]*checked', html)
    assert re.search(r'name="answer-choice.seniority.director" value="same"[^>]*checked', html)


def test_it_refuses_a_post_without_a_stamp(alice, draft):
    assert alice.post(PUBLISH).status_code == 409
    draft.refresh_from_db()
    assert draft.status == SurveyVersion.Status.DRAFT


# --- Who may publish ----------------------------------------------------------------------------


@pytest.fixture
def reader(client, demo_survey) -> User:
    """dave, a survey manager who may see the demo's results but is not one of its editors."""
    dave = User.objects.create_user("dave", password="pw-dave", is_staff=True)
    dave.groups.add(Group.objects.get(name="Survey managers"))
    demo_survey.viewers.add(dave)
    client.force_login(dave)
    return dave


def test_a_read_only_user_sees_the_review_without_the_button(client, reader, draft):
    response = client.get(PUBLISH)
    assert response.status_code == 200
    assert "You may look at this survey but not publish it" in _text(response)
    assert "<form method=\"post\" action=\"" + PUBLISH not in response.content.decode()


def test_a_read_only_user_is_not_offered_a_new_draft(client, reader, demo_survey):
    response = client.get(PUBLISH)
    assert response.status_code == 200
    assert "There is no draft to publish" in _text(response)
    assert NEW_DRAFT not in response.content.decode()


def test_a_read_only_user_may_not_publish(client, reader, draft):
    assert client.post(PUBLISH, {"stamp": _stamp(draft)}).status_code == 403
    draft.refresh_from_db()
    assert draft.status == SurveyVersion.Status.DRAFT


def test_a_results_viewer_may_not_publish(client, viewer, draft, demo_survey):
    demo_survey.viewers.add(viewer)
    client.force_login(viewer)
    assert client.get(PUBLISH).status_code == 403
    assert client.post(PUBLISH, {"stamp": _stamp(draft)}).status_code == 403


def test_an_outsider_may_not_publish(client, outsider, draft):
    client.force_login(outsider)
    assert client.get(PUBLISH).status_code == 403
    assert client.post(PUBLISH, {"stamp": _stamp(draft)}).status_code == 403


def test_a_manager_who_is_not_an_editor_does_not_find_the_survey(client, draft):
    other = User.objects.create_user("erin", is_staff=True)
    other.groups.add(Group.objects.get(name="Survey managers"))
    client.force_login(other)
    assert client.get(PUBLISH).status_code == 404
    assert client.post(PUBLISH, {"stamp": _stamp(draft)}).status_code == 404


def test_anonymous_users_go_to_the_sign_in_page(client, draft):
    response = client.post(PUBLISH, {"stamp": _stamp(draft)})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    draft.refresh_from_db()
    assert draft.status == SurveyVersion.Status.DRAFT


# --- "Edit" as a new draft ----------------------------------------------------------------------


def test_it_copies_the_open_version_into_a_new_draft(alice, demo_survey):
    response = alice.post(NEW_DRAFT)
    assert response.status_code == 302
    assert response["Location"] == OUTLINE
    draft = demo_survey.draft_version()
    assert draft.number == 2
    assert version_definition(draft).pages == version_definition(demo_survey.open_version()).pages
    assert _messages(response) == ["Version 2 is a new draft: change it here, then publish it."]


def test_it_copies_the_latest_version_when_none_is_open(alice, demo_survey):
    version = demo_survey.open_version()
    version.status = SurveyVersion.Status.CLOSED
    version.save()
    assert alice.post(NEW_DRAFT).status_code == 302
    assert demo_survey.draft_version().number == 2


def test_it_goes_to_the_draft_that_exists(alice, draft, demo_survey):
    response = alice.post(NEW_DRAFT)
    assert response["Location"] == OUTLINE
    assert demo_survey.versions.count() == 2
    assert _messages(response) == ["Version 2 is already a draft: you are editing it."]


def test_it_starts_an_empty_draft_with_one_page_for_a_survey_without_versions(alice, manager):
    survey = Survey.objects.create(slug="fresh", title="Fresh")
    survey.editors.add(manager)
    response = alice.post(reverse("builder:new_draft", args=["fresh"]))
    assert response["Location"] == reverse("builder:outline", args=["fresh"])
    (version,) = survey.versions.all()
    assert (version.number, version.status, version.pages.count()) == (1, "draft", 1)


def test_new_draft_takes_only_posts(alice, demo_survey):
    assert alice.get(NEW_DRAFT).status_code == 405
    assert demo_survey.draft_version() is None


def test_a_read_only_user_may_not_start_a_draft(client, reader, demo_survey):
    assert client.post(NEW_DRAFT).status_code == 403
    assert demo_survey.draft_version() is None


def test_a_results_viewer_may_not_start_a_draft(client, viewer, demo_survey):
    client.force_login(viewer)
    assert client.post(NEW_DRAFT).status_code == 403


def test_anonymous_users_start_no_draft(client, demo_survey):
    response = client.post(NEW_DRAFT)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert demo_survey.draft_version() is None
