"""Per-client counters in fixed windows (`core.counters`, the client as
`core.clients.client_address` names it), and on them a throttle of failed lookups of
secrets (invitation links, resume links).

Failed lookups are counted per client (`core.clients.client_address`) and scope in the
cache, in fixed windows. From `limit` failures on, *every* lookup of that scope from that
client is refused, lookups that would succeed included, until the window ends: letting
valid secrets through would make the throttle an oracle (a guess that works would answer
differently from one that is refused). Other clients are never affected. The throttle
fails open: with the cache down, lookups go on unthrottled, since refusing every
respondent is worse than a burst of guesses at 256-bit tokens.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.http import HttpRequest

from core.clients import client_address
from core.counters import window_count, window_count_add

logger = logging.getLogger(__name__)


def client_count_add(name: str, request: HttpRequest, window: int) -> int:
    """Add one to this client's counter `name` in the current window of `window` seconds
    and return it. Raises the cache's error: each caller decides how to fail open."""
    return window_count_add(name, client_address(request), window)


def client_count(name: str, request: HttpRequest, window: int) -> int:
    """This client's counter `name` in the current window (0 when none)."""
    return window_count(name, client_address(request), window)


class Throttled(Exception):
    """Too many failed lookups from this client: refuse without looking."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"throttled, retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class FailureThrottle:
    scope: str
    limit: int
    window: int  # seconds

    @property
    def _name(self) -> str:
        return f"failures:{self.scope}"

    def check(self, request: HttpRequest) -> None:
        """Raise Throttled while this client is refused."""
        try:
            failures = client_count(self._name, request, self.window)
        except Exception as exc:  # the cache is down: fail open
            logger.warning("%s throttle unavailable, allowing the lookup: %s", self.scope, exc)
            return
        if failures >= self.limit:
            # The whole window: an upper bound, as the fixed window may end sooner.
            raise Throttled(retry_after=self.window)

    def record_failure(self, request: HttpRequest) -> None:
        try:
            client_count_add(self._name, request, self.window)
        except Exception as exc:
            logger.warning("%s throttle unavailable, not counting a failed lookup: %s", self.scope, exc)
