"""Results of a survey that is not the demo: exactly the NETs it declares (none when it
declares none), its saved crosstab views linked and shown with their highlighted cell."""

import csv
import io
import random

import pytest

from surveys.definition_files import definition_from_data
from surveys.models import Net
from surveys.services import survey_import
from tests.kit.data import bulk_responses
from tests.kit.habits import habits

pytestmark = pytest.mark.django_db

EXERCISE = ("rarely", "sometimes", "often", "always")
TOOLS = ("no", "some", "lots")
VIEW = "?row=exercise&col=tools.chat&segment=team:sales"


def _survey(viewer, **changes):
    version, _ = survey_import(definition=definition_from_data(habits(**changes)))
    version.survey.viewers.add(viewer)
    return version.survey


@pytest.fixture
def results(client, viewer):
    client.force_login(viewer)
    return client


def _random_answers(n: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    return [
        {"team": rng.choice(("sales", "ops")), "exercise": rng.choice(EXERCISE),
         "tools": {"mail": rng.choice(TOOLS), "chat": rng.choice(TOOLS)}}
        for _ in range(n)
    ]


def _lines(table) -> dict:
    return {line.code: line for line in table.lines}


def test_it_shows_the_nets_a_survey_declares(results, viewer):
    survey = _survey(viewer)
    sets = _random_answers(60)
    bulk_responses(survey, sets)

    response = results.get("/results/habits/questions/exercise/")

    table = response.context["report"].tables[0]
    assert [(line.code, line.net) for line in table.lines] == [
        *((code, False) for code in EXERCISE), ("often_plus", True),
    ]
    net = _lines(table)["often_plus"]
    assert (net.label, net.cells[0].count) == ("Often or more", sum(s["exercise"] in ("often", "always") for s in sets))
    assert "NET: Often or more" in response.content.decode()


def test_it_applies_a_matrix_net_to_every_row(results, viewer):
    survey = _survey(viewer)
    sets = _random_answers(60, seed=1)
    bulk_responses(survey, sets)

    report = results.get("/results/habits/questions/tools/").context["report"]

    for table in report.tables:
        assert [line.code for line in table.lines if line.net] == ["any_use"]
        net = _lines(table)["any_use"]
        assert (net.label, net.cells[0].count) == ("At all", sum(s["tools"][table.row.code] != "no" for s in sets))


def test_it_shows_no_nets_where_none_are_declared(results, viewer):
    survey = _survey(viewer, nets=[], views=[])
    bulk_responses(survey, _random_answers(30))

    reports = results.get("/results/habits/questions/").context["reports"]
    text = results.get("/results/habits/questions/?format=csv").content.decode()
    counts = text.split("# counts\r\n", 1)[1].split("\r\n\r\n", 1)[0]
    rows = list(csv.DictReader(io.StringIO(counts)))

    assert not [line for report in reports for table in report.tables for line in table.lines if line.net]
    assert rows and {row["net"] for row in rows} == {"False"}


def test_it_shows_a_net_added_while_the_version_is_open(results, viewer):
    survey = _survey(viewer, nets=[], views=[])
    bulk_responses(survey, _random_answers(30))
    url = "/results/habits/questions/exercise/"
    assert "NET:" not in results.get(url).content.decode()  # the compiled definition is cached now

    net = Net.objects.create(survey=survey, question_code="exercise", code="top", label="Always",
                             choices=["always"])
    assert "NET: Always" in results.get(url).content.decode()
    net.delete()
    assert "NET:" not in results.get(url).content.decode()


def test_it_links_the_saved_views_from_the_overview_and_the_crosstab(results, viewer):
    _survey(viewer)

    overview = results.get("/results/habits/").content.decode()
    crosstab = results.get("/results/habits/crosstab/").content.decode()

    query = VIEW.replace("&", "&amp;")
    assert f'<a href="/results/habits/crosstab/{query}">Fit chatters: exercise against chat</a>' in overview
    assert f'<a href="{query}">Fit chatters view</a>' in crosstab


def test_it_links_no_saved_view_when_none_is_declared(results, viewer):
    _survey(viewer, views=[])

    for url in ("/results/habits/", "/results/habits/crosstab/"):
        assert "?row=" not in results.get(url).content.decode()


def _pairs(survey, pairs: list[tuple[str, str]], team: str = "sales") -> None:
    bulk_responses(survey, [
        {"team": team, "exercise": exercise, "tools": {"mail": "some", "chat": chat}} for exercise, chat in pairs
    ])


def test_it_shows_the_highlighted_cell_of_a_saved_view(results, viewer):
    survey = _survey(viewer)
    _pairs(survey, [("rarely", "no")] * 3 + [("rarely", "lots")] * 7 + [("often", "no")] * 4 + [("often", "some")] * 6)
    _pairs(survey, [("rarely", "lots")] * 9, team="ops")  # outside the view's segment

    response = results.get(f"/results/habits/crosstab/{VIEW}")

    paired = response.context["tab"].paired
    assert (paired.row_zero.code, paired.column_zero.code) == ("rarely", "no")
    assert paired.table == [[3, 7], [4, 6]]
    assert (paired.cell.count, paired.cell.base) == (7, 20)
    assert "Paired answers: “Rarely” against “Not at all”" in response.content.decode()


def test_it_pairs_the_zero_points_that_all_but_nets_declare(results, viewer):
    survey = _survey(viewer, views=[])
    bulk_responses(survey, _random_answers(30))

    paired = results.get("/results/habits/crosstab/?row=tools.chat&col=tools.mail").context["tab"].paired

    assert (paired.row_zero.code, paired.column_zero.code) == ("no", "no")


@pytest.mark.parametrize(("changes", "query"), [
    ({}, "?row=exercise&col=tools.mail"),  # no saved view of these two; `exercise` has no zero point
    ({"nets": [], "views": []}, "?row=tools.chat&col=tools.mail"),
    ({"nets": [], "views": []}, "?row=exercise&col=tools.chat"),
])
def test_it_offers_no_paired_test_that_the_survey_does_not_declare(results, viewer, changes, query):
    survey = _survey(viewer, **changes)
    bulk_responses(survey, _random_answers(30))

    response = results.get(f"/results/habits/crosstab/{query}")

    assert response.context["tab"].paired is None
    assert "Paired answers" not in response.content.decode()
