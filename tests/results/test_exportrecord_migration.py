"""Export records moved from analytics to results (results 0001/0002, analytics 0006): on a
database filled before the move, every record, and every permission granted on them, is
still there afterwards."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from results.models import ExportRecord

BEFORE = {"analytics": "0005_fill_counts", "results": None}


def _latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _before() -> list[tuple[str, str | None]]:
    """Every app at its latest migration but analytics and results, as before the move."""
    return [(app, BEFORE.get(app, name)) for app, name in _latest()]


@pytest.mark.django_db(transaction=True)
def test_it_keeps_export_records_and_their_permissions():
    executor = MigrationExecutor(connection)
    executor.migrate(_before())
    old_apps = executor.loader.project_state([node for node in _before() if node[1]]).apps
    assert "exportrecord" in old_apps.all_models["analytics"]
    Survey = old_apps.get_model("surveys", "Survey")
    OldRecord = old_apps.get_model("analytics", "ExportRecord")
    ContentType = old_apps.get_model("contenttypes", "ContentType")
    Permission = old_apps.get_model("auth", "Permission")
    OldUser = old_apps.get_model("auth", "User")

    survey = Survey.objects.create(slug="moved", title="Moved")
    user = OldUser.objects.create(username="carol")
    record = OldRecord.objects.create(survey=survey, user=user, kind="raw_csv", parameters={"version": 1}, rows=7)
    content_type, _ = ContentType.objects.get_or_create(app_label="analytics", model="exportrecord")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename="view_exportrecord", defaults={"name": "Can view export"}
    )
    user.user_permissions.add(permission)

    MigrationExecutor(connection).migrate(_latest())

    moved = ExportRecord.objects.get(pk=record.pk)
    assert (moved.survey.slug, moved.user.username, moved.kind, moved.parameters, moved.rows) == (
        "moved", "carol", "raw_csv", {"version": 1}, 7
    )
    assert User.objects.get(username="carol").has_perm("results.view_exportrecord")
    assert not User.objects.get(username="carol").has_perm("analytics.view_exportrecord")
