"""Finding an invitation by the token in its link, with a throttle on failed lookups.

A wrong, guessed, malformed, expired, revoked or erased token, or one for another survey,
is simply "not found": every caller answers them alike (a 404 page, a 403 API error), so
the answer tells nothing about which tokens exist.

Failed lookups are throttled per client (core.throttle: the client as
core.clients.client_address names it, so behind a trusted proxy each respondent has their
own count): from `FAILURE_LIMIT` failures in a window on, *every* lookup from that client
is refused, valid tokens included, until the window ends; other clients never are. The
throttle fails open: with the cache down, lookups go on unthrottled.
"""

from __future__ import annotations

import hmac

from django.http import HttpRequest

from core.throttle import FailureThrottle, Throttled
from core.tokens import hash_token
from invitations import tokens
from invitations.models import Invitation
from surveys.models import Survey

FAILURE_LIMIT = 10
FAILURE_WINDOW = 600  # seconds


class InvitationThrottled(Exception):
    """Too many failed lookups from this client: refuse without looking."""

    retry_after = FAILURE_WINDOW


_throttle = FailureThrottle(scope="invitation", limit=FAILURE_LIMIT, window=FAILURE_WINDOW)


def invitation_by_token(token: str, *, survey: Survey | None = None) -> Invitation | None:
    """The usable invitation whose link carries `token`, or None. No throttle: callers
    facing the outside use `invitation_for_request`."""
    if not tokens.is_well_formed(token):
        return None
    invitation = Invitation.objects.select_related("survey").filter(token_hash=hash_token(token)).first()
    if invitation is None or (survey is not None and invitation.survey_id != survey.pk):
        return None
    # A token derived with an earlier SECRET_KEY still matches its stored hash; recomputing
    # it with the current key makes a key rotation invalidate the links already sent.
    if not hmac.compare_digest(invitation.token(), token):
        return None
    return invitation if invitation.is_usable() else None


def invitation_for_request(request: HttpRequest, token: str, *, survey: Survey | None = None) -> Invitation | None:
    """`invitation_by_token`, throttled per client. Raises InvitationThrottled."""
    try:
        _throttle.check(request)
    except Throttled as exc:
        raise InvitationThrottled from exc
    invitation = invitation_by_token(token, survey=survey)
    if invitation is None:
        _throttle.record_failure(request)
    return invitation
