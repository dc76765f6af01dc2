"""A page saved is answered with the page to show next when the browser runs page-url.js
(it posts `in_place=1` and then shows the page's own URL): one request instead of a
redirect and a GET, with the same page, cookies and stored answers as the redirect's GET.
Without the field, the answer stays the redirect (post, redirect, get)."""

import re
from urllib.parse import urlencode

from responses.models import Answer, Response
from responses.quality import STAMP_FIELD
from responses.views.run import IN_PLACE_FIELD
from tests.kit.form import FORM, PAGE1, PAGE2, PAGE3, form_state, html_of, only_response

# The posts of the redirect's path (tests/responses/test_form_queries.py), and not one
# statement more: the next page is rendered from what the post has in hand, and the GETs
# after the redirects (3 statements for each page, 1 for the thank-you page) are gone.
STATEMENTS = {"POST page 1": 8, "POST page 2": 8, "POST page 3": 11}


def _post(client, data: dict, url: str, state: tuple[str, str], *, action: str = "next", in_place: bool = True):
    fields = {"submission_id": state[0], "page": state[1], "action": action, **data}
    if in_place:
        fields[IN_PLACE_FIELD] = "1"
    return client.post(url, urlencode(fields, doseq=True), content_type="application/x-www-form-urlencoded")


def _page_url(html: str) -> str:
    return re.search(r'<meta name="page-url" content="([^"]*)">', html).group(1)


def _state(html: str) -> tuple[str, str]:
    return (re.search(r'name="submission_id" value="([^"]*)"', html).group(1),
            re.search(r'name="page" value="(\d+)"', html).group(1))


def _without_tokens(html: str) -> str:
    """A page without what differs between two renderings of it (CSRF token, the time stamp)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(rf'name="{STAMP_FIELD}" value="[^"]*"', "", html)


def test_each_page_comes_as_the_answer_to_the_post_before_it(client, demo_survey, django_assert_num_queries,
                                                            counting_requests):
    client.get(FORM, follow=True)  # the compiled version, as a worker has it after its first request
    client.cookies.clear()
    html = html_of(client.get(FORM, follow=True))
    assert _page_url(html) == f"{FORM}p/1/"
    state = _state(html)
    for number, answers in enumerate((PAGE1, PAGE2, PAGE3), start=1):
        with django_assert_num_queries(STATEMENTS[f"POST page {number}"]):
            shown = _post(client, answers, f"{FORM}p/{number}/", state)
        assert shown.status_code == 200
        html = html_of(shown)
        if number < 3:
            # The next page, at its own URL for the address bar, and its form posts there.
            assert _page_url(html) == f"{FORM}p/{number + 1}/"
            assert f'action="{FORM}p/{number + 1}/"' in html
            assert 'id="error-summary"' not in html
            assert _state(html) == (state[0], str(number))  # the same submission, the next page
            state = _state(html)
        if number == 1:
            assert f"resume-{demo_survey.slug}" in shown.cookies  # the new response's cookie, as with the redirect
    assert _page_url(html) == f"{FORM}thanks/"
    assert "Survey complete" in html
    response = only_response()
    assert response.is_complete and str(response.submission_id) == state[0]
    pages = (PAGE1, PAGE2, PAGE3)
    rows = sum(len(value) if isinstance(value, list) else 1 for page in pages for value in page.values())
    assert Answer.objects.filter(response=response).count() == rows


def test_the_page_in_place_is_the_page_the_redirect_would_show(client, demo_survey):
    state = form_state(client)
    posted = _post(client, PAGE1, f"{FORM}p/1/", state, in_place=False)
    assert posted.status_code == 302 and posted["Location"] == f"{FORM}p/2/"
    redirected = html_of(client.get(posted["Location"]))
    # Back to page 1 and on again, in place this time: the same page 2, answers kept.
    back = _post(client, {}, f"{FORM}p/2/", _state(redirected), action="back")
    assert back.status_code == 200 and _page_url(html_of(back)) == f"{FORM}p/1/"
    assert _without_tokens(html_of(back)) == _without_tokens(html_of(client.get(f"{FORM}p/1/")))
    assert html_of(back).count("checked") == len(PAGE1) - 1  # the answers (the revenue is a select)
    in_place = _post(client, PAGE1, f"{FORM}p/1/", _state(html_of(back)))
    assert in_place.status_code == 200
    assert _without_tokens(html_of(in_place)) == _without_tokens(redirected)


def test_a_page_with_errors_is_shown_again_in_place_either_way(client, demo_survey):
    state = form_state(client)
    shown = [_post(client, {}, f"{FORM}p/1/", state, in_place=in_place) for in_place in (True, False)]
    assert [answer.status_code for answer in shown] == [200, 200]
    html = [html_of(answer) for answer in shown]
    assert 'id="error-summary"' in html[0] and _page_url(html[0]) == f"{FORM}p/1/"
    assert _without_tokens(html[0]) == _without_tokens(html[1])
    assert not Response.objects.exists()


def test_a_page_the_answers_do_not_reach_redirects_rather_than_shown(client, demo_survey):
    # Only the destination the server chose is ever rendered in place; a forged page in the
    # URL still goes where the respondent may be.
    state = form_state(client)
    forged = _post(client, PAGE1, f"{FORM}p/3/", state)
    assert forged.status_code == 302 and forged["Location"] == f"{FORM}p/1/"
    assert not Response.objects.exists()


def test_save_for_later_still_redirects_to_the_resume_page(client, demo_survey):
    state = form_state(client)
    saved = _post(client, PAGE1, f"{FORM}p/1/", state, action="save")
    assert saved.status_code == 302 and saved["Location"] == f"{FORM}saved/"
    assert only_response().current_page == 0
