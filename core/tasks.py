"""Tasks are sent once the transaction that wrote their input commits: the one way this
code base enqueues from a request or a service.

A task sent inside a transaction can start before the commit and find nothing, or the old
rows; one sent from a transaction that rolls back works on what was never written.
`enqueue_on_commit` sends at once in autocommit, after the commit inside `atomic`, and
never after a rollback (Django's `transaction.on_commit`, as Celery's `delay_on_commit`).

What is sent is one of:
- a Celery task;
- the name of one, where the caller may not import the app that defines it (data flows
  one way: `responses` asks `analytics` to count by task name);
- a function that sends by itself, for a caller that decides at commit time whether to
  send at all (`responses.counting_request.request_counting` folds close requests into
  one delayed task).

A publish that fails (the broker down) raises by default: at once in autocommit, so
that a view can tell the user. With `on_error` the error is handed to it instead, for a
caller whose work is also done later by a sweep or a reconciliation and that only logs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from celery import Task, current_app
from django.db import transaction

Sendable = Task | str | Callable[..., object]
OnError = Callable[[Exception], object]


def enqueue_on_commit(task: Sendable, *args: Any, options: Mapping[str, Any] | None = None,
                      on_error: OnError | None = None, **kwargs: Any) -> None:
    """Send `task` with these arguments once the current transaction commits.

    `options` are Celery's sending options (`countdown`, `retry`, `queue`, ...); a
    function that sends by itself takes none."""
    _check(task, options)
    transaction.on_commit(functools.partial(enqueue, task, *args, options=options, on_error=on_error, **kwargs))


def enqueue(task: Sendable, *args: Any, options: Mapping[str, Any] | None = None,
            on_error: OnError | None = None, **kwargs: Any) -> None:
    """Send `task` now (`enqueue_on_commit` calls this after the commit)."""
    _check(task, options)
    try:
        if isinstance(task, str):
            current_app.send_task(task, args=args, kwargs=kwargs, **(options or {}))
        elif isinstance(task, Task):
            # Without options through `delay`, as `delay_on_commit` does (and tests replace it).
            if options:
                task.apply_async(args, kwargs, **options)
            else:
                task.delay(*args, **kwargs)
        else:
            task(*args, **kwargs)
    except Exception as exc:
        if on_error is None:
            raise
        on_error(exc)


def _check(task: Sendable, options: Mapping[str, Any] | None) -> None:
    # A mistake of the caller, raised where it is made: never handed to `on_error`.
    if options and not isinstance(task, str | Task):
        raise TypeError(f"{task!r} sends by itself: it takes no sending options")
