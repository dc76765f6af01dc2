"""The respondent's path in SQL statements (pinned: each is ~1 ms of a page's time, and the
path is what every respondent takes), and the insert-first save of a first page holding
under concurrent copies of it."""

import http.cookiejar
import re
import threading
import urllib.request
from urllib.parse import urlencode

import pytest

from responses.models import Answer, Response
from tests.kit.form import FORM, PAGE1, PAGE2, PAGE3, form_state, only_response, post_page

# In a test's transaction each atomic block adds a SAVEPOINT and its RELEASE (two
# statements that are a BEGIN and a COMMIT, not counted, in production).
STATEMENTS = {
    "the survey's link": 1,  # the survey and its open version
    "GET page 1": 1,
    "POST page 1": 8,  # + the submission id's lookup; INSERT response, 2 status counters, INSERT answers
    "GET page 2": 3,  # + the response of the cookie, its answers
    "POST page 2": 8,  # + UPDATE response (the lock), the page's answers replaced (DELETE in the INSERT's WITH),
    # the page move (one statement: the survey's counter lock and the partial counts of both pages)
    "GET page 3": 3,
    "POST page 3": 11,  # + complete: UPDATE, 2 counters, answers replaced (one statement), the uncounted marker,
    # its number
    "thank-you page": 1,
}


def test_it_answers_the_whole_form_in_pinned_statements(client, demo_survey, django_assert_num_queries,
                                                        counting_requests):
    client.get(FORM, follow=True)  # the compiled version, as a worker has it after its first request
    client.cookies.clear()
    with django_assert_num_queries(STATEMENTS["the survey's link"]):
        page = client.get(FORM)
    with django_assert_num_queries(STATEMENTS["GET page 1"]):
        html = client.get(page["Location"]).content.decode()
    submission_id = re.search(r'name="submission_id" value="([^"]*)"', html).group(1)
    for number, answers in enumerate((PAGE1, PAGE2, PAGE3), start=1):
        with django_assert_num_queries(STATEMENTS[f"POST page {number}"]):
            posted = post_page(client, answers, url=f"{FORM}p/{number}/", state=(submission_id, str(number - 1)))
        assert posted.status_code == 302
        label = f"GET page {number + 1}" if number < 3 else "thank-you page"
        with django_assert_num_queries(STATEMENTS[label]):
            shown = client.get(posted["Location"])
        assert shown.status_code == 200
    assert "Thank you" in shown.content.decode()
    response = Response.objects.get()
    assert response.is_complete and response.submission_id.hex == submission_id.replace("-", "")


def test_a_first_page_saved_twice_in_a_row_keeps_one_response(client, demo_survey):
    state = form_state(client)
    assert post_page(client, PAGE1, state=state).status_code == 302
    client.cookies.clear()  # the browser dropped the first answer (a double click)
    assert post_page(client, {**PAGE1, "role": "business"}, state=state).status_code == 302
    response = Response.objects.get()
    assert response.current_page == 1
    assert Answer.objects.filter(response=response).count() == len(PAGE1)


def _answer_values(question: str) -> list:
    return sorted(Answer.objects.filter(response=only_response(), question__code=question)
                  .values_list("choice__code", "row__code"))


def test_a_page_saved_again_and_the_submission_replace_the_answers_they_carry(client, demo_survey):
    # The DELETE of a page's earlier answers rides in the INSERT of its new ones: the old
    # rows go, the new ones stay, and the other pages' rows are not touched.
    assert post_page(client, PAGE1).status_code == 302
    assert post_page(client, PAGE2).status_code == 302
    assert post_page(client, {}, action="back").status_code == 302  # from page 3 to page 2
    changed = {**PAGE2, "company_usage.twitter": "some"}
    assert post_page(client, changed).status_code == 302
    assert ("some", "twitter") in _answer_values("company_usage")
    assert ("none", "twitter") not in _answer_values("company_usage")
    assert len(_answer_values("company_usage")) == len(PAGE2)
    assert _answer_values("industry") == [("technology", None)]

    assert post_page(client, PAGE3).status_code == 302
    assert only_response().is_complete
    assert len(_answer_values("company_usage")) == len(PAGE2)
    assert _answer_values("barriers") == [("roi", None), ("security", None)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_copies_of_a_first_page_posted_at_once_make_one_response(demo_survey, live_server):
    # One browser (one cookie jar, one CSRF cookie and token) posting its first page eight
    # times at the same moment, against a threaded server and PostgreSQL.
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(live_server.url + FORM, timeout=30) as first:
        html = first.read().decode()
        page_url = first.url
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]*)"', html).group(1)
    submission_id = re.search(r'name="submission_id" value="([^"]*)"', html).group(1)
    body = urlencode({"csrfmiddlewaretoken": token, "submission_id": submission_id, "page": "0", "action": "next",
                      **PAGE1}).encode()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    barrier = threading.Barrier(8)
    statuses: list = []

    def post() -> None:
        request = urllib.request.Request(page_url, data=body, method="POST", headers={
            "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        barrier.wait(timeout=30)
        no_redirects = urllib.request.build_opener(_NoRedirect)
        try:
            with no_redirects.open(request, timeout=60) as answer:
                statuses.append(answer.status)
        except urllib.error.HTTPError as exc:
            statuses.append(exc.code)

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)

    assert statuses == [302] * 8
    response = Response.objects.get()
    assert str(response.submission_id) == submission_id and response.current_page == 1
    assert Answer.objects.filter(response=response).count() == len(PAGE1)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
