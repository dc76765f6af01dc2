"""Holds a test worker's counting inside its claiming transaction, so that a test can kill
the process mid-count (test_worker_killed.py). Loaded only by that worker
(`celery -A config worker --include tests.analytics.count_hold`), after Django is set up;
production code knows nothing of it.

While the file `$COUNT_HOLD_DIR/hold` exists, a count that has claimed its responses'
"uncounted" markers (deleted, not yet committed) writes `holding-<pid>` beside it and
waits, before it adds anything to the count tables.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from analytics import counting

HOLD_DIR = "COUNT_HOLD_DIR"

_responses_apply = counting.responses_apply


def _hold() -> None:
    hold_dir = os.environ.get(HOLD_DIR)
    if not hold_dir or not (Path(hold_dir) / "hold").exists():
        return
    (Path(hold_dir) / f"holding-{os.getpid()}").touch()
    while (Path(hold_dir) / "hold").exists():
        time.sleep(0.05)


def _held_responses_apply(responses, sign: int) -> None:
    # `response_count` and `pending_count` call this after deleting the markers they
    # claimed, in the same transaction.
    _hold()
    _responses_apply(responses, sign)


counting.responses_apply = _held_responses_apply
