"""The overview's drop-off by page: per version, how many partial responses stopped on each
page and their share of everyone who started, read from the count tables, equal to a
count of the responses themselves; without data, a sentence instead of a table."""

from django.db.models import Count
from django.test import Client

from responses.models import Response
from surveys.services import version_duplicate, version_publish
from tests.kit.counts import assert_counts_exact
from tests.kit.data import submit_and_count
from tests.kit.demo import demo_answers
from tests.kit.exports import csv_tables
from tests.kit.form import PAGE1, PAGE2, post_page

URL = "/results/ddiq-2010/"


def _rows(html: str) -> list[str]:
    table = html.split('id="dropoff-v1"', 1)[1].split("</table>", 1)[0]
    return [row.split("</tr>")[0] for row in table.split("<tr>")[2:]]


def _partial(*pages) -> None:
    client = Client()
    for answers in pages:
        assert post_page(client, answers).status_code == 302


def test_the_overview_shows_where_respondents_stopped(results, demo_survey):
    for _ in range(2):
        submit_and_count(demo_survey, demo_answers())
    _partial(PAGE1)  # stopped on page 2
    _partial(PAGE1, PAGE2)  # stopped on page 3
    html = results.get(URL).content.decode()
    assert "2 of 4 respondents who started stopped before the end" in html
    rows = _rows(html)
    assert [r.replace("<th scope=\"row\">", "").replace("</th>", "|").replace("<td>", "").replace("</td>", "|")
            for r in rows] == ["1. About you|0|0%|", "2. Social media in your company|1|25%|", "3. Your own use|1|25%|"]


def test_the_drop_off_equals_a_count_of_the_responses(results, demo_survey):
    submit_and_count(demo_survey, demo_answers())
    for pages in ((PAGE1,), (PAGE1,), (PAGE1, PAGE2), (PAGE1, PAGE2, {}), (PAGE1, PAGE2)):
        client = Client()
        for answers in pages[:-1]:
            post_page(client, answers)
        post_page(client, pages[-1], action="back" if pages[-1] == {} else "next")
    view = results.get(URL).context["view"]
    (version,) = view.drop_off
    real = Response.objects.filter(survey=demo_survey, is_test=False)
    by_page = dict(real.filter(status="partial").values_list("current_page").annotate(n=Count("pk")))
    assert version.started == real.count() == 6
    assert {p.number: p.stopped for p in version.pages if p.stopped} == {i + 1: n for i, n in by_page.items()}
    assert_counts_exact(demo_survey)


def test_without_respondents_it_says_so(results, demo_survey):
    response = results.get(URL)
    assert response.status_code == 200
    assert "No one has started the survey yet." in response.content.decode()
    assert results.get(URL + "?version=1").status_code == 200


def test_the_overview_export_has_the_drop_off(results, demo_survey):
    _partial(PAGE1)
    table = csv_tables(results.get(URL + "?format=csv"))["drop-off by page"]
    assert [(r["page"], r["title"], r["stopped"], r["started"], r["percent_display"]) for r in table] == [
        ("1", "About you", "0", "1", "0%"), ("2", "Social media in your company", "1", "1", "100%"),
        ("3", "Your own use", "0", "1", "0%"),
    ]


def test_each_version_has_its_own_drop_off(results, demo_survey):
    _partial(PAGE1)  # version 1, stopped on page 2
    version_publish(version=version_duplicate(version=demo_survey.open_version()))
    _partial(PAGE1, PAGE2)  # version 2, stopped on page 3
    submit_and_count(demo_survey, demo_answers())  # version 2, complete
    view = results.get(URL).context["view"]
    assert [(v.version, v.started, [p.stopped for p in v.pages]) for v in view.drop_off] == [
        (2, 2, [0, 0, 1]), (1, 1, [0, 1, 0]),
    ]
    html = results.get(URL + "?version=1").content.decode()
    assert 'id="dropoff-v1"' in html and 'id="dropoff-v2"' not in html
    assert "1 of 1 respondent who started stopped before the end" in html


def test_it_says_that_the_answer_filters_do_not_apply(results, demo_survey):
    _partial(PAGE1)
    note = "the date, segment and condition filters do not apply to this table"
    assert note not in results.get(URL).content.decode()
    for query in ("?segment=role:it", "?where=role+%3D+it", "?from=2000-01-01"):
        html = results.get(URL + query).content.decode()
        assert note in html and 'id="dropoff-v1"' in html, query
