"""Survey fixtures."""

import pytest

from surveys.models import SurveyVersion


@pytest.fixture
def open_version(demo_survey) -> SurveyVersion:
    return demo_survey.open_version()
