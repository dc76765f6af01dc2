"""Randomised order (surveys.ordering): the definition's settings round-trip, a drawn order
keeps anchored items in place, is the same for the same seed and uniform enough over many
seeds (chi-square), and conditions and piping may not name a question of their own
shuffled page or block (refused at import and at publish, at their place)."""

from __future__ import annotations

import copy
import random
import uuid
from collections import Counter
from itertools import permutations

import pytest
from scipy.stats import chisquare

from surveys.definition_files import DefinitionError, definition_from_data, definition_from_yaml, definition_to_yaml
from surveys.models import Page
from surveys.ordering import draw_order, page_sequence, position_columns, positions
from surveys.selectors import compiled_version
from surveys.services import VersionStateError, survey_import, version_publish
from tests.kit.shuffle import BLOCK_PAGES, SHUFFLED

DRAWS = 3000


@pytest.fixture(scope="module")
def survey():
    return definition_from_data(SHUFFLED)


def _seeds(n: int = DRAWS) -> list[str]:
    # Submission ids as the form makes them (uuid4), from a fixed seed so that the test is repeatable.
    rng = random.Random(20101)
    return [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(n)]


def _errors(data: dict) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        definition_from_data(data)
    return caught.value.errors


def test_the_settings_round_trip_through_yaml(survey):
    assert definition_from_yaml(definition_to_yaml(survey)) == survey
    assert survey.pages[0].shuffle_questions and survey.pages[2].shuffle_block == "brand_pages"
    assert survey.questions["brand"].choices[-1].anchor and survey.questions["rating"].rows[-1].anchor


def test_the_same_seed_draws_the_same_order(survey):
    assert draw_order(survey, "a seed") == draw_order(survey, "a seed")
    assert len({repr(draw_order(survey, seed)) for seed in _seeds(50)}) > 40


def test_a_survey_without_shuffles_draws_nothing():
    data = copy.deepcopy(SHUFFLED)
    for page in data["pages"]:
        page.pop("shuffle", None), page.pop("shuffle_block", None)
        for question in page["questions"]:
            question.pop("shuffle", None)
    assert draw_order(definition_from_data(data), "x") == {}


def test_anchored_items_keep_their_place(survey):
    for seed in _seeds(300):
        items = draw_order(survey, seed)["items"]
        assert items["brand"][-1] == "other" and items["seen"][-1] == "none" and items["rating"][-1] == "overall"
        assert sorted(items["brand"][:-1]) == ["acme", "bolt", "cora", "dyna"]


def test_each_free_choice_takes_each_place_about_equally_often(survey):
    orders = [draw_order(survey, seed)["items"]["brand"] for seed in _seeds()]
    for place in range(4):
        counts = Counter(order[place] for order in orders)
        assert chisquare([counts[c] for c in ("acme", "bolt", "cora", "dyna")]).pvalue > 0.001


def test_every_order_of_the_blocks_pages_and_of_a_pages_questions_is_about_equally_likely(survey):
    drawn = [draw_order(survey, seed) for seed in _seeds()]
    blocks = Counter(tuple(order["blocks"]["brand_pages"]) for order in drawn)
    questions = Counter(tuple(order["pages"]["0"]) for order in drawn)
    assert chisquare([blocks[p] for p in permutations(BLOCK_PAGES)]).pvalue > 0.001
    assert chisquare([questions[p] for p in permutations(["brand", "seen", "rating"])]).pvalue > 0.001


def test_the_page_sequence_follows_the_drawn_block(survey):
    order = {"blocks": {"brand_pages": [3, 1, 2]}}
    assert page_sequence(survey, order) == [0, 3, 1, 2, 4]
    assert page_sequence(survey, {}) == [0, 1, 2, 3, 4]


def test_display_positions_name_one_column_each(survey):
    order = draw_order(survey, "x")
    found = positions(survey, order)
    assert sorted(found) == sorted(position_columns(survey))
    assert found[f"brand.{order['items']['brand'][0]}.position"] == 1
    assert found[f"brand_pages.page{order['blocks']['brand_pages'][0] + 1}.position"] == 1


# --- Refusals ------------------------------------------------------------------------


def test_a_condition_on_a_question_of_the_same_shuffled_page_is_refused():
    data = copy.deepcopy(SHUFFLED)
    data["pages"][0]["questions"][1]["condition"] = "brand = acme"
    assert _errors(data) == ["pages[0].questions[1].condition: 'brand' is in the same shuffled page or block: "
                             "it is not always asked before this condition"]


def test_a_condition_on_another_page_of_the_same_block_is_refused():
    data = copy.deepcopy(SHUFFLED)
    data["pages"][3]["condition"] = "about_acme = yes"
    data["pages"][2]["questions"][0]["condition"] = "about_acme = yes"
    errors = _errors(data)
    assert [e.split(":")[0] for e in errors] == ["pages[2].questions[0].condition", "pages[3].condition"]
    assert all("same shuffled page or block" in e for e in errors)


def test_piping_from_another_page_of_the_same_block_is_refused():
    data = copy.deepcopy(SHUFFLED)
    data["pages"][2]["questions"][0]["label"] = "You said [[about_acme]] of Acme; and of Bolt?"
    assert _errors(data) == [
        "pages[2].questions[0].label: [[about_acme]] names a question in the same shuffled block (its pages are "
        "shown in a random order): its answer is not known when this page is shown (move it to an earlier page)"
    ]


def test_conditions_and_piping_from_before_the_block_are_allowed():
    data = copy.deepcopy(SHUFFLED)
    data["pages"][2]["condition"] = "brand = bolt"
    data["pages"][2]["questions"][0]["label"] = "You thought first of [[brand]]; what of Bolt?"
    definition_from_data(data)


@pytest.mark.parametrize("change, error", [
    (lambda d: d["pages"][0].update(shuffle_block="x"), "pages[0].shuffle_block: the first page cannot be"),
    (lambda d: d["pages"][2].update(shuffle_block="other"), "pages[3].shuffle_block: the pages of block "),
    (lambda d: d["pages"][0].update(shuffle="pages"), "pages[0].shuffle: expected questions, got 'pages'"),
    (lambda d: d["pages"][0]["questions"][0].update(shuffle="rows"), "pages[0].questions[0].shuffle: a single "
     "question has no rows to shuffle"),
])
def test_a_misplaced_shuffle_is_refused_at_its_place(change, error):
    data = copy.deepcopy(SHUFFLED)
    change(data)
    assert any(e.startswith(error) for e in _errors(data)), _errors(data)


@pytest.mark.django_db
def test_publishing_refuses_a_block_that_takes_in_a_condition(manager):
    data = {**copy.deepcopy(SHUFFLED), "status": "draft"}
    data["pages"][3]["condition"] = "about_bolt = yes"
    data["pages"][3].pop("shuffle_block")
    version, _ = survey_import(definition=definition_from_data(data), editors=[manager])
    Page.objects.filter(version=version, position=3).update(shuffle_block="brand_pages")

    with pytest.raises(VersionStateError, match=r"pages\[3\]\.condition: 'about_bolt' is in the same shuffled"):
        version_publish(version=version)


@pytest.mark.django_db
def test_a_screen_out_naming_a_blocks_question_is_decided_after_the_block(manager):
    data = copy.deepcopy(SHUFFLED)
    data["screen_outs"] = [{"code": "no_acme", "condition": "about_acme = nothing", "message": "Thank you."},
                           {"code": "no_brand", "condition": "brand = other", "message": "Thank you."}]
    version, _ = survey_import(definition=definition_from_data(data), editors=[manager])

    # The block's pages are 1-3, in any order: what a block page says is known after page 3.
    assert [page for _, _, page in compiled_version(version).screen_out_pages] == [4, 0]
