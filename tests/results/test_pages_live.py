"""The version endpoint that open pages poll, and the htmx wiring of the pages."""

import json
import re
from urllib.parse import quote

import pytest

from tests.kit.data import submit_and_count
from tests.kit.demo import leader_answers

pytestmark = pytest.mark.django_db
VERSION = "/results/ddiq-2010/version/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def _stamp(client) -> str:
    return client.get(VERSION).json()["stamp"]


def test_it_answers_the_counter_as_json(results, demo_survey):
    submit_and_count(demo_survey, leader_answers(role="it"))
    body = results.get(VERSION).json()
    assert body["responses_counted"] == 1
    assert body["last_counted_at"] is not None
    assert body["stamp"].startswith("1@")


def test_it_answers_204_to_a_poll_while_nothing_changed(results, demo_survey):
    submit_and_count(demo_survey, leader_answers(role="it"))
    response = results.get(VERSION, {"since": _stamp(results)}, **HTMX)
    assert response.status_code == 204
    assert "HX-Trigger" not in response.headers


def test_it_triggers_a_refresh_when_a_response_was_counted(results, demo_survey):
    stamp = _stamp(results)
    submit_and_count(demo_survey, leader_answers(role="it"))
    response = results.get(VERSION, {"since": stamp}, **HTMX)
    assert response.status_code == 200
    assert json.loads(response.headers["HX-Trigger"]) == {"results-changed": {}}
    html = response.content.decode()
    assert f"since={quote(_stamp(results), safe='')}" in html
    assert "1 response counted" in html


def test_it_is_never_cached(results, demo_survey):
    assert "no-cache" in results.get(VERSION)["Cache-Control"]


@pytest.mark.parametrize("url", ["/results/ddiq-2010/", "/results/ddiq-2010/questions/",
                                 "/results/ddiq-2010/questions/personal_use/"])
def test_it_polls_every_3_seconds_while_the_tab_is_visible(results, demo_survey, url):
    html = results.get(url).content.decode()
    poll = re.search(r'<span id="live-poll"[^>]*>', html).group(0)
    assert 'hx-get="/results/ddiq-2010/version/?since=' in poll
    # Not an hx-trigger filter: htmx evals those, which the Content-Security-Policy forbids.
    # js/results.js skips the poll while the tab is hidden (tests/browser/test_csp.py).
    assert 'hx-trigger="every 3s"' in poll
    numbers = re.search(r'<div id="numbers"[^>]*>', html).group(0)
    assert 'hx-trigger="results-changed from:body"' in numbers and 'hx-select="#numbers"' in numbers
    assert '<script src="/static/vendor/htmx/htmx.min.js"></script>' in html
    assert '<script src="/static/js/results.js"></script>' in html


def test_it_serves_htmx_locally(results, demo_survey):
    response = results.get("/results/ddiq-2010/")
    html = response.content.decode()
    assert response.status_code == 200 and "/static/vendor/htmx/htmx.min.js" in html
    assert "unpkg" not in html and "cdn" not in html.lower()
