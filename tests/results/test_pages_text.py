"""Text answers: counted responses only, 25 per page, searchable, escaped; labels escaped."""

import uuid

import pytest
from django.utils import timezone

from responses.models import Response
from responses.services import response_submit
from surveys.definition_files import definition_from_data
from surveys.services import survey_import
from tests.kit.data import bulk_responses
from tests.kit.demo import leader_answers

pytestmark = pytest.mark.django_db
URL = "/results/ddiq-2010/questions/comments/"
SCRIPT = "<script>alert(1)</script>"


def _comments(survey, texts: list[str]) -> list[Response]:
    return bulk_responses(survey, [leader_answers(role="it") | {"comments": text} for text in texts])


def test_it_lists_text_answers_25_per_page(results, demo_survey):
    _comments(demo_survey, [f"Comment number {i:02}" for i in range(30)])
    first = results.get(URL).context["report"].text.page
    assert (first.paginator.count, len(first.object_list), first.paginator.num_pages) == (30, 25, 2)
    second = results.get(URL + "?page=2")
    assert len(second.context["report"].text.page.object_list) == 5
    assert "page 2 of 2" in second.content.decode()


def test_it_searches_text_answers(results, demo_survey):
    _comments(demo_survey, ["Twitter is for marketing", "No comment", "twitter again", "Useful"])
    response = results.get(URL + "?q=TWITTER")
    texts = sorted(text for text, _ in response.context["report"].text.page.object_list)
    assert texts == ["Twitter is for marketing", "twitter again"]
    assert "2 answers containing “TWITTER”" in response.content.decode()


def test_it_lists_only_counted_responses_answers(results, demo_survey):
    counted, excluded = _comments(demo_survey, ["counted one", "excluded one"])
    Response.objects.filter(pk=excluded.pk).update(excluded_at=timezone.now())
    response_submit(survey=demo_survey, version=demo_survey.open_version(), submission_id=uuid.uuid4(),
                    answers=leader_answers(role="it") | {"comments": "a test response"}, is_test=True)
    response_submit(survey=demo_survey, version=demo_survey.open_version(), submission_id=uuid.uuid4(),
                    answers=leader_answers(role="it") | {"comments": "not counted yet"})
    texts = [text for text, _ in results.get(URL).context["report"].text.page.object_list]
    assert texts == ["counted one"]


def test_it_filters_text_answers_by_segment(results, demo_survey):
    bulk_responses(demo_survey, [leader_answers(role="it") | {"comments": "from IT"},
                                 leader_answers(role="business") | {"comments": "from business"}])
    texts = [t for t, _ in results.get(URL + "?segment=role:business").context["report"].text.page.object_list]
    assert texts == ["from business"]


def test_it_escapes_text_answers(results, demo_survey):
    _comments(demo_survey, [SCRIPT])
    html = results.get(URL).content.decode()
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_it_escapes_labels_in_tables_and_charts(client, viewer, db):
    version, _ = survey_import(definition=definition_from_data({
        "slug": "xss", "title": f"Title {SCRIPT}", "status": "open",
        "pages": [{"questions": [
            {"code": "pick", "type": "single", "label": f"Label {SCRIPT}",
             "choices": [{"code": "x", "label": f"Choice {SCRIPT}"}, {"code": "y", "label": "Fine"}]},
        ]}],
    }))
    survey = version.survey
    survey.viewers.add(viewer)
    client.force_login(viewer)
    bulk_responses(survey, [{"pick": "x"}] * 6)
    for url in ("/results/xss/", "/results/xss/questions/", "/results/xss/questions/pick/",
                "/results/xss/crosstab/?row=pick&col=pick", "/results/xss/compare/"):
        html = client.get(url).content.decode()
        assert SCRIPT not in html, url
    html = client.get("/results/xss/questions/pick/").content.decode()
    assert "Choice &lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_it_lists_a_choice_s_please_specify_texts_on_its_page(results, demo_survey):
    # "Other, please specify": the texts typed beside "Other" are listed (escaped) like a
    # text question's answers, under the choice table, with its search.
    texts = ["Head of digital", SCRIPT]
    bulk_responses(demo_survey, [leader_answers(role="it") | {"seniority": "other", "seniority.other.text": text}
                                 for text in texts] + [leader_answers(role="it")])
    response = results.get("/results/ddiq-2010/questions/seniority/")
    listed = [text for text, _ in response.context["report"].text.page.object_list]
    assert sorted(listed) == sorted(texts)
    html = response.content.decode()
    assert "Texts typed for “Other”" in html and SCRIPT not in html
    searched = results.get("/results/ddiq-2010/questions/seniority/?q=digital").context["report"].text
    assert [text for text, _ in searched.page.object_list] == ["Head of digital"]
    # The overview links to them instead of reading them.
    assert "Read the texts typed for “Other”" in results.get("/results/ddiq-2010/questions/").content.decode()
