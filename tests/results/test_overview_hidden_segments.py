"""The overview's segment table lists the hidden fields with `values` after the segment
questions: how many counted completes came with each value, out of the completes in view,
from the daily count table (one query) or, under a segment or a condition, from the
responses within the filters; equal to a recount of what was submitted."""

from urllib.parse import urlencode

import pytest

from tests.kit.counts import assert_counts_exact
from tests.kit.demo import panel_version
from tests.kit.hidden_segments import SOURCE_VALUES as FIELD_VALUES
from tests.kit.hidden_segments import source_completes

pytestmark = pytest.mark.django_db


@pytest.fixture
def given(client, results, demo_survey) -> list[dict]:
    panel_version()
    return source_completes(client)


def _rows(results, **params) -> dict[str, tuple[int, int]]:
    response = results.get(f"/results/ddiq-2010/?{urlencode(params)}")
    assert response.status_code == 200
    return {row.value: (row.cell.count, row.cell.base) for row in response.context["view"].segments}


@pytest.mark.parametrize(("params", "within"), [
    ({}, lambda g: True),
    ({"from": "2000-01-01"}, lambda g: True),
    ({"to": "2000-01-01"}, lambda g: False),
    ({"where": "role = it"}, lambda g: g["role"] == "it"),
    ({"segment": "role:business"}, lambda g: g["role"] == "business"),
    ({"segment": "src:tw"}, lambda g: g["src"] == "tw"),
    ({"where": "src = li or src = mail", "from": "2000-01-01"}, lambda g: g["src"] in ("li", "mail")),
])
def test_it_counts_the_completes_of_each_value(results, demo_survey, given, params, within):
    assert_counts_exact(demo_survey)  # the count tables agree with a recompute
    rows = _rows(results, **params)
    kept = [g for g in given if within(g)]
    for value in FIELD_VALUES:
        assert rows[f"src = {value}"] == (sum(1 for g in kept if g["src"] == value), len(kept))
    # the segment question's rows stay, on the same base
    assert rows["IT leader (CIO, CTO, IT director or manager)"][1] == len(kept)


def test_the_rows_follow_the_segment_questions_and_go_to_the_export(results, given):
    response = results.get("/results/ddiq-2010/")
    segments = response.context["view"].segments
    assert [row.value for row in segments][-3:] == [f"src = {v}" for v in FIELD_VALUES]
    assert {row.question for row in segments[-3:]} == {"src"}
    export = results.get("/results/ddiq-2010/?format=csv").content.decode()
    assert f"src,src = li,{sum(1 for g in given if g['src'] == 'li')},{len(given)}," in export


@pytest.mark.parametrize(("url", "queries"), [
    # the demo's 19 (tests/results/test_pages_queries.py) and the hidden values' daily counts
    ("/results/ddiq-2010/", 20),
    # the demo's 20, its findings' GROUP BY for the second version, and the hidden values of the
    # responses within the segment (one GROUP BY)
    ("/results/ddiq-2010/?segment=role:it", 22),
])
def test_it_adds_one_query_whatever_the_number_of_responses(client, results, given, django_assert_num_queries,
                                                            url, queries):
    results.get(url)
    with django_assert_num_queries(queries):
        assert results.get(url).status_code == 200
    source_completes(client, n=15, seed=9)
    with django_assert_num_queries(queries):
        assert results.get(url).status_code == 200
