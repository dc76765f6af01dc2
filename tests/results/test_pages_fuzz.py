"""Whatever a viewer puts in the query string of a results page or an export, the answer is
a page (or a clear error on it), never a 500.

First the crashes that were seen, each on its own: a filter date with no next day, a NUL in
the text search, a version number `int()` cannot read. Then any query string at all, at
every results page of two surveys (the demo, and one with a question of every type)."""

from datetime import date, timedelta
from html import unescape
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.kit.data import bulk_responses
from tests.kit.demo import leader_answers
from tests.kit.surveys import EVERY_TYPE, every_type_answers

pytestmark = pytest.mark.django_db

DEMO = "/results/ddiq-2010"
FILTERED_PAGES = [
    f"{DEMO}/",
    f"{DEMO}/questions/",
    f"{DEMO}/questions/role/",
    f"{DEMO}/questions/company_usage/",
    f"{DEMO}/questions/barriers/",
    f"{DEMO}/questions/comments/",
    f"{DEMO}/compare/",
    f"{DEMO}/crosstab/?row=role&col=company_usage.twitter",
]


@pytest.fixture
def results(results, demo_survey):
    """bob's client on the demo survey's results, with two responses counted."""
    bulk_responses(demo_survey, [leader_answers(role="it") | {"comments": "Useful"}, leader_answers(role="business")])
    return results


@pytest.fixture
def every_type(viewer, every_type_survey):
    every_type_survey.viewers.add(viewer)
    bulk_responses(every_type_survey, [every_type_answers(), every_type_answers(age=50, height="2", nps=3)])
    return every_type_survey


def _get(client, url: str, query: dict | None = None):
    # Appended by hand: the test client's `data` would replace a query string in `url`.
    if query:
        url += ("&" if "?" in url else "?") + urlencode(query)
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)  # a CSV export fails while it streams, if at all
    return response


def _page_errors(response) -> str:
    return unescape(response.content.decode())


# --- The crashes that were seen --------------------------------------------------------


@pytest.mark.parametrize("url", FILTERED_PAGES)
def test_it_refuses_a_to_date_without_a_next_day_on_the_page(results, url):
    response = _get(results, url, {"to": "9999-12-31"})

    assert response.status_code == 200
    assert "To date '9999-12-31' is out of range (1900-01-01 to 9998-12-31): ignored." in _page_errors(response)


@pytest.mark.parametrize("url", FILTERED_PAGES[:1] + FILTERED_PAGES[-1:])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_exports_a_page_with_an_out_of_range_date_without_it(results, url, fmt):
    assert _get(results, url, {"to": "9999-12-31", "from": "0001-01-01", "format": fmt}).status_code == 200


@pytest.mark.parametrize("raw", ["2010-W01-1", "20100101", "2010-001", "2010-1-1", "٢٠١٠-٠١-٠١"])
def test_it_takes_filter_dates_only_as_yyyy_mm_dd(results, raw):
    response = _get(results, f"{DEMO}/", {"from": raw})

    assert response.context["filters"].date_from is None
    assert f"From date {raw!r} is not a date (YYYY-MM-DD): ignored." in _page_errors(response)


def test_it_still_filters_by_a_date_at_the_ends_of_the_range(results):
    response = _get(results, f"{DEMO}/", {"from": "1900-01-01", "to": "9998-12-31"})

    assert (response.context["filters"].date_from, response.context["filters"].date_to) == (
        date(1900, 1, 1), date(9998, 12, 31),
    )
    assert response.context["view"].counted == 2


def test_it_searches_text_answers_for_a_nul_without_failing(results):
    response = _get(results, f"{DEMO}/questions/comments/", {"q": "Use\x00ful"})

    assert response.status_code == 200
    assert [text for text, _ in response.context["report"].text.page.object_list] == ["Useful"]


@pytest.mark.parametrize("version", ["²", "1" * 5000, "99999999999"])
def test_it_refuses_a_version_that_is_not_a_plain_number(results, version):
    page = _get(results, f"{DEMO}/", {"version": version})
    export = _get(results, f"{DEMO}/exports/responses.csv", {"version": version})

    assert page.status_code == 200
    assert f"Unknown version {version!r}: showing every version." in _page_errors(page)
    assert export.status_code == 404


# --- Any query string ------------------------------------------------------------------

FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TYPES = "/results/every-type"
PAGES = [
    *(url.split("?")[0] for url in FILTERED_PAGES),
    f"{DEMO}/version/",
    f"{DEMO}/exports/",
    f"{DEMO}/exports/responses.csv",
    f"{DEMO}/exports/1/",
    f"{DEMO}/exports/99999999999999999999/download/",
    "/results/methods/",
    f"{TYPES}/",
    f"{TYPES}/crosstab/",
    *(f"{TYPES}/questions/{q['code']}/" for page in EVERY_TYPE["pages"] for q in page["questions"]),
]
KEYS = ["from", "to", "segment", "version", "q", "page", "row", "col", "format", "since"]
odd_dates = (
    st.dates().map(date.isoformat)
    | st.sampled_from(["9999-12-31", "0001-01-01", "9998-12-31", "1899-12-31", "2010-W01-1", "20100101", "2010-02-30"])
    | st.dates().map(lambda d: d.strftime("%Y%m%d"))
)
huge_numbers = st.integers().map(str) | st.sampled_from(["1" * 5000, "1e999", "-0", "²", "1_000", "NaN", "inf"])
codes = st.sampled_from([
    "role", "role:it", "role:business", "company_usage.twitter", "company_usage", "barriers", "comments", "age",
    "nps", "colour", "tools.mail", "role:", ":it", "csv", "xlsx", "1",
])
values = odd_dates | huge_numbers | codes | st.text(max_size=20) | st.text(alphabet="\x00%:._-'\"<>&", max_size=10)
queries = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), values, max_size=6)


@FUZZ
@given(url=st.sampled_from(PAGES), query=queries)
def test_it_answers_any_query_string_without_a_server_error(results, every_type, url, query):
    response = _get(results, url, query)

    assert response.status_code < 500, (url, query)


@FUZZ
@given(url=st.sampled_from(FILTERED_PAGES), start=st.dates(), days=st.integers(0, 3_000_000))
def test_it_answers_any_date_range_without_a_server_error(results, url, start, days):
    end = date.max if days > (date.max - start).days else start + timedelta(days=days)

    response = _get(results, url, {"from": start.isoformat(), "to": end.isoformat()})

    assert response.status_code in (200, 400), (url, start, end)  # 400: a crosstab's unknown variable
