"""The respondent's form, page by page: progress, conditions, Back, save and resume,
resuming across versions, completion, locking and double posts."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from responses.models import Answer, Response, UncountedResponse
from responses.services import stored_answers
from surveys.selectors import compiled_version
from surveys.services import version_close, version_duplicate, version_publish
from tests.kit.demo import CHANNELS
from tests.kit.form import FORM, PAGE1, PAGE2, PAGE3, complete, form_state, html_of, only_response, post_page

EXPECTED = {
    "role": "it",
    "seniority": "vp",
    "industry": "technology",
    "revenue": "1b_10b",
    "company_usage": {c: "none" if c == "twitter" else "some" for c in CHANNELS},
    "personal_use": {c: "daily" if c == "twitter" else "weekly" for c in CHANNELS},
    "twitter_uses": frozenset({"news", "peers"}),
    "barriers": frozenset({"roi", "security"}),
    "comments": "Nothing to add.",
}


# --- Rendering ------------------------------------------------------------------------


def test_it_renders_the_first_page_with_crispy_fields_and_a_hidden_submission_id(client, demo_survey):
    html = html_of(client.get(FORM, follow=True))

    assert 'id="div_id_role"' in html  # crispy's field wrapper
    assert 'class="form-check-input"' in html
    assert '<span class="asteriskField">*</span>' in html
    assert re.search(r'<input type="hidden" name="submission_id" value="[0-9a-f-]{36}">', html)
    assert 'name="seniority"' in html and 'name="company_usage.twitter"' not in html


def test_it_shows_the_progress_of_the_respondent(client, demo_survey):
    post_page(client, PAGE1)

    html = html_of(client.get(FORM, follow=True))
    assert "Page 2 of 3" in html
    assert 'role="progressbar"' in html and 'aria-valuenow="2"' in html and 'aria-valuemax="3"' in html


def test_it_names_matrix_rows_by_question_and_row_code(client, demo_survey):
    post_page(client, PAGE1)

    html = html_of(client.get(FORM, follow=True))
    for channel in CHANNELS:
        assert f'name="company_usage.{channel}"' in html
    assert "<legend" in html and "How would you characterize" in html


def test_it_offers_the_dropdown_with_an_empty_first_option(client, demo_survey):
    html = html_of(client.get(FORM, follow=True))

    assert re.search(r'<select name="industry"[^>]*>\s*<option value="" selected>', html)


def test_it_labels_the_last_button_submit(client, demo_survey):
    post_page(client, PAGE1)
    post_page(client, PAGE2)

    html = html_of(client.get(FORM, follow=True))
    assert ">Submit</button>" in html and ">Back</button>" in html


def test_it_renders_the_condition_of_twitter_uses_as_json(client, demo_survey):
    post_page(client, PAGE1)
    post_page(client, PAGE2)

    html = html_of(client.get(FORM, follow=True))
    assert (
        'data-condition="{&quot;q&quot;:&quot;personal_use&quot;,&quot;row&quot;:&quot;twitter&quot;,'
        '&quot;op&quot;:&quot;!=&quot;,&quot;v&quot;:&quot;never&quot;}"'
    ) in html


# --- Completing -----------------------------------------------------------------------


def test_it_completes_the_survey_and_lands_on_the_thank_you_page(client, demo_survey):
    response = complete(client)

    assert response["Location"] == "/s/ddiq-2010/thanks/"
    thanks = client.get(response["Location"])
    assert "Thank you, your answers have been recorded." in html_of(thanks)
    stored = only_response()
    assert stored.status == Response.Status.COMPLETE and not stored.is_test
    assert stored_answers(compiled_version(stored.version), stored) == EXPECTED
    assert UncountedResponse.objects.filter(response=stored).count() == 1


def test_it_drops_twitter_uses_when_twitter_is_never(client, demo_survey):
    page3 = {**PAGE3, "personal_use.twitter": "never"}

    complete(client, pages=(PAGE1, PAGE2, page3))

    answers = stored_answers(compiled_version(demo_survey.open_version()), only_response())
    assert "twitter_uses" not in answers
    assert answers["personal_use"]["twitter"] == "never"


def test_it_keeps_no_ip_address_by_default(client, demo_survey):
    complete(client)

    assert only_response().ip_address is None


def test_it_keeps_the_ip_address_when_configured(client, demo_survey, settings):
    settings.STORE_IP_ADDRESS = True

    complete(client)

    assert only_response().ip_address == "127.0.0.1"


# --- Back, save and resume ---------------------------------------------------------------


def test_it_saves_each_page_as_a_partial_response(client, demo_survey):
    post_page(client, PAGE1)

    stored = only_response()
    assert stored.status == Response.Status.PARTIAL and stored.current_page == 1
    assert stored_answers(compiled_version(stored.version), stored) == PAGE1


def test_it_goes_back_keeping_the_answers(client, demo_survey):
    post_page(client, PAGE1)
    post_page(client, PAGE2)

    assert post_page(client, {"personal_use.twitter": "monthly"}, action="back").status_code == 302

    assert "Page 2 of 3" in html_of(client.get(FORM, follow=True))
    post_page(client, PAGE2)
    html = html_of(client.get(FORM, follow=True))
    assert "Page 3 of 3" in html
    assert re.search(r'value="monthly"\s+id="id_personal_use\.twitter_2" (required )?checked', html)


def test_it_shows_earlier_answers_after_going_back(client, demo_survey):
    post_page(client, PAGE1)

    post_page(client, {}, action="back")

    html = html_of(client.get(FORM, follow=True))
    assert "Page 1 of 3" in html
    assert re.search(r'value="vp"\s+id="id_seniority_1" required checked', html)
    assert '<option value="technology" selected>' in html


def test_it_saves_only_valid_answers_when_going_back(client, demo_survey):
    post_page(client, PAGE1)

    post_page(client, {"company_usage.twitter": "widespread", "company_usage.facebook": "bogus"}, action="back")

    stored = only_response()
    assert stored.current_page == 0
    assert stored_answers(compiled_version(stored.version), stored)["company_usage"] == {"twitter": "widespread"}


def test_it_sets_an_http_only_lax_resume_cookie_for_thirty_days(client, demo_survey):
    response = post_page(client, PAGE1)

    cookie = response.cookies["resume-ddiq-2010"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["max-age"] == 30 * 24 * 3600


def test_it_offers_save_and_continue_later_on_every_page(client, demo_survey):
    save_later = '<button type="submit" name="action" value="save"'
    assert save_later in html_of(client.get(FORM, follow=True))
    post_page(client, PAGE1)
    assert save_later in html_of(client.get(FORM, follow=True))


def test_it_resumes_through_the_resume_link_at_the_page_reached(client, demo_survey):
    post_page(client, PAGE1)
    post_page(client, PAGE2)
    token = client.cookies["resume-ddiq-2010"].value
    elsewhere = Client()

    response = elsewhere.get(f"/s/ddiq-2010/resume/{token}/")

    assert response.status_code == 302 and response["Location"] == FORM
    assert "Page 3 of 3" in html_of(elsewhere.get(FORM, follow=True))
    complete(elsewhere, pages=(PAGE3,))
    stored = only_response()
    assert stored.is_complete and stored_answers(compiled_version(stored.version), stored) == EXPECTED


def test_it_answers_an_unknown_resume_link_with_404(client, demo_survey):
    response = client.get("/s/ddiq-2010/resume/not-a-real-token-at-all/")

    assert response.status_code == 404
    assert "This resume link does not work" in html_of(response)


def test_it_continues_an_old_partial_on_its_version_after_a_new_version_is_published(client, demo_survey):
    old = demo_survey.open_version()
    post_page(client, PAGE1)
    new = version_publish(version=version_duplicate(version=old))

    complete(client, pages=(PAGE2, PAGE3))

    stored = only_response()
    assert stored.is_complete and stored.version == old
    assert stored_answers(compiled_version(old), stored) == EXPECTED
    newcomer = Client()
    post_page(newcomer, PAGE1)
    assert Response.objects.exclude(pk=stored.pk).get().version == new


def test_it_shows_the_closed_page_to_a_partial_when_no_version_is_open(client, demo_survey):
    post_page(client, PAGE1)
    version_close(version=demo_survey.open_version())

    response = client.get(FORM, follow=True)

    assert response.status_code == 410
    assert "This survey is closed" in html_of(response)


# --- Locking and double posts --------------------------------------------------------------


def test_it_tells_a_respondent_who_completed_the_survey_so(client, demo_survey):
    complete(client)

    response = client.get(FORM, follow=True)

    assert response.status_code == 200
    assert "You have already completed this survey" in html_of(response)
    assert "<form method=\"post\" action=\"/s/ddiq-2010/\"" not in html_of(response)


def test_it_never_changes_a_completed_response(client, demo_survey):
    complete(client)
    before = sorted(Answer.objects.values_list("question_id", "row_id", "choice_id", "text"), key=str)
    stored = only_response()

    for page, data in (("0", {**PAGE1, "role": "business"}), ("2", {**PAGE3, "comments": "Changed"})):
        for action in ("next", "back"):
            post_page(client, data, action=action, state=(str(stored.submission_id), page))

    assert sorted(Answer.objects.values_list("question_id", "row_id", "choice_id", "text"), key=str) == before
    assert Response.objects.get().completed_at == stored.completed_at


def test_it_makes_one_response_from_a_double_posted_first_page(client, demo_survey):
    state = form_state(client)

    first = post_page(client, PAGE1, state=state)
    second = post_page(client, PAGE1, state=state)

    assert first.status_code == second.status_code == 302
    assert Response.objects.count() == 1 and only_response().current_page == 1


def test_it_gives_the_second_of_a_double_click_the_response_the_first_created(client, demo_survey):
    """A browser drops the first answer of a double click, cookie included."""
    state = form_state(client)
    post_page(Client(), PAGE1, state=state)

    second = post_page(client, PAGE1, state=state)

    assert Response.objects.count() == 1
    assert second.cookies["resume-ddiq-2010"].value
    assert "Page 2 of 3" in html_of(client.get(FORM, follow=True))


def test_it_makes_one_complete_response_from_a_double_posted_submit(client, demo_survey):
    complete(client, pages=(PAGE1, PAGE2))
    state = form_state(client)

    first = post_page(client, PAGE3, state=state)
    second = post_page(client, PAGE3, state=state)

    assert first["Location"] == second["Location"] == "/s/ddiq-2010/thanks/"
    assert Response.objects.filter(status=Response.Status.COMPLETE).count() == 1
    assert UncountedResponse.objects.count() == 1


def test_it_refuses_a_page_the_respondent_has_not_reached(client, demo_survey):
    response = post_page(client, PAGE3, state=(form_state(client)[0], "2"))

    assert response.status_code == 302 and response["Location"] == "/s/ddiq-2010/p/1/"
    assert not Response.objects.exists()


@pytest.mark.parametrize("page", ["", "-1", "3", "99999999999999999999", "1.5", "x", "²", "١"])
def test_it_sends_a_wrong_page_number_back_to_the_current_page(client, demo_survey, page):
    response = post_page(client, PAGE1, state=(form_state(client)[0], page))

    assert response.status_code == 302 and response["Location"] == "/s/ddiq-2010/p/1/"
    assert not Response.objects.exists()
