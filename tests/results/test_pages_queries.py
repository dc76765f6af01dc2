"""Query counts of every results page, pinned. Unfiltered pages read only the count tables:
the same queries at 10 and at 1,000 responses. Counts include the session, the user, the
survey, the two permission lookups and the sharing check (6 queries before the page's own)."""

import random

import pytest

from tests.kit.data import bulk_responses
from tests.kit.demo import random_demo_answers

pytestmark = pytest.mark.django_db

UNFILTERED = [
    # versions, counts (3), saved filters, daily counts, partial and excluded, pending, counter + findings,
    # the duration histogram, the flagged completes, the drop-off by page (one UNION of two GROUP BYs)
    ("/results/ddiq-2010/", 19),
    # versions, counts (3), saved filters, counter
    ("/results/ddiq-2010/questions/", 12),
    ("/results/ddiq-2010/questions/personal_use/", 12),
    ("/results/ddiq-2010/questions/barriers/", 12),
    # ... and the text answers: a COUNT and one page
    ("/results/ddiq-2010/questions/comments/", 14),
    # versions, counts (3), saved filters
    ("/results/ddiq-2010/compare/", 11),
    # versions, counts (3): a table export reads no saved filters
    ("/results/ddiq-2010/questions/?format=csv", 10),
    ("/results/ddiq-2010/questions/personal_use/?format=xlsx", 10),
    # the counter only
    ("/results/ddiq-2010/version/", 7),
]
FILTERED = [
    # versions, the pairs (one GROUP BY), saved filters
    ("/results/ddiq-2010/crosstab/?row=personal_use.twitter&col=company_usage.twitter&segment=role:it", 9),
    # versions, counter, findings + one GROUP BY per version, the segment question's counts from the raw
    # answers (one GROUP BY), daily counts, partial and excluded, pending, saved filters, durations, flagged,
    # drop-off
    ("/results/ddiq-2010/?from=2000-01-01", 18),
    # versions, the cells and bases (one GROUP BY), the matrix's base (one), counter, saved filters
    ("/results/ddiq-2010/questions/personal_use/?from=2000-01-01", 11),
    ("/results/ddiq-2010/?segment=role:it", 20),
    ("/results/ddiq-2010/questions/personal_use/?segment=role:it", 12),
]

# A condition filter restricts the same GROUP BY queries as a date range (its responses are
# a subquery of them): the same number of queries at 10 and at 300 responses.
WHERE = [
    # versions, counter, findings (one GROUP BY per version), the segment counts from the raw answers,
    # daily (one GROUP BY), statuses (one aggregate), pending, saved filters, durations, flagged, drop-off
    ("/results/ddiq-2010/?where=role+%3D+it", 18),
    # versions, the raw GROUP BYs (cells and bases, numbers, bases of multi rows), counter, saved filters
    ("/results/ddiq-2010/questions/?where=role+%3D+it+and+not+barriers+has+roi", 14),
    # versions, the raw GROUP BYs of one question, the text answers (a COUNT and a page), counter, saved filters
    ("/results/ddiq-2010/questions/comments/?where=role+%3D+it", 12),
    ("/results/ddiq-2010/compare/?where=role+%3D+it", 13),
    ("/results/ddiq-2010/crosstab/?row=personal_use.twitter&col=company_usage.twitter&where=role+%3D+it", 9),
    ("/results/ddiq-2010/questions/?format=csv&where=role+%3D+it", 12),
]


def _responses(survey, n: int, seed: int) -> None:
    rng = random.Random(seed)
    bulk_responses(survey, [random_demo_answers(rng) for _ in range(n)])


@pytest.mark.parametrize(("url", "queries"), UNFILTERED)
def test_it_reads_as_many_queries_at_1000_responses_as_at_10(results, demo_survey, django_assert_num_queries,
                                                             url, queries):
    _responses(demo_survey, 10, seed=1)
    results.get(url)  # compiles the version definition, cached per process
    with django_assert_num_queries(queries):
        assert results.get(url).status_code == 200
    _responses(demo_survey, 990, seed=2)
    with django_assert_num_queries(queries):
        assert results.get(url).status_code == 200


@pytest.mark.parametrize(("url", "queries"), FILTERED)
def test_it_pins_the_queries_of_filtered_pages_and_crosstabs(results, demo_survey, django_assert_num_queries,
                                                             url, queries):
    _responses(demo_survey, 10, seed=1)
    results.get(url)
    with django_assert_num_queries(queries):
        assert results.get(url).status_code == 200


@pytest.mark.parametrize(("url", "queries"), WHERE)
def test_it_pins_the_queries_of_pages_filtered_by_a_condition(results, demo_survey, django_assert_num_queries,
                                                              url, queries):
    _responses(demo_survey, 10, seed=1)
    results.get(url)
    with django_assert_num_queries(queries):
        assert results.get(url).status_code == 200
    _responses(demo_survey, 290, seed=2)
    with django_assert_num_queries(queries):
        assert results.get(url).status_code == 200


def test_it_pins_the_methods_page(results, django_assert_num_queries):
    with django_assert_num_queries(4):  # session, user, the two permission lookups
        assert results.get("/results/methods/").status_code == 200
