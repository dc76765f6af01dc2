"""Who gets the form: surveys that take no responses, the rate limit, and the staff
preview in test mode with its test responses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from responses.models import Response, UncountedResponse
from surveys.models import SurveyVersion
from surveys.services import version_close, version_duplicate
from tests.kit.form import FORM, PAGE1, complete, html_of, post_page

# --- Surveys that take no responses --------------------------------------------------------


def test_it_answers_an_unknown_slug_with_404(client, db):
    assert client.get("/s/no-such-survey/").status_code == 404


def test_it_answers_a_closed_survey_with_410(client, demo_survey):
    version_close(version=demo_survey.open_version())

    response = client.get(FORM, follow=True)

    assert response.status_code == 410
    assert "This survey is closed" in html_of(response) and "<form" not in html_of(response)


def test_it_answers_a_survey_that_is_not_open_yet_with_403(client, demo_survey):
    demo_survey.opens_at = timezone.now() + timedelta(days=2)
    demo_survey.save()

    response = client.get(FORM, follow=True)

    assert response.status_code == 403
    assert "This survey is not open yet" in html_of(response) and "<form" not in html_of(response)


def test_it_answers_a_survey_past_its_close_date_with_410(client, demo_survey):
    demo_survey.closes_at = timezone.now() - timedelta(minutes=1)
    demo_survey.save()

    response = client.get(FORM, follow=True)

    assert response.status_code == 410
    assert "This survey has closed" in html_of(response) and "<form" not in html_of(response)


def test_it_answers_a_survey_at_its_response_cap_with_410(client, demo_survey):
    complete(Client())
    demo_survey.response_cap = 1
    demo_survey.save()

    response = client.get(FORM, follow=True)

    assert response.status_code == 410
    assert "This survey has all the responses it needs" in html_of(response)


def test_it_counts_neither_partial_nor_test_responses_towards_the_cap(client, demo_survey):
    post_page(Client(), PAGE1)
    Response.objects.update(is_test=True)
    post_page(Client(), PAGE1)
    demo_survey.response_cap = 1
    demo_survey.save()

    assert client.get(FORM, follow=True).status_code == 200


def test_it_refuses_a_post_to_a_closed_survey_and_keeps_nothing(client, demo_survey):
    state = ("6c1f6c47-3ab5-4b7d-8df1-2a4f0d2a7d10", "0")
    version_close(version=demo_survey.open_version())

    assert post_page(client, PAGE1, state=state).status_code == 410
    assert not Response.objects.exists()


def test_it_answers_429_when_the_rate_limit_is_reached_and_keeps_nothing(client, demo_survey, settings):
    # The view's behaviour, on a private in-memory cache (the limiter itself is tested
    # against the configured cache in the API tests).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl"}}
    settings.SUBMIT_RATE_LIMIT = (1, 3600)
    cache.clear()
    state = ("6c1f6c47-3ab5-4b7d-8df1-2a4f0d2a7d10", "0")
    post_page(Client(), {"role": ""}, state=state)

    response = post_page(client, PAGE1, state=state)

    assert response.status_code == 429
    assert "Too many submissions" in html_of(response)
    assert not Response.objects.exists()


# --- Preview and test mode -------------------------------------------------------------------


@pytest.fixture
def preview_url(demo_survey) -> str:
    return f"/s/ddiq-2010/preview/{demo_survey.open_version().pk}/"


def test_it_sends_an_anonymous_visitor_of_the_test_mode_to_the_login(client, preview_url):
    response = client.get(preview_url)

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_refuses_the_test_mode_to_staff_without_permission(client, outsider, preview_url):
    client.force_login(outsider)

    assert client.get(preview_url, follow=True).status_code == 403


def test_it_runs_the_form_in_test_mode_for_a_manager(client, manager, preview_url):
    client.force_login(manager)

    html = html_of(client.get(preview_url, follow=True))

    assert "Test mode" in html and 'name="role"' in html
    assert f'action="{preview_url}p/1/"' in html


def test_it_answers_an_unknown_version_of_the_survey_with_404(client, manager, demo_survey):
    client.force_login(manager)

    assert client.get("/s/ddiq-2010/preview/999999/").status_code == 404


def test_it_stores_test_mode_responses_as_uncounted_tests(client, manager, preview_url):
    client.force_login(manager)

    response = complete(client, url=preview_url)

    assert response["Location"] == f"{preview_url}thanks/"
    stored = Response.objects.get()
    assert stored.is_test and stored.is_complete
    assert not UncountedResponse.objects.exists()
    assert "Test mode" in html_of(client.get(response["Location"]))


def test_it_keeps_the_test_response_apart_from_the_public_one(client, manager, preview_url):
    client.force_login(manager)
    post_page(client, PAGE1, url=preview_url)

    assert "Page 1 of 3" in html_of(client.get(FORM, follow=True))
    assert "Page 2 of 3" in html_of(client.get(preview_url, follow=True))
    assert f"preview-ddiq-2010-{preview_url.split('/')[-2]}" in client.cookies
    assert "resume-ddiq-2010" not in client.cookies


def test_it_tries_a_draft_version_in_test_mode(client, manager, demo_survey):
    draft = version_duplicate(version=demo_survey.open_version())
    client.force_login(manager)
    url = f"/s/ddiq-2010/preview/{draft.pk}/"

    complete(client, url=url)

    stored = Response.objects.get()
    assert stored.version == draft and stored.is_test and draft.status == SurveyVersion.Status.DRAFT


def test_it_offers_a_new_test_response_after_one_is_complete(client, manager, preview_url):
    client.force_login(manager)
    complete(client, url=preview_url)
    assert "You have already completed this survey" in html_of(client.get(preview_url, follow=True))

    client.post(f"{preview_url}restart/")

    assert "Page 1 of 3" in html_of(client.get(preview_url, follow=True))


def test_it_deletes_all_test_responses_of_the_survey(client, manager, preview_url):
    client.force_login(manager)
    complete(client, url=preview_url)
    client.post(f"{preview_url}restart/")
    post_page(client, PAGE1, url=preview_url)
    real = Client()
    complete(real)

    response = client.post(f"{preview_url}delete-test-responses/", follow=True)

    assert "Deleted 2 test responses." in html_of(response)
    assert list(Response.objects.values_list("is_test", flat=True)) == [False]


def test_it_links_the_deletion_from_the_test_mode_banner(client, manager, preview_url):
    client.force_login(manager)
    post_page(client, PAGE1, url=preview_url)

    html = html_of(client.get(preview_url, follow=True))

    assert f'<form method="post" action="{preview_url}delete-test-responses/"' in html
    assert "Delete 1 test response</button>" in html


def test_it_deletes_test_responses_only_on_post(client, manager, preview_url):
    client.force_login(manager)

    assert client.get(f"{preview_url}delete-test-responses/").status_code == 405


def test_it_refuses_the_deletion_of_test_responses_without_permission(client, outsider, manager, preview_url):
    client.force_login(manager)
    post_page(client, PAGE1, url=preview_url)
    client.force_login(outsider)

    assert client.post(f"{preview_url}delete-test-responses/").status_code == 403
    assert Response.objects.count() == 1


def test_it_links_the_test_mode_from_the_version_admin(client, manager, demo_survey):
    version = demo_survey.open_version()
    client.force_login(manager)

    html = html_of(client.get(f"/admin/surveys/surveyversion/{version.pk}/change/"))

    assert f'<a href="/preview/{version.pk}/">Preview</a>' in html
    assert f'<a href="/s/ddiq-2010/preview/{version.pk}/">Try it (test mode)</a>' in html
