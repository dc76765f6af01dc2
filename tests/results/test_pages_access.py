"""Who may see the results pages, their exports and the version endpoint: anonymous users
go to the login page, users without the results permission get 403, a survey that is not
shared with the user (or does not exist) is 404."""

import pytest

pytestmark = pytest.mark.django_db
PAGES = [
    "/results/ddiq-2010/",
    "/results/ddiq-2010/?format=csv",
    "/results/ddiq-2010/?format=xlsx",
    "/results/ddiq-2010/questions/",
    "/results/ddiq-2010/questions/?format=csv",
    "/results/ddiq-2010/questions/?format=xlsx",
    "/results/ddiq-2010/questions/personal_use/",
    "/results/ddiq-2010/questions/personal_use/?format=csv",
    "/results/ddiq-2010/questions/comments/?format=xlsx",
    "/results/ddiq-2010/compare/",
    "/results/ddiq-2010/compare/?format=csv",
    "/results/ddiq-2010/crosstab/?row=personal_use.twitter&col=company_usage.twitter",
    "/results/ddiq-2010/crosstab/?row=personal_use.twitter&col=company_usage.twitter&format=xlsx",
    "/results/ddiq-2010/version/",
]


@pytest.mark.parametrize("url", PAGES + ["/results/methods/"])
def test_it_sends_anonymous_users_to_the_login_page(client, demo_survey, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("url", PAGES + ["/results/methods/"])
def test_it_answers_403_without_the_results_permission(client, outsider, demo_survey, url):
    demo_survey.viewers.add(outsider)
    client.force_login(outsider)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_it_answers_404_for_a_survey_not_shared_with_the_user(client, viewer, demo_survey, url):
    client.force_login(viewer)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", PAGES)
def test_it_answers_404_for_an_unknown_survey(client, viewer, demo_survey, url):
    demo_survey.viewers.add(viewer)
    client.force_login(viewer)
    assert client.get(url.replace("ddiq-2010", "nope")).status_code == 404


@pytest.mark.parametrize("url", PAGES + ["/results/methods/"])
def test_it_shows_the_pages_to_a_user_the_survey_is_shared_with(client, viewer, demo_survey, url):
    demo_survey.viewers.add(viewer)
    client.force_login(viewer)
    assert client.get(url).status_code == 200


def test_it_shows_the_pages_through_a_group_the_survey_is_shared_with(client, viewer, demo_survey):
    demo_survey.viewer_groups.add(viewer.groups.get())
    client.force_login(viewer)
    assert client.get("/results/ddiq-2010/").status_code == 200


def test_it_explains_the_methods(client, viewer, db):
    client.force_login(viewer)
    html = client.get("/results/methods/").content.decode()
    for phrase in ("Wilson score interval", "not a simple random sample", "Cramér", "Fisher", "McNemar",
                   "half up", "Weekly or more", "n&lt;5", "type 7"):
        assert phrase in html, phrase


def test_it_lets_a_results_viewer_who_is_not_staff_sign_in(client, viewer, demo_survey):
    demo_survey.viewers.add(viewer)
    response = client.post("/accounts/login/", {"username": "bob", "password": "pw-bob", "next": "/results/ddiq-2010/"})
    assert response.status_code == 302 and response["Location"] == "/results/ddiq-2010/"
    assert client.get("/results/ddiq-2010/").status_code == 200
