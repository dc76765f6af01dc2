"""The public link of a survey: /s/<slug>/ (which sends the respondent to their page),
its pages /s/<slug>/p/<n>/, the saved and thank-you pages and resume links."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from responses.hidden import arriving_hidden, hidden_to_cookie
from responses.selectors import survey_with_open_version
from responses.views.flow import Flow, find_response, refused_while_throttled
from responses.views.run import refusal_page, resume, run, saved, thanks, unavailable_page
from surveys.models import Survey


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@refused_while_throttled
def survey_form(request: HttpRequest, slug: str, page: int | None = None) -> HttpResponse:
    # The survey and its open version in one query, passed down: every request of the
    # respondent's path starts here.
    survey, open_version = survey_with_open_version(slug)
    if survey is None:
        raise Http404("No such survey.")
    flow = Flow(survey=survey)
    response, token, adopted = find_response(request, flow)
    arrived = False
    if response is not None:
        flow.hidden = response.hidden_values
    else:
        flow.hidden, arrived = arriving_hidden(request, flow.survey)
    if response is None or not response.is_ended:
        if not survey.is_public:
            return unavailable_page(request, survey, "invitation_only", 403)
        refusal = refusal_page(request, survey, open_version)
        if refusal is not None:
            # A panel respondent (who came with hidden values) goes back to the panel.
            closed = survey.redirect("closed", flow.hidden)
            return redirect(closed) if closed and refusal.status_code == 410 else refusal
    version = response.version if response is not None else open_version
    http_response = run(request, flow, version, response, token, adopted, page)
    return hidden_to_cookie(http_response, slug, flow.hidden) if arrived else http_response


@never_cache
@refused_while_throttled
def survey_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    # Invitees are thanked through their own link (/i/<token>/thanks/): the public one does
    # not show an invitation-only survey's closing text to whoever knows its slug.
    survey, open_version = survey_with_open_version(slug)
    if survey is None or not survey.is_public:
        raise Http404("No such survey.")
    return thanks(request, Flow(survey=survey), open_version)


@never_cache
@refused_while_throttled
def survey_saved(request: HttpRequest, slug: str) -> HttpResponse:
    return saved(request, Flow(survey=get_object_or_404(Survey, slug=slug)))


@refused_while_throttled
def survey_resume(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    return resume(request, Flow(survey=get_object_or_404(Survey, slug=slug)), token)
