"""Piped texts on the respondent's form: page 2 shows page 1's answers (escaped, the
fallback when skipped, a hidden field's value), in the error summary too, after Back and
on resuming, never one respondent's answers to another (the page's rendered skeleton is
shared), and in test mode (the builder's preview)."""

from __future__ import annotations

import random
import re

import pytest
from django.test import Client

from responses import rendering
from responses.forms import SurveyPageForm
from surveys import piping
from surveys.definition_files import definition_from_data
from surveys.services import survey_import
from surveys.types import TYPES
from tests.kit.form import html_of, post_page
from tests.kit.piping import PIPED
from tests.kit.rendering import full, question_of

pytestmark = pytest.mark.django_db

FORM = "/s/piped/"
PAGE1 = {"industry": "tech", "channels": ["wikis", "twitter"], "nickname": "<b>Ada</b>", "staff": "250"}


@pytest.fixture
def piped(manager):
    version, _ = survey_import(definition=definition_from_data(PIPED), editors=[manager])
    return version


def page_two(client: Client, page1: dict = PAGE1, query: str = "") -> str:
    if query:
        client.get(f"{FORM}?{query}")
    response = post_page(client, page1, url=FORM)
    assert response.status_code == 302, html_of(response)[:2000]
    return html_of(client.get(response.url))


def test_it_shows_page_ones_answers_in_page_twos_texts(client, piped):
    html = page_two(client)

    assert "How often does your Technology company use Twitter?" in html
    assert "You use Twitter and Wikis; found us on the web." in html
    assert "Daily, &lt;b&gt;Ada&lt;/b&gt;" in html and "<b>Ada</b>" not in html
    assert "Budget per employee (250 employees)?" in html
    assert "In Technology" in html  # a matrix row's label
    assert "Your peers in [[brackets]]?" in html
    assert "\ue002" not in html and "[[industry" not in html


def test_it_shows_the_fallbacks_when_page_one_was_skipped(client, piped):
    html = page_two(client, {})

    assert "How often does your own company use Twitter?" in html
    assert "You use none of them; found us on the web." in html
    assert "In your industry" in html
    assert "Budget per employee ( employees)?" in html  # no fallback: nothing


def test_it_shows_a_hidden_fields_value_from_the_link(client, piped):
    html = page_two(client, query="src=newsletter")

    assert "found us on newsletter." in html


def test_the_error_summary_names_the_question_with_its_piped_text(client, piped):
    page_two(client)

    html = html_of(post_page(client, {}, url=FORM))

    summary = re.search(r'<div class="alert alert-danger error-summary".*?</div>', html, re.S).group(0)
    assert "How often does your Technology company use Twitter? Choose an answer." in summary
    # A page with errors is rendered in full, not from the skeleton: its texts are piped too.
    assert html.count("How often does your Technology company use Twitter?") == 2
    assert "\ue002" not in html


def test_back_and_resume_show_the_changed_answer(client, piped):
    page_two(client)
    back = post_page(client, {}, url=FORM, action="back")
    assert back.status_code == 302

    response = post_page(client, {**PAGE1, "industry": "retail"}, url=FORM)
    assert "your Retail company" in html_of(client.get(response.url))

    resumed = html_of(client.get(FORM, follow=True))  # the cookie brings the respondent back
    assert "How often does your Retail company use Twitter?" in resumed


@pytest.mark.usefixtures("fresh_skeletons")
def test_two_respondents_each_see_their_own_answers_from_one_skeleton(piped):
    first, second = Client(), Client()

    html_first = page_two(first)
    skeletons = len(rendering._skeletons)
    html_second = page_two(second, {**PAGE1, "industry": "retail", "nickname": "Bob"})

    assert "your Technology company" in html_first and "Daily, &lt;b&gt;Ada&lt;/b&gt;" in html_first
    assert "your Retail company" in html_second and "Daily, Bob" in html_second
    assert "Technology" not in html_second and "Ada" not in html_second
    assert len(rendering._skeletons) == skeletons  # the second page came from the first one's skeleton
    assert "your Technology company" in html_of(first.get(FORM, follow=True))


def test_test_mode_shows_the_piped_text(alice, piped):
    url = f"/s/piped/preview/{piped.pk}/"
    response = post_page(alice, PAGE1, url=url)

    assert "How often does your Technology company use Twitter?" in html_of(alice.get(response.url))


# --- Every type, through the shared skeleton ------------------------------------------------


@pytest.mark.usefixtures("fresh_skeletons")
@pytest.mark.parametrize("kind", sorted(TYPES))
def test_every_types_texts_show_the_answer_as_a_render_of_the_piped_text_would(kind):
    survey = definition_from_data({"slug": "s", "title": "S", "hidden_fields": [{"code": "src"}],
                                   "pages": [{"questions": [{"code": "q", "type": "short_text", "label": "Q"}]}]})
    answers = {"src": 'quo"te & <b>tag</b>'}
    question = piping.retexted(question_of(random.Random(3), kind, 0), lambda t: f"{t} [[src|none]]" if t else t)
    form = SurveyPageForm(questions=[question], piped=piping.pipe_page([question], answers, survey))

    fast = form.piped.html(rendering.render_questions(form))

    expected = piping.retexted(question, lambda t: piping.render_text(t, answers, survey))
    assert fast == full(SurveyPageForm(questions=[expected]))
    assert "quo&quot;te &amp; &lt;b&gt;tag&lt;/b&gt;" in fast
