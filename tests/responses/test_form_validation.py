"""What the form does with answers it cannot take: errors beside the fields and in a
summary, every typed answer kept, nothing stored; escaping; and random garbage."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from responses.models import Answer, Response
from responses.services import raw_answers, stored_answers
from responses.validation import validate_answers
from surveys.models import Question
from surveys.selectors import compiled_version
from tests.kit.demo import CHANNELS
from tests.kit.form import FORM, PAGE1, PAGE2, PAGE3, complete, html_of, post_page


def _answer_rows() -> list:
    return sorted(Answer.objects.values_list("response_id", "question_id", "row_id", "choice_id", "text"), key=str)


def _error_on(html: str, field: str, message: str, *, named: bool = True) -> bool:
    """The message is shown beside the field and linked from the summary (after the
    question's label when `named`: a matrix row's message names its row itself)."""
    beside = re.search(rf'id="id_{re.escape(field)}_error" class="invalid-feedback">\s*<[a-z]+ [^>]*><strong>'
                       rf"{re.escape(message)}</strong>", html)
    label = "[^<]*[:?] " if named else ""
    link = rf'<a class="alert-link" href="#id_{re.escape(field)}">{label}{re.escape(message)}</a>'
    summary = re.search(link, html)
    return bool(beside and summary)


# --- Errors ------------------------------------------------------------------------------


def test_it_keeps_the_typed_answers_when_a_required_answer_is_missing(client, demo_survey):
    response = post_page(client, {**PAGE1, "seniority": ""})

    html = html_of(response)
    assert response.status_code == 200
    assert _error_on(html, "seniority", "Choose an answer.")
    assert re.search(r'value="it"\s+id="id_role" required checked', html)
    assert '<option value="technology" selected>' in html
    assert not Response.objects.exists()


def test_it_shows_a_focusable_error_summary_that_links_to_the_fields(client, demo_survey):
    html = html_of(post_page(client, {}))

    summary = re.search(r'<div class="alert alert-danger error-summary" id="error-summary" role="alert" '
                        r'tabindex="-1"[^>]*>(.*?)</div>', html, re.S)
    assert summary
    assert re.findall(r'href="#(id_[a-z_.]+)"', summary.group(1)) == ["id_role", "id_seniority", "id_industry",
                                                                       "id_revenue"]
    assert 'id="id_role"' in html and 'id="id_industry"' in html
    assert "<title>Error: " in html


def test_it_links_the_field_to_its_error_with_aria_describedby(client, demo_survey):
    html = html_of(post_page(client, {**PAGE1, "industry": "", "role": ""}))

    assert re.search(r'<fieldset aria-describedby="id_role_error">', html)
    assert re.search(r'<select name="industry"[^>]*aria-invalid="true" aria-describedby="id_industry_error"', html)


def test_it_refuses_an_unknown_choice_code(client, demo_survey):
    html = html_of(post_page(client, {**PAGE1, "role": "intern"}))

    assert _error_on(html, "role", "Choose one of the answers shown.")
    assert not Response.objects.exists()


def test_it_refuses_two_answers_to_one_radio_question(client, demo_survey):
    html = html_of(post_page(client, {**PAGE1, "role": ["it", "business"]}))

    assert _error_on(html, "role", "Choose only one answer.")
    assert not Response.objects.exists()


def test_it_refuses_an_unknown_choice_code_in_a_matrix_row(client, demo_survey):
    post_page(client, PAGE1)
    before = _answer_rows()

    html = html_of(post_page(client, {**PAGE2, "company_usage.twitter": "everywhere"}))

    assert _error_on(html, "company_usage.twitter", "Choose one of the answers shown for Twitter.", named=False)
    assert re.search(r'value="some"\s+id="id_company_usage\.facebook_2" checked', html)
    assert _answer_rows() == before and Response.objects.get().current_page == 1


def test_it_refuses_a_missing_matrix_row(client, demo_survey):
    post_page(client, PAGE1)
    data = {k: v for k, v in PAGE2.items() if k != "company_usage.wikis"}

    html = html_of(post_page(client, data))

    assert _error_on(html, "company_usage.wikis", "Choose an answer for Wikis.", named=False)
    assert Response.objects.get().current_page == 1


def test_it_refuses_an_exclusive_choice_combined_with_others(client, demo_survey):
    complete(client, pages=(PAGE1, PAGE2))
    before = _answer_rows()

    html = html_of(post_page(client, {**PAGE3, "barriers": ["roi", "no_barriers"]}))

    assert _error_on(html, "barriers", "Choose either “No significant barriers” or other answers, not both.")
    assert _answer_rows() == before and not Response.objects.get().is_complete


def test_it_refuses_a_comment_over_2000_characters_and_keeps_it(client, demo_survey):
    complete(client, pages=(PAGE1, PAGE2))
    long_comment = "word " * 401

    html = html_of(post_page(client, {**PAGE3, "comments": long_comment}))

    assert _error_on(html, "comments", "Enter at most 2000 characters (you entered 2004).")
    assert long_comment.strip() in html and 'maxlength="2000"' in html
    assert not Response.objects.get().is_complete


def test_it_asks_again_when_the_first_page_comes_without_a_submission_id(client, demo_survey):
    for submission_id in ("", "not-a-uuid", "x" * 5000):
        response = post_page(client, PAGE1, state=(submission_id, "0"))

        assert response.status_code == 200
        assert "Your answers could not be saved" in html_of(response)
        assert re.search(r'name="submission_id" value="[0-9a-f-]{36}"', html_of(response))
    assert not Response.objects.exists()


def test_it_ignores_fields_that_are_not_on_the_page(client, demo_survey):
    post_page(client, {**PAGE1, "comments": "sneaky", "unknown": "x", "company_usage.twitter": "none"})

    assert set(stored_answers(compiled_version(demo_survey.open_version()), Response.objects.get())) == set(PAGE1)


# --- Escaping ----------------------------------------------------------------------------


def test_it_escapes_question_labels_and_help_texts(client, demo_survey):
    question = Question.objects.get(version=demo_survey.open_version(), code="role")
    question.label = "<script>alert(1)</script> Your role"
    question.help_text = "<b>bold</b> help"
    question.save()

    html = html_of(post_page(client, {**PAGE1, "role": ""}))

    assert "<script>alert(1)" not in html and "<b>bold" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt; Your role") >= 2  # legend and error summary
    assert "&lt;b&gt;bold&lt;/b&gt; help" in html


def test_it_escapes_the_matrix_legend_and_row_labels(client, demo_survey):
    question = Question.objects.get(version=demo_survey.open_version(), code="company_usage")
    question.label = "<script>alert(2)</script>"
    question.save()
    row = question.rows.get(code="twitter")
    row.label = "<img src=x onerror=alert(3)>"
    row.save()
    post_page(client, PAGE1)

    html = html_of(client.get(FORM, follow=True))

    assert "<script>alert(2)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(3)&gt;" in html


def test_it_escapes_a_text_answer_wherever_it_appears(client, demo_survey):
    complete(client, pages=(PAGE1, PAGE2))
    comment = "<script>alert(1)</script>"

    invalid = html_of(post_page(client, {**PAGE3, "comments": comment, "barriers": ["roi", "no_barriers"]}))
    post_page(client, {**PAGE3, "comments": comment}, action="back")
    post_page(client, PAGE2)
    shown_again = html_of(client.get(FORM, follow=True))

    for html in (invalid, shown_again):
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- Garbage -----------------------------------------------------------------------------

_CODES = [
    "role", "seniority", "industry", "revenue", "company_usage", "personal_use", "twitter_uses", "barriers",
    "comments", "page", "submission_id", "action", "csrfmiddlewaretoken",
    *(f"company_usage.{c}" for c in CHANNELS), *(f"personal_use.{c}" for c in (*CHANNELS, "myspace")),
]
_CHOICES = ["it", "business", "vp", "technology", "1b_10b", "none", "some", "never", "daily", "roi",
            "no_barriers", "news", "back", "next", "0", "1", "2", "-1"]
_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
_value = st.one_of(
    st.sampled_from(_CHOICES),
    _text,
    st.just("\x00"),
    st.builds(lambda n, c: c * n, st.integers(1, 120_000), st.sampled_from(["x", "é", "\x00", "<", "9"])),
)
_garbage = st.lists(
    st.tuples(st.one_of(st.sampled_from(_CODES), _text), st.one_of(_value, st.lists(_value, max_size=4))),
    max_size=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(page=st.sampled_from([0, 1, 2]), garbage=_garbage, keep_state=st.booleans())
def test_it_survives_garbage_on_every_page(demo_survey, page, garbage, keep_state):
    client = Client()
    complete(client, pages=(PAGE1, PAGE2, PAGE3)[:page])
    submission_id = re.search(r'name="submission_id" value="([^"]*)"', html_of(client.get(FORM, follow=True))).group(1)
    pairs = [("submission_id", submission_id), ("page", str(page))] if keep_state else []
    pairs += [(key, v) for key, value in garbage for v in (value if isinstance(value, list) else [value])]
    before = _answer_rows(), Response.objects.count()

    response = client.post(FORM, urlencode(pairs), content_type="application/x-www-form-urlencoded")

    assert response.status_code < 500
    if response.status_code == 200 and "There is a problem" in html_of(response):
        assert (_answer_rows(), Response.objects.count()) == before
    for done in Response.objects.filter(status=Response.Status.COMPLETE):
        compiled = compiled_version(done.version)
        assert validate_answers(compiled, raw_answers(stored_answers(compiled, done)))[1] == {}
