"""The short resume link /r/<token>/: a 22-character token of 132 bits, found across
surveys, that sets the survey's resume cookie and goes on to the form; links issued
before (32-character tokens, the /s/<slug>/resume/<token>/ form) keep working; lookups
share the resume throttle of the long link and the cookie."""

import secrets
import string
from collections import Counter

import pytest
from django.test import Client, RequestFactory

from core.tokens import hash_token
from responses.models import Response
from responses.resume import resume_link
from responses.services import new_resume_token
from responses.views import flow
from responses.views.flow import Flow
from tests.kit.form import FORM, PAGE1, PAGE2, form_state, html_of, post_page
from tests.kit.invitations import invite

pytestmark = pytest.mark.django_db

COOKIE = "resume-ddiq-2010"
BASE64URL = set(string.ascii_letters + string.digits + "-_")
LIMIT = flow.RESUME_FAILURE_LIMIT


@pytest.fixture
def respondent(demo_survey) -> Client:
    """A respondent on page 2, with their resume cookie."""
    client = Client(REMOTE_ADDR="192.0.2.99")
    post_page(client, PAGE1)
    return client


def test_it_issues_22_character_base64url_tokens(respondent):
    token = respondent.cookies[COOKIE].value

    assert len(token) == 22 and set(token) <= BASE64URL
    assert Response.objects.get().resume_token_hash == hash_token(token)


def test_it_draws_every_character_of_a_token_uniformly_for_132_bits():
    tokens = [new_resume_token()[0] for _ in range(2000)]
    counts = Counter("".join(tokens))

    assert len(set(tokens)) == 2000
    assert set(counts) == BASE64URL  # 64 symbols: 6 bits per character, 22 × 6 = 132 bits
    expected = 2000 * 22 / 64
    chi_square = sum((counts[c] - expected) ** 2 / expected for c in BASE64URL)
    assert chi_square < 120  # 63 degrees of freedom: a uniform draw exceeds it with p < 0.00003


def test_it_resumes_through_the_short_link_in_another_browser(respondent):
    token = respondent.cookies[COOKIE].value
    other = Client()

    opened = other.get(f"/r/{token}/")

    assert opened.status_code == 302 and opened["Location"] == FORM
    assert other.cookies[COOKIE].value == token
    assert form_state(other)[1] == "1"  # on page 2, where they left


def test_it_keeps_the_long_link_of_a_new_token_working(respondent):
    token = respondent.cookies[COOKIE].value

    assert Client().get(f"/s/ddiq-2010/resume/{token}/").status_code == 302


@pytest.mark.parametrize("route", ["/s/ddiq-2010/resume/{}/", "/r/{}/"])
def test_it_keeps_tokens_issued_before_working(respondent, route):
    old = secrets.token_urlsafe(24)  # as issued before: 32 characters
    Response.objects.update(resume_token_hash=hash_token(old))
    other = Client()

    assert other.get(route.format(old)).status_code == 302
    assert other.cookies[COOKIE].value == old
    assert form_state(other)[1] == "1"


def test_it_answers_404_to_an_unknown_short_link_without_naming_a_survey(demo_survey):
    unknown = Client().get(f"/r/{new_resume_token()[0]}/")

    assert unknown.status_code == 404
    assert "This resume link does not work" in html_of(unknown)
    assert "ddiq" not in html_of(unknown).lower()


def test_it_never_finds_an_invitees_response_through_the_short_link(demo_survey):
    invitation, personal = invite(demo_survey)
    invitee = Client()
    post_page(invitee, PAGE1, url=f"/i/{personal}/")
    token, hashed = new_resume_token()
    Response.objects.filter(invitation=invitation).update(resume_token_hash=hashed)

    assert Client().get(f"/r/{token}/").status_code == 404


def test_it_never_finds_a_test_response_through_the_short_link(respondent):
    token = respondent.cookies[COOKIE].value
    Response.objects.update(is_test=True)

    assert Client().get(f"/r/{token}/").status_code == 404


def test_it_refuses_every_short_link_after_ten_failures_from_a_client(respondent):
    guesser = Client(REMOTE_ADDR="10.1.1.1")
    token = respondent.cookies[COOKIE].value

    statuses = [guesser.get(f"/r/{new_resume_token()[0]}/").status_code for _ in range(LIMIT)]
    refused = guesser.get(f"/r/{token}/")

    assert statuses == [404] * LIMIT
    assert refused.status_code == 429 and refused["Retry-After"] == str(flow.RESUME_FAILURE_WINDOW)
    assert "Please wait 10 minutes" in html_of(refused)
    assert Client(REMOTE_ADDR="10.2.2.2").get(f"/r/{token}/").status_code == 302  # another client


def test_it_counts_short_and_long_link_failures_together(respondent):
    guesser = Client(REMOTE_ADDR="10.1.1.1")
    token = respondent.cookies[COOKIE].value
    half = LIMIT // 2
    for _ in range(half):
        guesser.get(f"/r/{new_resume_token()[0]}/")
    for _ in range(LIMIT - half):
        guesser.get(f"/s/ddiq-2010/resume/{new_resume_token()[0]}/")

    assert guesser.get(f"/r/{token}/").status_code == 429
    assert guesser.get(f"/s/ddiq-2010/resume/{token}/").status_code == 429


def test_it_counts_malformed_short_links_as_failures(demo_survey):
    guesser = Client(REMOTE_ADDR="10.1.1.1")

    statuses = [guesser.get("/r/short/").status_code for _ in range(LIMIT + 1)]

    assert statuses == [404] * LIMIT + [429]


def test_it_builds_the_short_absolute_link(demo_survey, settings):
    request = RequestFactory().get("/", HTTP_HOST="testserver")

    assert resume_link(request, demo_survey, "A" * 22) == f"http://testserver/r/{'A' * 22}/"
    assert resume_link(request, Flow(survey=demo_survey), "B" * 22) == f"http://testserver/r/{'B' * 22}/"
    settings.SITE_URL = "https://surveys.example.org"
    assert resume_link(request, demo_survey, "A" * 22) == f"https://surveys.example.org/r/{'A' * 22}/"


def test_it_gives_an_invitee_their_personal_link_and_test_mode_its_own(demo_survey):
    request = RequestFactory().get("/", HTTP_HOST="testserver")
    invitation, personal = invite(demo_survey)
    version = demo_survey.open_version()

    invited = Flow(survey=demo_survey, invitation=invitation, invitation_token=personal)
    preview = Flow(survey=demo_survey, preview_version=version)

    assert resume_link(request, invited, "A" * 22) == f"http://testserver/i/{personal}/"
    assert resume_link(request, preview, "A" * 22) == (
        f"http://testserver/s/ddiq-2010/preview/{version.pk}/resume/{'A' * 22}/"
    )


def test_the_short_link_resumes_where_the_respondent_left(respondent):
    post_page(respondent, PAGE2)
    token = respondent.cookies[COOKIE].value
    other = Client()

    other.get(f"/r/{token}/")

    assert form_state(other)[1] == "2"


def test_the_short_link_costs_two_indexed_lookups(respondent, django_assert_num_queries):
    token = respondent.cookies[COOKIE].value

    with django_assert_num_queries(2):  # the short link's, then the survey's resume
        assert Client().get(f"/r/{token}/").status_code == 302
