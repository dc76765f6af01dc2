"""Counters in fixed time windows, kept in the cache (Redis in production): the one key
scheme for every count of this kind (the submission rate limit, the failed-lookup
throttles, failed sign-ins per username).

A counter is named (`ratelimit:submit`, `failures:invitation`, ...) and counts for one
subject (a client's address, a hashed username) in windows of `window` seconds: its key
is `<name>:<subject>:<window number>`, so it starts again from 0 in each window and
expires just after it, with nothing to clean up. A fixed window lets up to twice the
limit through around a window's edge; that is the price of one `INCR` per request.

The cache's errors are raised: each caller decides how to fail open.
"""

from __future__ import annotations

import time

from django.core.cache import cache


def _key(name: str, subject: str, window: int) -> str:
    return f"{name}:{subject}:{int(time.time() // window)}"


def window_count_add(name: str, subject: str, window: int) -> int:
    """Add one to the counter `name` of `subject` in the current window and return it."""
    key = _key(name, subject, window)
    # add() then incr(): both atomic in the cache, so concurrent requests never lose a count.
    if cache.add(key, 1, timeout=window + 1):
        return 1
    return cache.incr(key)


def window_count(name: str, subject: str, window: int) -> int:
    """The counter `name` of `subject` in the current window (0 when none)."""
    return cache.get(_key(name, subject, window)) or 0
