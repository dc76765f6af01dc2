"""The short resume link (/r/<token>/) and sending the resume link to oneself by e-mail
(/s/<slug>/resume/email/): see `responses.resume` for the choices behind them."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from core.clients import client_address
from core.throttle import Throttled
from core.tokens import hash_token
from responses.models import Response
from responses.resume import (
    ResumeEmailForm,
    ResumeEmailLimited,
    ResumeEmailUnavailable,
    base_url,
    resume_link,
    resume_link_send,
)
from responses.views.flow import _TOKEN_RE, Flow, _resume_throttle, cookie_response, refused_while_throttled
from responses.views.run import resume
from surveys.models import Survey


@never_cache
@require_safe
def resume_short(request: HttpRequest, token: str) -> HttpResponse:
    """The short link: finds the public partial response of any survey by its token, then
    resumes as `/s/<slug>/resume/<token>/` does (cookie, then the form)."""
    try:
        return _resume_short(request, token)
    except Throttled as exc:
        http_response = render(request, "responses/resume_link_unknown.html",
                               {"wait_minutes": -(-exc.retry_after // 60)}, status=429)
        http_response["Retry-After"] = str(exc.retry_after)
        return http_response


def _resume_short(request: HttpRequest, token: str) -> HttpResponse:
    # The same throttle as the long link and the cookie: a guess counts wherever it is made.
    _resume_throttle.check(request)
    found = None
    if _TOKEN_RE.fullmatch(token):
        found = (
            Response.objects.select_related("survey")
            .filter(resume_token_hash=hash_token(token), is_test=False, invitation__isnull=True)
            .first()
        )
    if found is None:
        _resume_throttle.record_failure(request)
        return render(request, "responses/resume_link_unknown.html", {}, status=404)
    # The survey's own resume (its cookie, its welcome back): one more indexed lookup, which
    # finds the response, so counts no failure.
    return resume(request, Flow(survey=found.survey), token)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@refused_while_throttled
def resume_email(request: HttpRequest, slug: str) -> HttpResponse:
    """A form to e-mail oneself the resume link (GET), and sending it (POST), for the
    partial response of this browser's resume cookie. Invitees' and test responses are
    never found through it (their cookies are not this one's)."""
    # As the public thank-you page: an invitation-only survey's title is not for whoever knows its slug.
    flow = Flow(survey=get_object_or_404(_public_surveys(), slug=slug))
    response, token = cookie_response(request, flow)
    if response is None or token is None or response.is_ended:
        problem = "complete" if response is not None and response.is_ended else "no_response"
        return _page(request, flow, None, "", problem=problem, status=404)
    link = resume_link(request, flow, token)
    form = ResumeEmailForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        return _page(request, flow, form, link)
    try:
        resume_link_send(response=response, token=token, address=form.cleaned_data["email"],
                         base_url=base_url(request), client=client_address(request))
    except ResumeEmailLimited:
        return _page(request, flow, form, link, problem="limited", status=429)
    except ResumeEmailUnavailable:
        return _page(request, flow, form, link, problem="unavailable", status=503)
    # Post/redirect/get, with nothing of the address in the next URL.
    return redirect(reverse("responses:resume_email_sent", args=[slug]))


@never_cache
@require_safe
def resume_email_sent(request: HttpRequest, slug: str) -> HttpResponse:
    flow = Flow(survey=get_object_or_404(_public_surveys(), slug=slug))
    return render(request, "responses/resume_sent.html", {"flow": flow, "survey": flow.survey})


def _public_surveys():
    return Survey.objects.exclude(access=Survey.Access.INVITATION)


def _page(request: HttpRequest, flow: Flow, form: ResumeEmailForm | None, link: str, *, problem: str = "",
          status: int = 200) -> HttpResponse:
    context = {
        "flow": flow,
        "survey": flow.survey,
        "resume_link": link,
        "resume_email_form": form,
        "resume_email_url": reverse("responses:resume_email", args=[flow.survey.slug]) if form else "",
        "problem": problem,
    }
    return render(request, "responses/resume_email.html", context, status=status)
