"""Charts and tables as downloadable SVG files: each stands alone, with its title, base,
filters and source drawn inside; the question table's SVG shows the page's percentages,
NETs, letters, suppressed cells and low-base flags; survey texts are escaped."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from results import charts
from results.report.scope import scope_for
from surveys.definition_files import definition_from_data
from surveys.services import survey_import
from tests.kit.data import bulk_responses
from tests.kit.habits import habits

SVG = "{http://www.w3.org/2000/svg}"
CAPTION = charts.Caption("Hours & <minutes>", "Base: 12 (Sales)", "Filters: Sales, every version",
                         "Source: Work habits, data as of 2024-03-02 09:00 UTC")


def _parse(svg: str) -> ElementTree.Element:
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def _texts(root: ElementTree.Element) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("draw", [
    lambda c: charts.bar_chart("chart-x", "Named", [charts.Bar("Yes", 60.0, "60%")], c),
    lambda c: charts.histogram_chart("chart-x", "Named", [charts.Bar("1", 60.0, "60%")], c),
    lambda c: charts.stacked_chart("chart-x", "Named", [charts.Stack("Row", [charts.Bar("Yes", 60.0, "60%")])],
                                   ["Yes"], c),
    lambda c: charts.daily_chart("chart-x", "Named", [], c),
])
def test_it_draws_the_caption_inside_every_chart(draw):
    root = _parse(draw(CAPTION))

    assert root.find(f"{SVG}title").text == "Named"
    texts = _texts(root)
    assert texts[:2] == ["Hours & <minutes>", "Base: 12 (Sales)"]  # escaped in the markup, read back whole
    assert texts[-2:] == ["Filters: Sales, every version", "Source: Work habits, data as of 2024-03-02 09:00 UTC"]
    # The caption makes room: the view box holds the notes under the chart.
    height = float(root.get("viewBox").split()[3])
    last = [t for t in root.iter(f"{SVG}text")][-1]
    assert float(last.get("y")) < height


def test_it_wraps_a_long_title_within_the_chart():
    title = "How often, in a usual week of work at the office or at home, do you take some exercise?"
    root = _parse(charts.bar_chart("chart-x", "Named", [], charts.Caption(title, "Base: 1 (all)", "F", "S")))
    lines = [t.text for t in root.iter(f"{SVG}text") if t.get("font-weight") == "bold"]
    assert len(lines) > 1 and " ".join(lines) == title
    assert max(len(line) for line in lines) <= 44  # 13px bold characters in the chart's 360 units


def test_it_draws_a_chart_without_a_caption_as_before():
    root = _parse(charts.bar_chart("chart-x", "Named", [charts.Bar("Yes", 60.0, "60%")]))
    assert _texts(root) == ["Yes", "60%"]


@pytest.fixture
def survey(viewer):
    version, _ = survey_import(definition=definition_from_data(habits()))
    # Sales: 40, 30 of whom exercise always; operations: 40, 10 of whom do; 3 of sales
    # pick a perk (a base under the minimum of 5).
    bulk_responses(version.survey, [
        {"team": team, "exercise": "always" if i < always else "rarely", "tools": {"mail": "lots", "chat": "some"},
         **({"perks": ["gym"]} if team == "sales" and i < 3 else {})}
        for team, always in (("sales", 30), ("ops", 10)) for i in range(40)
    ])
    return version.survey


def _report(survey, code: str, query: dict | None = None):
    from results.report.questions import question_report

    scope = scope_for(survey, query or {})
    return question_report(scope, scope.counts(), scope.questions[code])


@pytest.mark.django_db
def test_it_captions_a_question_chart_with_its_base_filters_and_source(survey):
    report = _report(survey, "exercise", {"segment": "team:sales"})

    texts = _texts(_parse(report.chart))
    assert texts[:2] == ["How often do you exercise?", "Base: 40 (Sales)"]
    assert texts[-2] == "Filters: Sales, every version"
    assert texts[-1].startswith("Source: Work habits, data as of ")


@pytest.mark.django_db
def test_it_draws_the_question_table_as_the_page_shows_it(survey):
    root = _parse(_report(survey, "exercise").table_svg)

    assert root.find(f"{SVG}title").text == "How often do you exercise?: table"
    texts = _texts(root)
    assert texts[:2] == ["How often do you exercise?", "Base: 80 (all respondents)"]
    assert ["Total", "Sales (A)", "Operations (B)"] == texts[2:5]
    always = texts.index("Always")
    # Total 50%; sales 75%, higher than operations (B); operations 25%.
    assert texts[always + 1:always + 5] == ["50%", "B", "75%", "25%"]
    net = texts.index("NET: Often or more")
    assert texts[net + 1:net + 5] == ["50%", "B", "75%", "25%"]
    base = texts.index("Base")
    assert texts[base + 1:base + 7] == ["low base", "80", "low base", "40", "low base", "40"]


@pytest.mark.django_db
def test_it_leaves_suppressed_cells_of_the_table_as_the_page_does(survey):
    texts = _texts(_parse(_report(survey, "perks").table_svg))

    gym = texts.index("Gym")
    assert texts[gym + 1:gym + 4] == ["n<5", "n<5", "—"]


@pytest.mark.django_db
def test_it_draws_a_matrix_summary_table(survey):
    texts = _texts(_parse(_report(survey, "tools").table_svg))

    assert texts[2:7] == ["Not at all", "Sometimes", "A lot", "NET: At all", "Base"]
    chat = texts.index("Chat")
    assert texts[chat + 1:chat + 7] == ["0%", "100%", "0%", "100%", "low base", "80"]


@pytest.mark.django_db
def test_it_draws_the_tables_of_rankings_and_numbers():
    from results.report.questions import question_report
    from tests.kit.ranking import ranking_answers, ranking_survey
    from tests.kit.surveys import EVERY_TYPE, every_type_answers

    ranking = ranking_survey()
    bulk_responses(ranking, [ranking_answers()] * 6)
    scope = scope_for(ranking, {})
    report = question_report(scope, scope.counts(), scope.questions["priorities"])
    texts = _texts(_parse(report.table_svg))
    assert texts[0] == "Put these in order of importance to you: ranked first"
    speed = texts.index("Speed")
    assert texts[speed + 1] == "100%"  # everyone ranks speed first (tests/kit/ranking.py)

    version, _ = survey_import(definition=definition_from_data(EVERY_TYPE))
    bulk_responses(version.survey, [every_type_answers(age=30), every_type_answers(age=40)] * 3)
    scope = scope_for(version.survey, {})
    texts = _texts(_parse(question_report(scope, scope.counts(), scope.questions["age"]).table_svg))
    assert texts[texts.index("n") + 1] == "6"
    assert texts[texts.index("Mean") + 1] == "35.0"
    assert texts[texts.index("Maximum") + 1] == "40.0"
