"""The migration that numbers responses (responses 0010): on a database filled before it,
each survey's ended responses are numbered 1, 2, ... by completion time, partial ones stay
unnumbered, and the next completion takes the number after the last."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from responses.models import Response
from responses.services import response_submit
from surveys.models import Survey
from tests.kit.demo import demo_answers

# Every app at its latest migration but responses, and those whose latest migration needs
# responses 0010 or later (webhooks; analytics 0010, the partial counts by page).
BEFORE = {"responses": "0009_outcomes", "webhooks": None, "analytics": "0009_duration_count"}


def _latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_it_numbers_ended_responses_by_completion_time(demo_survey):
    executor = MigrationExecutor(connection)
    before = [(app, BEFORE.get(app, name)) for app, name in _latest()]
    executor.migrate(before)
    old_apps = executor.loader.project_state([node for node in before if node[1]]).apps
    OldResponse = old_apps.get_model("responses", "Response")
    version_id = demo_survey.open_version().pk
    now = timezone.now()

    def old(status: str, minutes_ago: int | None) -> str:
        completed = None if minutes_ago is None else now - timedelta(minutes=minutes_ago)
        return str(OldResponse.objects.create(
            survey_id=demo_survey.pk, version_id=version_id, submission_id=uuid.uuid4(), status=status,
            completed_at=completed,
        ).pk)

    late, partial, early, screened = old("complete", 1), old("partial", None), old("complete", 30), old(
        "screened_out", 10
    )

    MigrationExecutor(connection).migrate(_latest())

    numbers = dict(Response.objects.values_list("id", "completed_seq"))
    assert {str(k): v for k, v in numbers.items()} == {early: 1, screened: 2, late: 3, partial: None}
    survey = Survey.objects.get(pk=demo_survey.pk)
    result = response_submit(survey=survey, version=survey.open_version(), submission_id=uuid.uuid4(),
                             answers=demo_answers())
    assert result.response.completed_seq == 4
