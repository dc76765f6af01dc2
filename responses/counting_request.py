"""Asking the counting engine to count, by task name (this app never imports `analytics`),
once the response is committed (`core.tasks.enqueue_on_commit(request_counting, ...)`).

The respondent never waits on the broker: one publish attempt with a short timeout, and
after a failure no attempt for a few seconds (the counting sweep picks those responses
up), so a broker that hangs instead of refusing costs one slow request, not every one.

The count task is sent to start a moment later (`countdown`) and counts every pending
response, not only the one that sent it. So while a task this process sent has yet to
start, a later submission needs no task of its own: its response is committed before
that task starts, and is counted by it. Under a burst, a few tasks a second then count
hundreds of responses, instead of one task each. The margin allows for clocks of web and
worker hosts that disagree slightly (the start time is absolute, set by this host).
"""

from __future__ import annotations

import logging
import time
import uuid

from django.conf import settings

from core.tasks import enqueue

logger = logging.getLogger(__name__)

COUNT_TASK = "analytics.count_response"
CLOCK_MARGIN_SECONDS = 0.1  # the delay itself is settings.COUNT_DELAY_SECONDS

_BROKER_PAUSE_SECONDS = 5.0
_broker_down_until = 0.0  # time.monotonic()
_task_starts_at = 0.0  # time.time() of the start of the last task sent from this process


def request_counting(response_id: uuid.UUID) -> None:
    global _broker_down_until, _task_starts_at
    if time.monotonic() < _broker_down_until:
        return
    now, delay = time.time(), settings.COUNT_DELAY_SECONDS
    if now < _task_starts_at - CLOCK_MARGIN_SECONDS:
        return  # the task sent a moment ago starts after this commit: it counts this response
    try:
        enqueue(COUNT_TASK, str(response_id), options={"countdown": delay, "retry": False})
    except Exception as exc:  # any broker failure: log it, never show it
        _broker_down_until = time.monotonic() + _BROKER_PAUSE_SECONDS
        logger.warning("Could not ask for counting of response %s (the sweep will count it): %s", response_id, exc)
    else:
        _task_starts_at = now + delay
