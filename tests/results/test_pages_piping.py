"""Results pages show a piped text with each reference as its code in brackets, never the
`[[ ]]` syntax nor anyone's answer."""

from __future__ import annotations

import pytest

from surveys.definition_files import definition_from_data
from surveys.services import survey_import
from tests.kit.piping import PIPED

pytestmark = pytest.mark.django_db


@pytest.fixture
def piped(manager):
    version, _ = survey_import(definition=definition_from_data(PIPED), editors=[manager])
    return version.survey


def test_the_questions_page_shows_references_as_codes_in_brackets(alice, piped):
    html = alice.get("/results/piped/questions/").content.decode()

    assert "How often does your [industry] company use Twitter?" in html
    assert "Daily, [nickname]" in html  # a choice's label
    assert "[[" not in html.replace("[[brackets]]", "")  # only the literal brackets stay doubled


def test_a_questions_own_page_too(alice, piped):
    html = alice.get("/results/piped/questions/usage/").content.decode()

    assert "How often does your [industry] company use Twitter?" in html
