"""The respondent's form of the demo survey, page by page, as a browser posts it
(urlencoded), with valid answers for each of its three pages."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.test import Client

from responses.models import Response
from tests.kit.demo import CHANNELS

FORM = "/s/ddiq-2010/"
PAGE1 = {"role": "it", "seniority": "vp", "industry": "technology", "revenue": "1b_10b"}
PAGE2 = {f"company_usage.{c}": "none" if c == "twitter" else "some" for c in CHANNELS}
PAGE3 = {
    **{f"personal_use.{c}": "daily" if c == "twitter" else "weekly" for c in CHANNELS},
    "twitter_uses": ["news", "peers"],
    "barriers": ["roi", "security"],
    "comments": "Nothing to add.",
}


def form_state(client: Client, url: str = FORM) -> tuple[str, str]:
    """(submission_id, page index) of the page the client is shown now (the survey's link
    redirects to the page's own URL)."""
    html = client.get(url, follow=True).content.decode()
    submission_id = re.search(r'name="submission_id" value="([^"]*)"', html).group(1)
    page = re.search(r'name="page" value="(\d+)"', html).group(1)
    return submission_id, page


def post_page(client: Client, data: dict, *, action: str = "next", url: str = FORM, state=None):
    """Post answers to the page the client is on, as the browser would (urlencoded)."""
    submission_id, page = state or form_state(client, url)
    fields = {"submission_id": submission_id, "page": page, "action": action, **data}
    return client.post(url, urlencode(fields, doseq=True), content_type="application/x-www-form-urlencoded")


def complete(client: Client, url: str = FORM, pages=(PAGE1, PAGE2, PAGE3)):
    """Answer every page; returns the last page's answer (the redirect to the thanks page)."""
    response = None
    for data in pages:
        response = post_page(client, data, url=url)
        assert response.status_code == 302, response.content.decode()[:3000]
    return response


def only_response() -> Response:
    return Response.objects.get()


def html_of(response) -> str:
    return response.content.decode()
