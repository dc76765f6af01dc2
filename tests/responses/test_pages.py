"""Each page at its own URL (the survey's link sends the respondent to theirs), the
server deciding which page may be opened, progress that counts the pages that may still
be shown, Save and continue later on any page, and the welcome back."""

from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import urlencode

import pytest
from django.test import Client

from responses.models import Answer, Response
from responses.services import stored_answers
from surveys.definition_files import definition_from_yaml
from surveys.selectors import compiled_version
from surveys.services import survey_import
from tests.kit.form import FORM, PAGE1, PAGE2, PAGE3, html_of, post_page
from tests.kit.invitations import invite

# Page 2 is shown only for one answer on page 1: on page 1 nobody knows yet whether it will be.
BRANCHING = """
slug: branching
title: Branching
status: open
pages:
- title: Start
  questions:
  - {code: path, type: single, label: "Which way?", choices: [{code: one, label: One}, {code: two, label: Two}]}
  - {code: name, type: short_text, label: Name, required: true}
  - {code: age, type: integer, label: Age, min: 18, max: 120}
- title: Detour
  condition: path = two
  questions:
  - {code: detail, type: short_text, label: Detail}
- title: End
  questions:
  - {code: done, type: single, label: "Done?", required: true, choices: [{code: ok, label: "Yes"}]}
"""
URL = "/s/branching/"


@pytest.fixture
def branching(db):
    version, _ = survey_import(definition=definition_from_yaml(BRANCHING))
    return version


def _post(client: Client, url: str, data: dict, action: str = "next"):
    html = html_of(client.get(url))
    submission_id = re.search(r'name="submission_id" value="([^"]*)"', html).group(1)
    body = urlencode({"submission_id": submission_id, "action": action, **data}, doseq=True)
    return client.post(url, body, content_type="application/x-www-form-urlencoded")


def _progress(html: str) -> dict:
    return json.loads(unescape(re.search(r'<script id="progress-data" type="application/json">(.*?)</script>',
                                         html).group(1)))


def _answers(survey_slug: str = "branching") -> dict:
    response = Response.objects.get(survey__slug=survey_slug)
    return stored_answers(compiled_version(response.version), response)


# --- URLs -------------------------------------------------------------------------------


def test_it_sends_the_survey_link_to_the_first_page(client, branching):
    response = client.get(URL)

    assert response.status_code == 302 and response["Location"] == f"{URL}p/1/"


def test_it_posts_each_page_to_its_own_url_and_redirects_to_the_next(client, branching):
    html = html_of(client.get(f"{URL}p/1/"))
    assert f'action="{URL}p/1/"' in html

    response = _post(client, f"{URL}p/1/", {"path": "two", "name": "Ada"})

    assert response.status_code == 302 and response["Location"] == f"{URL}p/2/"
    assert 'action="/s/branching/p/2/"' in html_of(client.get(response["Location"]))


def test_it_sends_the_survey_link_to_the_page_where_the_respondent_is(client, branching):
    _post(client, f"{URL}p/1/", {"path": "one", "name": "Ada"})

    assert client.get(URL)["Location"] == f"{URL}p/3/"


def test_it_redirects_a_page_the_answers_hide_to_the_next_shown_one(client, branching):
    _post(client, f"{URL}p/1/", {"path": "one", "name": "Ada"})

    assert client.get(f"{URL}p/2/")["Location"] == f"{URL}p/3/"


@pytest.mark.parametrize("page", [2, 3, 4, 0, 99999, 99999999999999999999])
def test_it_redirects_a_page_not_reached_yet_to_the_first(client, branching, page):
    assert client.get(f"{URL}p/{page}/")["Location"] == f"{URL}p/1/"


def test_it_redirects_a_posted_page_not_reached_yet_and_stores_nothing(client, branching):
    response = client.post(
        f"{URL}p/3/", {"submission_id": "7e0b6d8e-4b8f-4a39-9d5c-2f7c2b0d8a11", "done": "ok", "action": "next"}
    )

    assert response["Location"] == f"{URL}p/1/"
    assert not Response.objects.exists()


def test_it_keeps_a_page_after_an_unanswered_required_question_closed(client, branching):
    _post(client, f"{URL}p/1/", {"path": "one", "name": "Ada"})
    _post(client, f"{URL}p/3/", {"done": "ok"}, action="back")  # page 3 answered, back on page 1
    _post(client, f"{URL}p/1/", {"path": "one"}, action="save")  # the required name taken away

    assert client.get(f"{URL}p/3/")["Location"] == f"{URL}p/1/"


def test_it_goes_forward_again_to_a_page_left_with_back(client, demo_survey):
    post_page(client, PAGE1)
    post_page(client, PAGE2)
    back = post_page(client, PAGE3, action="back")
    assert back["Location"] == "/s/ddiq-2010/p/2/"

    forward = client.get("/s/ddiq-2010/p/3/")  # the browser's Forward button

    assert forward.status_code == 200 and "Nothing to add." in html_of(forward)
    assert "Page 3 of 3" in html_of(forward)


def test_it_shows_the_answers_saved_when_the_browser_goes_back(client, demo_survey):
    post_page(client, PAGE1)

    html = html_of(client.get("/s/ddiq-2010/p/1/"))  # the browser's Back button

    assert re.search(r'value="vp"[^>]*checked', html)
    assert "Page 1 of 3" in html


def test_it_serves_the_invitation_pages_at_their_own_urls(client, demo_survey):
    _, token = invite(demo_survey)
    link = f"/i/{token}/"
    assert client.get(link)["Location"] == f"{link}p/1/"

    response = post_page(client, PAGE1, url=f"{link}p/1/")

    assert response["Location"] == f"{link}p/2/"
    assert 'name="company_usage.linkedin"' in html_of(client.get(f"{link}p/2/"))
    assert client.get(f"{link}p/3/")["Location"] == f"{link}p/2/"


def test_it_serves_the_test_mode_pages_at_their_own_urls(client, manager, demo_survey):
    client.force_login(manager)
    preview = f"/s/ddiq-2010/preview/{demo_survey.open_version().pk}/"
    assert client.get(preview)["Location"] == f"{preview}p/1/"

    response = post_page(client, PAGE1, url=f"{preview}p/1/")

    assert response["Location"] == f"{preview}p/2/"
    assert Response.objects.get().is_test


def test_it_keeps_invitation_tokens_of_page_urls_out_of_the_logs(client, caplog, demo_survey):
    from datetime import timedelta as duration
    from types import SimpleNamespace

    from invitations.log_filters import RedactingGunicornLogger, RedactInvitationTokens

    _, token = invite(demo_survey)
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    with caplog.at_level("WARNING", logger="django.request"):
        client.get(f"/i/{wrong}/p/2/")
    record = next(r for r in caplog.records if r.name == "django.request")
    RedactInvitationTokens().filter(record)
    assert record.getMessage() == "Not Found: /i/[token]/p/2/"

    environ = {"REQUEST_METHOD": "POST", "RAW_URI": f"/i/{token}/p/2/", "PATH_INFO": f"/i/{token}/p/2/",
               "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_REFERER": f"https://surveys.example.org/i/{token}/p/1/"}
    logger = RedactingGunicornLogger.__new__(RedactingGunicornLogger)
    atoms = logger.atoms(SimpleNamespace(status="302 Found", headers=[], sent=0), SimpleNamespace(headers=[]),
                         environ, duration(seconds=1))
    assert atoms["r"] == "POST /i/[token]/p/2/ HTTP/1.1"
    assert all(token not in str(value) for value in atoms.values())


# --- Progress ---------------------------------------------------------------------------


def test_it_counts_a_page_that_may_still_be_shown_on_the_first_page(client, branching):
    html = html_of(client.get(f"{URL}p/1/"))

    assert "Page 1 of 3" in html and 'aria-valuemax="3"' in html
    assert ">Next</button>" in html and ">Submit</button>" not in html
    assert _progress(html) == {"before": 0, "later": [{"q": "path", "op": "=", "v": "two"}, True]}


def test_it_leaves_out_a_page_the_answers_hide(client, branching):
    _post(client, f"{URL}p/1/", {"path": "one", "name": "Ada"})

    html = html_of(client.get(f"{URL}p/3/"))

    assert "Page 2 of 2" in html and ">Submit</button>" in html
    assert _progress(html) == {"before": 1, "later": []}


def test_it_counts_the_pages_from_the_answers_already_given_on_the_page(client, branching):
    _post(client, f"{URL}p/1/", {"path": "one", "name": "Ada"})

    html = html_of(client.get(f"{URL}p/1/"))  # back on page 1: "one" already chosen

    assert "Page 1 of 2" in html


def test_it_says_submit_only_when_no_later_page_can_be_shown(client, demo_survey):
    post_page(client, PAGE1)

    assert ">Next</button>" in html_of(client.get("/s/ddiq-2010/p/2/"))
    post_page(client, PAGE2)
    assert ">Submit</button>" in html_of(client.get("/s/ddiq-2010/p/3/"))


def test_it_completes_when_the_answers_hide_every_later_page(client, branching):
    _post(client, f"{URL}p/1/", {"path": "one", "name": "Ada"})

    assert _post(client, f"{URL}p/3/", {"done": "ok"})["Location"] == f"{URL}thanks/"
    assert Response.objects.get().is_complete


# --- Save and continue later ----------------------------------------------------------


def test_it_saves_the_first_page_for_later_without_requiring_answers(client, branching):
    response = _post(client, f"{URL}p/1/", {"path": "two"}, action="save")

    assert response.status_code == 302 and response["Location"] == f"{URL}saved/"
    assert _answers() == {"path": "two"}
    stored = Response.objects.get()
    assert stored.current_page == 0 and not stored.is_complete
    token = response.cookies["resume-branching"].value
    html = html_of(client.get(response["Location"]))
    assert f"http://testserver/r/{token}/" in html
    assert f'data-copy-link="http://testserver/r/{token}/"' in html
    assert f'href="{URL}p/1/"' in html  # continue now


def test_it_saves_the_page_on_which_it_is_pressed(client, demo_survey):
    post_page(client, PAGE1)
    three_rows = {key: value for key, value in list(PAGE2.items())[:3]}

    response = post_page(client, three_rows, action="save")

    assert response["Location"] == "/s/ddiq-2010/saved/"
    assert len(_answers("ddiq-2010")["company_usage"]) == 3
    assert Response.objects.get().current_page == 1
    html = html_of(client.get("/s/ddiq-2010/", follow=True))
    assert "Page 2 of 3" in html
    for key, value in three_rows.items():
        assert re.search(rf'name="{re.escape(key)}" value="{value}"[^>]*checked', html)


def test_it_keeps_the_valid_answers_and_shows_the_invalid_one_again(client, branching):
    response = _post(client, f"{URL}p/1/", {"path": "two", "age": "5"}, action="save")

    assert response.status_code == 200
    html = html_of(response)
    assert "Your other answers are saved" in html and 'value="5"' in html
    assert _answers() == {"path": "two"}


def test_it_tells_an_invitee_that_their_personal_link_resumes(client, demo_survey):
    _, token = invite(demo_survey)

    response = post_page(client, {"role": "it"}, url=f"/i/{token}/p/1/", action="save")

    assert response["Location"] == f"/i/{token}/saved/"
    html = html_of(client.get(response["Location"]))
    assert "Open your personal link again" in html and f"http://testserver/i/{token}/" in html
    assert 'name="email"' not in html


def test_it_sends_the_saved_page_without_a_response_to_the_form(client, branching):
    assert client.get(f"{URL}saved/")["Location"] == URL


def test_it_offers_the_resume_email_form_only_where_it_is_served(branching):
    from django.urls import NoReverseMatch, reverse

    from responses.views.flow import Flow
    from responses.views.run import _resume_email_url

    public = Flow(survey=branching.survey)
    try:
        expected = reverse("responses:resume_email", args=["branching"])
    except NoReverseMatch:
        expected = ""
    assert _resume_email_url(public) == expected
    assert _resume_email_url(Flow(survey=branching.survey, preview_version=branching)) == ""


# --- Welcome back ---------------------------------------------------------------------


def test_it_welcomes_back_once_through_the_resume_link(client, demo_survey):
    post_page(client, PAGE1)
    token = post_page(client, {}, action="save").cookies.get("resume-ddiq-2010") or client.cookies["resume-ddiq-2010"]
    elsewhere = Client()

    page = elsewhere.get(f"/s/ddiq-2010/resume/{token.value}/", follow=True)

    assert page.redirect_chain[-1][0] == "/s/ddiq-2010/p/2/"
    assert "Welcome back — you were on page 2." in html_of(page)
    assert "Welcome back" not in html_of(elsewhere.get("/s/ddiq-2010/p/2/"))


def test_it_welcomes_back_through_the_survey_link_and_the_cookie(client, demo_survey):
    post_page(client, PAGE1)

    assert "Welcome back — you were on page 2." in html_of(client.get(FORM, follow=True))


def test_it_does_not_welcome_a_new_respondent(client, demo_survey):
    assert "Welcome back" not in html_of(client.get(FORM, follow=True))


@pytest.mark.parametrize("action", ["next", "save", "back", "?"])
def test_it_refuses_a_post_to_page_0_whatever_the_action(client, branching, action):
    response = client.post(f"{URL}p/0/", {"submission_id": "7e0b6d8e-4b8f-4a39-9d5c-2f7c2b0d8a11", "action": action,
                                          "name": "Ada"})

    assert response.status_code == 302 and response["Location"] == f"{URL}p/1/"
    assert not Response.objects.exists()


def test_it_completes_once_when_the_last_page_is_posted_twice_to_its_url(client, branching):
    _post(client, f"{URL}p/1/", {"path": "one", "name": "Ada"})
    html = html_of(client.get(f"{URL}p/3/"))
    submission_id = re.search(r'name="submission_id" value="([^"]*)"', html).group(1)
    data = {"submission_id": submission_id, "action": "next", "done": "ok"}

    first, second = client.post(f"{URL}p/3/", data), client.post(f"{URL}p/3/", data)

    assert first["Location"] == second["Location"] == f"{URL}thanks/"
    assert Response.objects.get().is_complete


def test_it_sends_the_survey_link_to_the_first_page_missing_a_required_answer(client, branching):
    _post(client, f"{URL}p/1/", {"path": "one", "name": "Ada"})  # on page 3 now
    response = Response.objects.get()
    Response.objects.filter(pk=response.pk).update(current_page=2)
    Answer.objects.filter(response=response, question__code="name").delete()  # as if changed elsewhere

    assert client.get(URL)["Location"] == f"{URL}p/1/"
