"""An invitee of a survey in a random order (surveys.ordering): their order is drawn once
(from their invitation until their response exists: the same on every reload and in every
browser of the link), and kept across pages, Back and resuming through their personal link
in another browser; it is stored with the response and exported as display positions."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client

from responses.ordering import order_seed
from surveys.definition_files import definition_from_data
from surveys.models import Survey
from surveys.ordering import draw_order, position_columns, stored_order
from surveys.services import survey_import
from tests.kit.exports import exported_csv
from tests.kit.form import html_of, only_response, post_page
from tests.kit.invitations import invite
from tests.kit.shuffle import SHUFFLED, shown_questions, shown_rows, shown_values

pytestmark = pytest.mark.django_db

DEFINITION = definition_from_data(SHUFFLED)
PAGE1 = {"brand": "bolt", "seen": ["acme"], "rating.acme": "good"}


@pytest.fixture
def link(manager) -> str:
    version, _ = survey_import(definition=DEFINITION, editors=[manager])
    _, token = invite(version.survey, external_id="panel-7")
    return f"/i/{token}/"


def only_survey() -> Survey:
    return Survey.objects.get()


def _page(client: Client, url: str) -> tuple[str, str, str]:
    """(html, submission id, page index) of the page the client is shown at `url`."""
    html = html_of(client.get(url, follow=True))
    submission_id = re.search(r'name="submission_id" value="([^"]*)"', html).group(1)
    return html, submission_id, re.search(r'name="page" value="(\d+)"', html).group(1)


def _page1_order(html: str) -> dict:
    """Page 1's order as shown, in the shape of a drawn order's parts."""
    return {"questions": shown_questions(html, ["brand", "seen", "rating"]), "brand": shown_values(html, "brand"),
            "seen": shown_values(html, "seen"), "rating": shown_rows(html, "rating")}


def _expected(order: dict) -> dict:
    return {"questions": order["pages"]["0"], **order["items"]}


def test_the_invitees_first_page_shows_the_order_their_response_stores(client, link):
    html, submission_id, _ = _page(client, link)

    assert _page1_order(html) == _expected(draw_order(DEFINITION, order_seed(submission_id)))
    following = post_page(client, PAGE1, url=link, state=(submission_id, "0"))

    stored = only_response()
    assert stored.invitation_id is not None and stored.external_id == "panel-7"
    assert stored.display_order == stored_order(DEFINITION, order_seed(submission_id))
    assert following.url == f"{link}p/{stored.display_order['blocks']['brand_pages'][0] + 1}/"


def test_before_anything_is_saved_every_reload_and_browser_shows_the_same_order(client, link):
    shown = [_page(c, link)[:2] for c in (client, client, Client())]
    other_link = f"/i/{invite(only_survey(), email='bob@example.org')[1]}/"
    other_html, other_id, _ = _page(Client(), other_link)

    assert [submission_id for _, submission_id in shown] == [shown[0][1]] * 3
    assert [_page1_order(html) for html, _ in shown] == [_page1_order(shown[0][0])] * 3
    assert other_id != shown[0][1]  # another invitee, another id (and order)
    # The second browser posts first: the response stores the order all three showed.
    post_page(Client(), PAGE1, url=link, state=(shown[0][1], "0"))
    assert _expected(only_response().display_order) == _page1_order(shown[0][0])


def test_the_order_stays_across_pages_back_and_resuming_through_the_link(client, link):
    _, submission_id, _ = _page(client, link)
    following = post_page(client, PAGE1, url=link, state=(submission_id, "0"))
    order = only_response().display_order
    sequence = order["blocks"]["brand_pages"]

    # The block's first drawn page, then Back to page 1: the same order, twice.
    back = post_page(client, {}, action="back", url=following.url, state=(submission_id, str(sequence[0])))
    again = [_page1_order(_page(client, back.url)[0]) for _ in range(2)]
    # Another browser, through the personal link only (no cookie): the same response and order.
    elsewhere = Client()
    html, resumed_id, page = _page(elsewhere, link)
    assert (resumed_id, page) == (submission_id, "0")  # Back left the response on page 1
    assert again == [_expected(order)] * 2 and _page1_order(html) == _expected(order)

    # On through the block from the other browser: its pages in the drawn order.
    following = post_page(elsewhere, PAGE1, url=link, state=(submission_id, "0"))
    seen = []
    for index in sequence:
        assert following.url == f"{link}p/{index + 1}/"
        html, _, page = _page(elsewhere, following.url)
        assert page == str(index)
        seen.append(re.search(r"What do you know of (\w+)\?", html).group(1))
        following = post_page(elsewhere, {f"about_{seen[-1].lower()}": "Fine"}, url=following.url,
                              state=(submission_id, page))

    assert following.url == f"{link}thanks/"
    assert seen == [["Acme", "Bolt", "Cora"][i - 1] for i in sequence]
    response = only_response()
    assert response.is_complete and response.display_order == order


@pytest.mark.postgres
@pytest.mark.parametrize("copy", [True, False])
def test_the_invitees_order_is_exported_as_display_positions(client, link, copy, monkeypatch):
    _, submission_id, _ = _page(client, link)
    following = post_page(client, PAGE1, url=link, state=(submission_id, "0"))
    while not following.url.endswith("/thanks/"):
        following = client.post(following.url, {"submission_id": submission_id, "action": "next",
                                                "page": _page(client, following.url)[2]})
        assert following.status_code == 302
    response = only_response()

    rows = list(csv.DictReader(io.StringIO(
        exported_csv(response.survey, copy=copy, monkeypatch=monkeypatch).decode("utf-8-sig"))))

    assert [row["response_id"] for row in rows] == [str(response.pk)]
    names = position_columns(DEFINITION)
    assert {name: int(rows[0][name]) for name in names} == response.display_order["positions"]
    assert rows[0]["external_id"] == "panel-7"
