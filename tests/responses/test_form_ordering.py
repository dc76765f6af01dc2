"""The random order on the respondent's form (surveys.ordering): page 1 shows the order its
response then stores, the same after reloads, Back and resuming by the link in another
client; the shuffled block's pages come in the drawn order, with the progress and Back
following it; and the rendering cache neither keeps shuffled pages nor shows one
respondent's order to another."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from responses import rendering
from responses.ordering import order_seed
from surveys.definition_files import definition_from_data
from surveys.ordering import draw_order, stored_order
from surveys.services import survey_import
from tests.kit.form import html_of, only_response, post_page
from tests.kit.shuffle import SHUFFLED, shown_questions, shown_rows, shown_values

pytestmark = pytest.mark.django_db

FORM = "/s/shuffled/"
PAGE1 = {"brand": "bolt", "seen": ["acme"], "rating.acme": "good"}
DEFINITION = definition_from_data(SHUFFLED)


@pytest.fixture
def fresh_skeletons():
    rendering._skeletons.clear()
    yield rendering._skeletons
    rendering._skeletons.clear()


@pytest.fixture
def shuffled(manager):
    version, _ = survey_import(definition=DEFINITION, editors=[manager])
    return version


def _page(client: Client, url: str = FORM) -> tuple[str, str]:
    """(html, submission id) of the page the client is shown."""
    html = html_of(client.get(url, follow=True))
    return html, re.search(r'name="submission_id" value="([^"]*)"', html).group(1)


def _shown_order(html: str) -> dict:
    """Page 1's order as the HTML shows it, in the shape of a drawn order's parts."""
    return {
        "questions": shown_questions(html, ["brand", "seen", "rating"]),
        "brand": shown_values(html, "brand"),
        "seen": shown_values(html, "seen"),
        "rating": shown_rows(html, "rating"),
    }


def _expected(order: dict) -> dict:
    return {"questions": order["pages"]["0"], **order["items"]}


def _page_number(html: str) -> str:
    return re.search(r"Page \d+ of \d+", html).group(0)


def test_page_one_shows_the_order_its_response_stores(client, shuffled):
    html, submission_id = _page(client)
    drawn = draw_order(DEFINITION, order_seed(submission_id))

    assert _shown_order(html) == _expected(drawn)
    assert shown_values(html, "brand")[-1] == "other" and shown_rows(html, "rating")[-1] == "overall"
    post_page(client, PAGE1, url=FORM, state=(submission_id, "0"))
    assert only_response().display_order == stored_order(DEFINITION, order_seed(submission_id))
    assert stored_order(DEFINITION, order_seed(submission_id))["items"] == drawn["items"]


def test_the_order_stays_across_reloads_back_and_resuming_elsewhere(client, shuffled):
    html, submission_id = _page(client)
    post_page(client, PAGE1, url=FORM, state=(submission_id, "0"))
    order = only_response().display_order
    first_block_page = order["blocks"]["brand_pages"][0]
    block_url = f"{FORM}p/{first_block_page + 1}/"
    assert client.get(FORM).url == block_url  # the survey's link goes to the page drawn first

    back = post_page(client, {}, action="back", url=block_url, state=(submission_id, str(first_block_page)))
    assert back.url == f"{FORM}p/1/"
    again = [_shown_order(_page(client, back.url)[0]) for _ in range(2)]
    elsewhere = Client()
    elsewhere.get(f"{FORM}resume/{client.cookies['resume-shuffled'].value}/")
    resumed = _shown_order(_page(elsewhere, f"{FORM}p/1/")[0])

    assert again == [_expected(order)] * 2 and resumed == _expected(order)
    assert only_response().display_order == order


def test_the_blocks_pages_come_in_the_drawn_order_with_progress_and_back(client, shuffled):
    html, submission_id = _page(client)
    assert _page_number(html) == "Page 1 of 5"  # the conditional last page may still come
    following = post_page(client, PAGE1, url=FORM, state=(submission_id, "0"))
    sequence = only_response().display_order["blocks"]["brand_pages"]

    seen = []
    for step, index in enumerate(sequence):
        assert following.url == f"{FORM}p/{index + 1}/"
        html = _page(client, following.url)[0]
        assert _page_number(html) == f"Page {step + 2} of 4"  # brand = bolt hides the last page
        seen.append(re.search(r"What do you know of (\w+)\?", html).group(1))
        if step == 1:  # Back goes to the block's page drawn before, not the one listed before
            back = post_page(client, {}, action="back", url=following.url, state=(submission_id, str(index)))
            assert back.url == f"{FORM}p/{sequence[0] + 1}/"
        following = post_page(client, {f"about_{seen[-1].lower()}": "Fine"}, url=following.url,
                              state=(submission_id, str(index)))

    assert seen == [["Acme", "Bolt", "Cora"][i - 1] for i in sequence]
    assert following.url.endswith("/thanks/") and only_response().is_complete


def test_a_page_out_of_the_drawn_order_is_not_opened(client, shuffled):
    _, submission_id = _page(client)
    post_page(client, PAGE1, url=FORM, state=(submission_id, "0"))
    sequence = only_response().display_order["blocks"]["brand_pages"]

    response = client.get(f"{FORM}p/{sequence[1] + 1}/")

    assert response.status_code == 302 and response.url == f"{FORM}p/{sequence[0] + 1}/"


def test_two_respondents_see_their_own_orders_and_the_cache_keeps_none(shuffled, fresh_skeletons):
    pages = []
    while len({repr(_shown_order(html)) for html, _ in pages}) < 2:  # two respondents of different orders
        pages.append(_page(Client()))
        assert len(pages) < 20

    for html, submission_id in pages:
        assert _shown_order(html) == _expected(draw_order(DEFINITION, order_seed(submission_id)))
    assert fresh_skeletons == {}
