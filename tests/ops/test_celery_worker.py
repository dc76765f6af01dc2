"""A real worker process consumes tasks enqueued on commit, and never those of a
transaction that rolled back."""

import pytest
from django.db import transaction

from ops.models import Heartbeat
from ops.tasks import heartbeat_task
from tests.kit.waiting import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_it_runs_a_task_enqueued_on_commit(celery_worker_process):
    with transaction.atomic():
        heartbeat_task.delay_on_commit("committed")
        # Not sent yet: the transaction that asked for it has not committed.
        assert not Heartbeat.objects.filter(name="committed").exists()
    wait_for(lambda: Heartbeat.objects.filter(name="committed").exists())


def test_it_never_runs_a_task_enqueued_in_a_rolled_back_transaction(celery_worker_process):
    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        heartbeat_task.delay_on_commit("rolled-back")
        raise Rollback
    # One worker process with concurrency 1 consumes in order: once a task sent after
    # the rolled-back one has run, the rolled-back one would have run too, had it been sent.
    heartbeat_task.delay("sent-after")
    wait_for(lambda: Heartbeat.objects.filter(name="sent-after").exists())
    assert not Heartbeat.objects.filter(name="rolled-back").exists()
