"""Downloads of a question's chart and table from the questions page, in Chromium: the SVG
saved as drawn by the server (a title, the base, the filters and the source inside), the
PNG drawn from it in the browser at twice its size; from the keyboard, with nothing
blocked by the Content-Security-Policy, at 1280 and 375 px."""

import re
import struct
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.kit.browser import assert_clean, shots, sign_in
from tests.kit.data import bulk_responses
from tests.kit.habits import habits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WIDTH = 360  # results.charts.WIDTH: the narrowest chart or table, in SVG units


@pytest.fixture
def survey(viewer):
    from surveys.definition_files import definition_from_data
    from surveys.services import survey_import

    version, _ = survey_import(definition=definition_from_data(habits()))
    version.survey.viewers.add(viewer)
    bulk_responses(version.survey, [
        {"team": team, "exercise": exercise, "tools": {"mail": "lots", "chat": "some"}}
        for team, exercise in [("sales", "always")] * 12 + [("ops", "rarely")] * 8
    ])
    return version.survey


def _download(page, name: str) -> Path:
    """Press the button named `name` from the keyboard; the saved file."""
    button = page.get_by_role("button", name=name)
    button.focus()
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    assert download.failure() is None
    return Path(download.path()), download.suggested_filename


def _svg(path: Path) -> ElementTree.Element:
    root = ElementTree.fromstring(path.read_bytes())
    assert root.tag == f"{SVG}svg"
    return root


def _texts(root: ElementTree.Element) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}text")]


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_it_downloads_a_chart_and_a_table_as_svg_and_png(open_page, live_server, survey):
    page = open_page(1280)
    sign_in(page, live_server, "/results/habits/questions/", "bob")

    path, filename = _download(page, re.compile(r"^Download SVG of the chart of How often do you exercise"))
    chart = _svg(path)
    assert filename == "habits-exercise-chart.svg"
    assert chart.find(f"{SVG}title").text == "How often do you exercise? (all respondents, base 20)"
    texts = _texts(chart)
    assert "How often do you exercise?" in texts
    assert "Base: 20 (all respondents)" in texts
    assert "Filters: All respondents, every version" in texts
    assert any(t.startswith("Source: Work habits, data as of ") for t in texts)
    assert "60%" in texts  # "Always": 12 of 20

    path, filename = _download(page, re.compile(r"^Download PNG of the chart of How often do you exercise"))
    width, height = _png_size(path)
    view = [float(n) for n in chart.get("viewBox").split()]
    assert filename == "habits-exercise-chart.png"
    assert (width, height) == (2 * view[2], 2 * view[3])

    path, filename = _download(page, re.compile(r"^Download SVG of the table of How often do you exercise"))
    table = _svg(path)
    assert filename == "habits-exercise-table.svg"
    assert table.find(f"{SVG}title").text == "How often do you exercise?: table"
    texts = _texts(table)
    assert {"Total", "Sales (A)", "Operations (B)", "NET: Often or more", "Base", "Filters: All respondents, "
            "every version"} <= set(texts)

    path, filename = _download(page, re.compile(r"^Download PNG of the table of How often do you exercise"))
    width, height = _png_size(path)
    assert filename == "habits-exercise-table.png"
    assert width >= 2 * WIDTH and height > 100

    assert_clean(page)
    shots(page, "results/questions-downloads", widths=(1280, 375))


def test_it_downloads_a_matrix_table(open_page, live_server, survey):
    page = open_page(375)
    sign_in(page, live_server, "/results/habits/questions/tools/", "bob")

    path, _ = _download(page, re.compile(r"^Download SVG of the table of How much do you use"))
    texts = _texts(_svg(path))
    assert {"E-mail", "Chat", "NET: At all", "Base", "100%"} <= set(texts)
    path, _ = _download(page, re.compile(r"^Download PNG of the chart of How much do you use"))
    assert _png_size(path)[0] == 2 * WIDTH
