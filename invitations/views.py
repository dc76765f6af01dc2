"""The opt-out page of an invitation e-mail: `/i/<token>/opt-out/`.

A GET only shows a confirmation (mail scanners and link previews follow links); the
POST opts out. The form itself is served by `responses` at `/i/<token>/`.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from invitations.models import Invitation
from invitations.selectors import InvitationThrottled, invitation_for_request
from invitations.services import invitation_opt_out


def invitation_not_found(request: HttpRequest) -> HttpResponse:
    """The one answer to every token that does not work, whatever the reason."""
    return render(request, "invitations/not_found.html", status=404)


def invitation_throttled(request: HttpRequest) -> HttpResponse:
    response = render(request, "invitations/throttled.html", status=429)
    response["Retry-After"] = str(InvitationThrottled.retry_after)
    return response


def invitation_or_refusal(request: HttpRequest, token: str) -> tuple[Invitation | None, HttpResponse | None]:
    """The invitation of a personal link, or the page that refuses it: one 404 page for
    every token that does not work (wrong, expired, revoked, erased), a 429 page while
    this client is throttled. The personal form (in `responses`) starts with it too."""
    try:
        invitation = invitation_for_request(request, token)
    except InvitationThrottled:
        return None, invitation_throttled(request)
    if invitation is None:
        return None, invitation_not_found(request)
    return invitation, None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def opt_out(request: HttpRequest, token: str) -> HttpResponse:
    invitation, refusal = invitation_or_refusal(request, token)
    if refusal is not None:
        return refusal
    if request.method == "POST":
        invitation_opt_out(invitation=invitation)
        return render(request, "invitations/opted_out.html", {"survey": invitation.survey})
    done = invitation.opted_out_at is not None
    template = "invitations/opted_out.html" if done else "invitations/opt_out.html"
    return render(request, template, {"survey": invitation.survey, "token": token})
