"""Tasks are sent once the transaction commits (core.tasks.enqueue_on_commit): a task, a
task by name, or a function that sends by itself; never after a rollback; a failed
publish raised, or handed to `on_error`."""

from unittest import mock

import pytest
from django.db import transaction
from kombu.exceptions import OperationalError

from core import tasks
from core.tasks import enqueue_on_commit
from ops.tasks import heartbeat_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def delay():
    with mock.patch.object(heartbeat_task, "delay") as fake:
        yield fake


@pytest.fixture
def apply_async():
    with mock.patch.object(heartbeat_task, "apply_async") as fake:
        yield fake


@pytest.fixture
def send_task():
    with mock.patch.object(tasks.current_app, "send_task") as fake:
        yield fake


def test_it_sends_a_task_only_once_the_transaction_commits(delay, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_on_commit(heartbeat_task, "web")
        assert not delay.called

    assert len(callbacks) == 1
    delay.assert_called_once_with("web")


def test_it_sends_nothing_when_the_transaction_rolls_back(delay, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue_on_commit(heartbeat_task, "web")
            raise RuntimeError("rolled back")

    assert callbacks == []
    assert not delay.called


def test_it_passes_sending_options_through_apply_async(apply_async, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(heartbeat_task, "web", options={"retry": False, "countdown": 2})

    apply_async.assert_called_once_with(("web",), {}, retry=False, countdown=2)


def test_it_sends_a_task_by_name(send_task, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit("analytics.count_response", "42", options={"countdown": 0.4})

    send_task.assert_called_once_with("analytics.count_response", args=("42",), kwargs={}, countdown=0.4)


def test_it_calls_a_function_that_sends_by_itself(django_capture_on_commit_callbacks):
    sent = []
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(sent.append, "response-1")
        assert sent == []

    assert sent == ["response-1"]


def test_it_refuses_sending_options_for_a_function_at_once():
    with pytest.raises(TypeError):
        enqueue_on_commit(print, "x", options={"countdown": 1})


@pytest.mark.django_db(transaction=True)
def test_it_sends_at_once_in_autocommit_and_raises_a_failed_publish(delay):
    delay.side_effect = OperationalError("broker down")

    with pytest.raises(OperationalError):
        enqueue_on_commit(heartbeat_task, "web")


@pytest.mark.django_db(transaction=True)
def test_it_hands_a_failed_publish_to_on_error(send_task):
    send_task.side_effect = OperationalError("broker down")
    errors = []

    enqueue_on_commit("ops.heartbeat", "web", on_error=errors.append)

    assert [str(e) for e in errors] == ["broker down"]
