"""The random order of one response (surveys.ordering): drawn from its submission id, so
that a respondent's first page, shown before their response exists, is in the order the
response stores when it is created; read back from the response afterwards.

The seed is the id signed with the server's secret (`order_seed`): the form posts the id
back, and a respondent who chose their own id could otherwise choose their order."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from typing import Any

from django.conf import settings

from invitations.models import Invitation
from responses.models import Response
from surveys.ordering import draw_order, stored_order
from surveys.selectors import CompiledVersion


def order_seed(submission_id: uuid.UUID | str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"order:{submission_id}".encode(), hashlib.sha256).hexdigest()


def first_submission_id(invitation: Invitation | None) -> uuid.UUID:
    """The submission id shown on the first page of a respondent who has no response yet. An
    invitee's is derived from their invitation (signed, as the seed is): until their response
    stores its order, every reload and every browser of the personal link shows page 1 in the
    same order, the one the response then stores, whichever of them posts first (the
    invitee has one response whatever the id posted). Anyone else gets a new one."""
    if invitation is None:
        return uuid.uuid4()
    key = hmac.new(settings.SECRET_KEY.encode(), f"invitation:{invitation.pk}".encode(), hashlib.sha256).digest()
    return uuid.UUID(bytes=key[:16], version=4)


def response_order(compiled: CompiledVersion, response: Response | None, submission_id: uuid.UUID) -> dict[str, Any]:
    """The order this respondent sees: their response's, else the one their submission id draws."""
    if response is not None and response.display_order:
        return response.display_order
    seed = response.submission_id if response is not None else submission_id
    return draw_order(compiled.definition, order_seed(seed))


def response_order_store(*, response: Response, compiled: CompiledVersion) -> None:
    """Keeps the drawn order with a response that has none yet (a new one). Drawn from the
    response's own submission id: when a double click's other request created the response,
    this is the order that request showed."""
    if response.display_order:
        return
    order = stored_order(compiled.definition, order_seed(response.submission_id))
    if order:
        # Conditional: two requests storing at once store the same order once.
        Response.objects.filter(pk=response.pk, display_order={}).update(display_order=order)
        response.display_order = order
