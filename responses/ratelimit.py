"""Submissions per client per time window, set by SUBMIT_RATE_LIMIT ("60/m"; "0" is off).

A fixed-window counter per client in the cache (`core.counters`, Redis in production).
The limiter fails open: when the cache is down a respondent can still submit, since
losing an answer is worse than letting a burst through.
"""

import logging

from django.conf import settings

from core.throttle import client_count_add

logger = logging.getLogger(__name__)


def submission_allowed(request, scope: str = "submit") -> bool:
    limit, window = settings.SUBMIT_RATE_LIMIT
    if not limit:
        return True
    try:
        # Per client, not per peer: behind a trusted proxy each respondent has their own count.
        return client_count_add(f"ratelimit:{scope}", request, window) <= limit
    except Exception as exc:  # the cache is down or misconfigured: fail open
        logger.warning("rate limiter unavailable, allowing the request: %s", exc)
        return True
