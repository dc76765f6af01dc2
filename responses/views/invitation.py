"""A personal invitation link: /i/<token>/ (which sends the invitee to their page), its
pages /i/<token>/p/<n>/, and its saved and thank-you pages. The invitee's one
response is found through the invitation, so the link resumes it from any browser."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from invitations.services import invitation_opened
from invitations.views import invitation_or_refusal
from responses.hidden import invitee_hidden
from responses.models import Response
from responses.views.flow import Flow
from responses.views.run import completed, ended, refusal_page, run, saved, thanks


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_form(request: HttpRequest, token: str, page: int | None = None) -> HttpResponse:
    flow, refusal = _invitation_flow(request, token)
    if refusal is not None:
        return refusal
    invitation = flow.invitation
    response = Response.objects.select_related("version").filter(invitation=invitation).first()
    if response is not None and response.is_ended:
        return completed(request, flow) if response.is_complete else ended(request, flow, response)
    if invitation.completed_at is not None:
        return completed(request, flow)
    open_version = flow.survey.open_version()
    flow.hidden = response.hidden_values if response is not None else invitee_hidden(flow.survey, invitation)
    refusal = refusal_page(request, flow.survey, open_version)
    if refusal is not None:
        # A panel respondent who can no longer answer goes back to the panel.
        closed = flow.survey.redirect("closed", flow.hidden)
        return redirect(closed) if closed and refusal.status_code == 410 else refusal
    invitation_opened(invitation=invitation)
    version = response.version if response is not None else open_version
    return run(request, flow, version, response, None, False, page)


@never_cache
def invitation_thanks(request: HttpRequest, token: str) -> HttpResponse:
    flow, refusal = _invitation_flow(request, token)
    if refusal is not None:
        return refusal
    return thanks(request, flow)


@never_cache
def invitation_saved(request: HttpRequest, token: str) -> HttpResponse:
    flow, refusal = _invitation_flow(request, token)
    if refusal is not None:
        return refusal
    return saved(request, flow)


def _invitation_flow(request: HttpRequest, token: str) -> tuple[Flow | None, HttpResponse | None]:
    """The flow of a personal link, or the page that refuses the link."""
    invitation, refusal = invitation_or_refusal(request, token)
    if refusal is not None:
        return None, refusal
    return Flow(survey=invitation.survey, invitation=invitation, invitation_token=token), None
