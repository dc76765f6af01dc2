"""Analytics 0010 counts partial responses by page: on a database whose partial status
counts were kept by day only, the migration refills them by the page each response is on,
equal to the recompute, leaving the other statuses as they were."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from analytics.models import StatusCount
from tests.kit.counts import assert_counts_exact
from tests.kit.form import PAGE1, PAGE2, post_page

BEFORE = ("analytics", "0009_duration_count")


@pytest.mark.django_db(transaction=True)
def test_it_refills_the_partial_counts_by_page(demo_survey):
    for pages in ((PAGE1,), (PAGE1, PAGE2), (PAGE1, PAGE2)):
        client = Client()
        for answers in pages:
            assert post_page(client, answers).status_code == 302
    version_id = demo_survey.open_version().pk
    StatusCount.objects.all().delete()
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    OldStatusCount = executor.loader.project_state([BEFORE]).apps.get_model("analytics", "StatusCount")
    today = timezone.localdate()
    OldStatusCount.objects.create(version_id=version_id, status="partial", day=today, n=3)  # as kept by day
    OldStatusCount.objects.create(version_id=version_id, status="excluded", day=today, n=2)

    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    rows = StatusCount.objects.filter(version_id=version_id).values_list("status", "page", "n")
    assert sorted(rows) == [("excluded", 0, 2), ("partial", 1, 1), ("partial", 2, 2)]
    StatusCount.objects.filter(status="excluded").delete()  # made up above: no such responses
    assert_counts_exact(demo_survey)
