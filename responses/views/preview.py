"""Test mode: staff run any version of a survey they edit at
/s/<slug>/preview/<version_id>/ (pages at .../p/<n>/). Its responses are marked `is_test`, never counted, and
can be restarted or deleted from the page. The builder's preview shows these pages in
frames of its own (core.framing), at phone and desktop widths."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.framing import framed_by_app
from responses.models import Response
from responses.views.flow import Flow, find_response, refused_while_throttled
from responses.views.run import resume, run, saved, thanks
from surveys.models import Survey, SurveyVersion


@framed_by_app
@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@refused_while_throttled
def survey_preview(request: HttpRequest, slug: str, version_id: int, page: int | None = None) -> HttpResponse:
    flow = _preview_flow(request, slug, version_id)
    response, token, adopted = find_response(request, flow)
    return run(request, flow, flow.preview_version, response, token, adopted, page)


@framed_by_app
@never_cache
@login_required
@refused_while_throttled
def preview_thanks(request: HttpRequest, slug: str, version_id: int) -> HttpResponse:
    return thanks(request, _preview_flow(request, slug, version_id))


@framed_by_app
@never_cache
@login_required
@refused_while_throttled
def preview_saved(request: HttpRequest, slug: str, version_id: int) -> HttpResponse:
    return saved(request, _preview_flow(request, slug, version_id))


@framed_by_app
@login_required
@refused_while_throttled
def preview_resume(request: HttpRequest, slug: str, version_id: int, token: str) -> HttpResponse:
    return resume(request, _preview_flow(request, slug, version_id), token)


@framed_by_app
@login_required
@require_POST
def preview_restart(request: HttpRequest, slug: str, version_id: int) -> HttpResponse:
    """Start a new test response (the current one stays until test responses are deleted)."""
    flow = _preview_flow(request, slug, version_id)
    http_response = redirect(flow.form_url)
    http_response.delete_cookie(flow.cookie_name, samesite="Lax")
    return http_response


@framed_by_app
@login_required
@require_POST
def delete_test_responses(request: HttpRequest, slug: str, version_id: int) -> HttpResponse:
    flow = _preview_flow(request, slug, version_id, permission="surveys.change_survey")
    # Test responses are never counted, so deleting them touches no result.
    deleted = Response.objects.filter(survey=flow.survey, is_test=True).delete()[1].get(Response._meta.label, 0)
    messages.success(request, f"Deleted {deleted} test response{'' if deleted == 1 else 's'}.")
    http_response = redirect(flow.form_url)
    http_response.delete_cookie(flow.cookie_name, samesite="Lax")
    return http_response


def _preview_flow(request: HttpRequest, slug: str, version_id: int, permission: str = "") -> Flow:
    user = request.user
    if not (user.is_staff and user.has_perm("surveys.view_survey")):
        raise PermissionDenied
    if permission and not user.has_perm(permission):
        raise PermissionDenied
    survey = get_object_or_404(Survey, slug=slug)
    if not survey.is_editable_by(user):  # test mode is for the survey's editors
        raise Http404("No such survey.")
    version = get_object_or_404(SurveyVersion, pk=version_id, survey=survey)
    return Flow(survey=survey, preview_version=version)
