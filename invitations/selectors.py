"""Finding an invitation by the token in its link, with a throttle on failed lookups.

A wrong, guessed, malformed, expired, revoked or erased token, or one for another survey,
is simply "not found": every caller answers them alike (a 404 page, a 403 API error), so
the answer tells nothing about which tokens exist.

Failed lookups are counted per client in the cache (a fixed window); from
`FAILURE_LIMIT` failures on, *every* lookup from that client is refused, valid tokens
included, until the window ends. Letting valid tokens through would keep the throttle
an oracle (a guess that works answers differently from one that is refused). The
throttle fails open: with the cache down, lookups go on unthrottled.
"""

from __future__ import annotations

import hmac
import logging
import time

from django.core.cache import cache
from django.http import HttpRequest

from invitations import tokens
from invitations.models import Invitation
from surveys.models import Survey

logger = logging.getLogger(__name__)

FAILURE_LIMIT = 10
FAILURE_WINDOW = 600  # seconds


class InvitationThrottled(Exception):
    """Too many failed lookups from this client: refuse without looking."""

    retry_after = FAILURE_WINDOW


def _client(request: HttpRequest) -> str:
    # Behind a proxy REMOTE_ADDR is the proxy's address unless the proxy passes the
    # client's (see responses.ratelimit, which keys submissions the same way).
    return request.META.get("REMOTE_ADDR", "unknown")


def _failure_key(request: HttpRequest) -> str:
    return f"invitation-failures:{_client(request)}:{int(time.time() // FAILURE_WINDOW)}"


def _throttled(request: HttpRequest) -> bool:
    try:
        return (cache.get(_failure_key(request)) or 0) >= FAILURE_LIMIT
    except Exception as exc:  # the cache is down: fail open
        logger.warning("invitation throttle unavailable, allowing the lookup: %s", exc)
        return False


def _record_failure(request: HttpRequest) -> None:
    key = _failure_key(request)
    try:
        if not cache.add(key, 1, timeout=FAILURE_WINDOW + 1):
            cache.incr(key)
    except Exception as exc:
        logger.warning("invitation throttle unavailable, not counting a failed lookup: %s", exc)


def invitation_by_token(token: str, *, survey: Survey | None = None) -> Invitation | None:
    """The usable invitation whose link carries `token`, or None. No throttle: callers
    facing the outside use `invitation_for_request`."""
    if not tokens.is_well_formed(token):
        return None
    invitation = Invitation.objects.select_related("survey").filter(token_hash=tokens.hash_token(token)).first()
    if invitation is None or (survey is not None and invitation.survey_id != survey.pk):
        return None
    # A token derived with an earlier SECRET_KEY still matches its stored hash; recomputing
    # it with the current key makes a key rotation invalidate the links already sent.
    if not hmac.compare_digest(invitation.token(), token):
        return None
    return invitation if invitation.is_usable() else None


def invitation_for_request(request: HttpRequest, token: str, *, survey: Survey | None = None) -> Invitation | None:
    """`invitation_by_token`, throttled per client. Raises InvitationThrottled."""
    if _throttled(request):
        raise InvitationThrottled
    invitation = invitation_by_token(token, survey=survey)
    if invitation is None:
        _record_failure(request)
    return invitation
