"""Every question type on the form, display conditions as JSON for the browser, and pages
skipped by their condition, on a small survey built for the purpose."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from responses.forms import condition_json
from responses.models import Response
from responses.services import stored_answers
from surveys import conditions
from surveys.definition_files import definition_from_yaml
from surveys.selectors import compiled_version
from surveys.services import survey_import
from tests.kit.form import complete, html_of, post_page
from tests.kit.surveys import ALL_TYPES

URL = "/s/all-types/"


@pytest.fixture
def all_types(db):
    version, _ = survey_import(definition=definition_from_yaml(ALL_TYPES))
    return version


def _conditions(html: str) -> dict[str, dict]:
    return {
        code: json.loads(unescape(raw))
        for code, raw in re.findall(r'data-question="([a-z_]+)" data-condition="([^"]+)"', html)
    }


def test_it_renders_every_question_type_with_its_input(client, all_types):
    post_page(client, {"kind": "b"}, url=URL)

    html = html_of(client.get(URL, follow=True))

    assert re.search(r'<input type="number" name="height" step="any" inputmode="decimal" min="0.5" max="2.5"', html)
    assert re.search(r'<input type="date" name="born"', html)
    assert re.search(r'<input type="email" name="email" maxlength="254"', html)
    assert re.search(r'<label class="rating-point" for="id_nps">\s*<input type="radio" class="rating-input '
                     r'form-check-input" name="nps" value="0" id="id_nps">', html)
    assert 'name="nps" value="10"' in html and 'for="id_nps_10"' in html


def test_it_renders_numbers_texts_and_help_on_the_first_page(client, all_types):
    html = html_of(client.get(URL, follow=True))

    assert re.search(r'<input type="number" name="age" step="1" inputmode="numeric" min="18" max="120"', html)
    assert re.search(r'aria-describedby="id_age_helptext"', html) and "In years" in html
    assert re.search(r'<textarea name="adult_note" cols="40" rows="4" maxlength="300"', html)
    assert re.search(r'<input type="checkbox" class="form-check-input"\s+name="pets" value="cat"\s+id="id_pets"', html)
    assert '<option value="" selected>Choose an answer</option>' in html


def test_it_gives_the_browser_the_conditions_on_the_same_page(client, all_types):
    html = html_of(client.get(URL, follow=True))

    assert _conditions(html) == {
        "why_dog": {"q": "pets", "op": "has", "v": "dog"},
        "adult_note": {"and": [{"q": "age", "op": ">=", "v": 65.0}, {"q": "kind", "op": "in", "v": ["a", "b"]}]},
    }


def test_it_settles_conditions_on_earlier_pages_on_the_server(client, all_types):
    post_page(client, {"kind": "b", "pets": ["dog"], "why_dog": "Loyal"}, url=URL)

    html = html_of(client.get(URL, follow=True))

    assert 'name="b_only"' in html  # not (kind = a): true from page 1
    assert "b_only" not in _conditions(html)


def test_it_converts_conditions_to_json_substituting_other_pages(all_types):
    definition = compiled_version(all_types).definition
    node = conditions.parse("not (kind = a) or (pets has cat and nps not in (9, 10))")

    assert condition_json(node, ["nps"], {"kind": "a", "pets": frozenset({"cat"})}, definition.questions) == {
        "q": "nps", "op": "not in", "v": [9.0, 10.0]
    }
    assert condition_json(node, ["nps"], {"kind": "b"}, definition.questions) is True
    assert condition_json(node, ["nps"], {"kind": "a"}, definition.questions) is False
    assert condition_json(conditions.parse("not kind = a"), ["kind"], {}, definition.questions) == {
        "not": {"q": "kind", "op": "=", "v": "a"}
    }


def test_it_skips_a_page_whose_condition_is_false(client, all_types):
    post_page(client, {"kind": "a"}, url=URL)

    html = html_of(client.get(URL, follow=True))

    assert "Page 2 of 2" in html and 'name="done"' in html and ">Submit</button>" in html


def test_it_goes_back_over_a_skipped_page(client, all_types):
    post_page(client, {"kind": "a"}, url=URL)

    post_page(client, {}, action="back", url=URL)

    assert "Page 1 of 2" in html_of(client.get(URL, follow=True))


def test_it_drops_answers_of_a_page_that_became_hidden(client, all_types):
    post_page(client, {"kind": "b"}, url=URL)
    post_page(client, {"height": "1.8", "nps": "9"}, url=URL)
    post_page(client, {}, action="back", url=URL)
    post_page(client, {}, action="back", url=URL)

    complete(client, url=URL, pages=({"kind": "a"}, {"done": "ok"}))

    response = Response.objects.get()
    assert response.is_complete
    assert stored_answers(compiled_version(all_types), response) == {"kind": "a", "done": "ok"}


def test_it_stores_every_type(client, all_types):
    complete(client, url=URL, pages=(
        {"kind": "b", "colour": "blue", "pets": ["cat", "dog"], "why_dog": "Walks", "age": "70", "adult_note": "Hi"},
        {"height": "1.75", "born": "1990-02-03", "email": "a@example.com", "nps": "10", "b_only": "B"},
        {"done": "ok"},
    ))

    answers = stored_answers(compiled_version(all_types), Response.objects.get())
    assert answers["age"] == 70 and str(answers["height"]) == "1.75" and answers["born"].isoformat() == "1990-02-03"
    assert answers["nps"] == 10 and answers["pets"] == {"cat", "dog"} and answers["adult_note"] == "Hi"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"age": "17"}, "age", "Enter a number of at least 18."),
        ({"age": "abc"}, "age", "Enter a number."),
        ({"age": "30.5"}, "age", "Enter a whole number."),
    ],
)
def test_it_shows_number_errors_beside_the_field(client, all_types, data, field, message):
    html = html_of(post_page(client, {"kind": "a", **data}, url=URL))

    assert f'<a class="alert-link" href="#id_{field}">' in html and message in html
    assert f'value="{data[field]}"' in html
    assert not Response.objects.exists()
