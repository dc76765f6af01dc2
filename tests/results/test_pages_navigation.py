"""What a results viewer reads to find their way: labels rather than codes on the compare
page, one results menu on every results page (exports and methods included), a way back
from the methods page, and times with their time zone."""

import re

import pytest

from tests.kit.data import bulk_responses, submit_and_count
from tests.kit.demo import CHANNELS, leader_answers

pytestmark = pytest.mark.django_db

MENU = ["Overview", "Questions", "Compare", "Crosstab", "Exports", "Methods"]


def _menu(html: str) -> list[str]:
    nav = re.search(r'<ul class="nav results-nav">(.*?)</ul>', html, re.S)
    assert nav, "no results menu"
    return re.findall(r'<a class="nav-link" href="[^"]*"[^>]*>([^<]+)</a>', nav.group(1))


def test_the_compare_page_names_each_matrix_row(results, demo_survey):
    bulk_responses(demo_survey, [leader_answers(role="it")] * 3)
    html = results.get("/results/ddiq-2010/compare/").content.decode()
    labels = {"twitter": "Twitter", "linkedin": "LinkedIn", "wikis": "Wikis"}
    for code in ("twitter", "linkedin", "wikis"):
        assert code in CHANNELS
        # The row's label follows the (shortened) question, so that rows can be told apart.
        assert re.search(rf"</a>: {labels[code]}</th>", html), code


@pytest.mark.parametrize("path", [
    "/results/ddiq-2010/", "/results/ddiq-2010/questions/", "/results/ddiq-2010/questions/role/",
    "/results/ddiq-2010/compare/", "/results/ddiq-2010/crosstab/", "/results/ddiq-2010/exports/",
    "/results/methods/?survey=ddiq-2010",
])
def test_every_results_page_has_the_same_menu(results, demo_survey, path):
    response = results.get(path)
    assert response.status_code == 200
    assert _menu(response.content.decode()) == MENU


def test_the_methods_page_leads_back_to_the_survey_and_alone_has_no_menu(results, demo_survey):
    html = results.get("/results/methods/?survey=ddiq-2010").content.decode()
    assert '<a href="/results/ddiq-2010/">Back to the results of Digital IQ 2010 — social media</a>' in html
    assert 'aria-current="page">Methods</a>' in html
    assert "results-nav" not in results.get("/results/methods/").content.decode()


def test_the_methods_page_does_not_reveal_a_survey_the_user_may_not_see(results, demo_survey):
    assert results.get("/results/methods/?survey=no-such-survey").status_code == 404


def test_times_carry_their_time_zone(results, demo_survey, settings):
    submit_and_count(demo_survey, leader_answers(role="it"))
    html = results.get("/results/ddiq-2010/").content.decode()
    zone = "UTC" if settings.TIME_ZONE == "UTC" else r"[A-Z]{2,5}"
    assert re.search(rf"Last counted: \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d {zone}", html)
    assert re.search(rf"the last at \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d {zone}", html)
