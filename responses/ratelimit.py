"""Submissions per client per time window, set by SUBMIT_RATE_LIMIT ("60/m"; "0" is off).

A fixed-window counter in the cache (Redis in production). The limiter fails open: when
the cache is down a respondent can still submit, since losing an answer is worse than
letting a burst through.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache

from core.clients import client_address

logger = logging.getLogger(__name__)


def submission_allowed(request, scope: str = "submit") -> bool:
    limit, window = settings.SUBMIT_RATE_LIMIT
    if not limit:
        return True
    bucket = int(time.time() // window)
    # Per client, not per peer: behind a trusted proxy each respondent has their own count.
    key = f"ratelimit:{scope}:{client_address(request)}:{bucket}"
    try:
        if cache.add(key, 1, timeout=window + 1):
            return True
        return cache.incr(key) <= limit
    except Exception as exc:  # the cache is down or misconfigured: fail open
        logger.warning("rate limiter unavailable, allowing the request: %s", exc)
        return True
