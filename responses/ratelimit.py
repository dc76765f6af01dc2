"""Submissions per client per time window, set by SUBMIT_RATE_LIMIT ("60/m"; "0" is off).

A fixed-window counter in the cache (Redis in production). The limiter fails open: when
the cache is down a respondent can still submit, since losing an answer is worse than
letting a burst through.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def client_key(request) -> str:
    # Behind a proxy REMOTE_ADDR is the proxy; deployments set up the proxy to pass the
    # client address (e.g. gunicorn's --forwarded-allow-ips with X-Forwarded-For).
    return request.META.get("REMOTE_ADDR", "unknown")


def submission_allowed(request, scope: str = "submit") -> bool:
    limit, window = settings.SUBMIT_RATE_LIMIT
    if not limit:
        return True
    bucket = int(time.time() // window)
    key = f"ratelimit:{scope}:{client_key(request)}:{bucket}"
    try:
        if cache.add(key, 1, timeout=window + 1):
            return True
        return cache.incr(key) <= limit
    except Exception as exc:  # the cache is down or misconfigured: fail open
        logger.warning("rate limiter unavailable, allowing the request: %s", exc)
        return True
