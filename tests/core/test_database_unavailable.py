"""A database that cannot be reached answers 503 with Retry-After: JSON in the API's
envelope under /api/, a short page elsewhere; never a 500."""

from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def _database_down():
    return mock.patch("responses.api._lookup", side_effect=OperationalError("connection refused"))


def test_it_answers_the_api_with_503_in_the_envelope(client, demo_survey):
    with _database_down():
        response = client.get(f"/api/v1/surveys/{demo_survey.slug}/")

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response.json()["errors"]["service"]


def test_it_answers_a_page_with_503_and_a_message(client, demo_survey):
    refused = OperationalError("connection refused")
    with mock.patch("responses.views.public.survey_with_open_version", side_effect=refused):
        response = client.get(f"/s/{demo_survey.slug}/")

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert b"Briefly unavailable" in response.content
