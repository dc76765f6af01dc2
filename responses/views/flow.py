"""Where a run of the form happens (`Flow`: the public link, a personal invitation link or
a staff preview) and which response it continues: the one of the resume link or cookie,
the invitee's, or the one a double-clicked first page created."""

from __future__ import annotations

import functools
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from core.throttle import FailureThrottle, Throttled
from core.tokens import hash_token
from invitations.models import Invitation
from responses.models import Response
from responses.selectors import response_with_version
from surveys.models import Survey, SurveyVersion

_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Resume tokens (in the link and the cookie) are guessed like invitation tokens, and are
# throttled alike: per client, every lookup refused once a client failed too often.
RESUME_FAILURE_LIMIT = 10
RESUME_FAILURE_WINDOW = 600  # seconds
_resume_throttle = FailureThrottle(scope="resume", limit=RESUME_FAILURE_LIMIT, window=RESUME_FAILURE_WINDOW)


@dataclass
class Flow:
    """Where a run of the form happens: the public link, a personal invitation link, or a
    staff preview (test mode)."""

    survey: Survey
    preview_version: SurveyVersion | None = None
    invitation: Invitation | None = None
    invitation_token: str = ""
    # The respondent's hidden values (responses.hidden): their response's once it exists.
    hidden: dict[str, str] = field(default_factory=dict)
    # A posted submission id that `find_response` found no response holding in this
    # request: `unclaimed` need not look again.
    free_submission_id: uuid.UUID | None = None

    @property
    def is_test(self) -> bool:
        return self.preview_version is not None

    @property
    def cookie_name(self) -> str:
        if self.is_test:
            return f"preview-{self.survey.slug}-{self.preview_version.pk}"
        return f"resume-{self.survey.slug}"

    def _args(self, *extra) -> list:
        base = [self.survey.slug, self.preview_version.pk] if self.is_test else [self.survey.slug]
        return base + list(extra)

    def url(self, name: str, *extra) -> str:
        if self.invitation is not None:
            return reverse(f"responses:invitation_{name}", args=[self.invitation_token, *extra])
        return reverse(f"responses:{'preview_' if self.is_test else ''}{name}", args=self._args(*extra))

    def page_url(self, index: int) -> str:
        """The URL of a page (`index` from 0; URLs count from 1, in the definition's order)."""
        return self.url("page", index + 1)

    @property
    def form_url(self) -> str:
        if self.invitation is not None:
            return reverse("responses:invitation", args=[self.invitation_token])
        return reverse("responses:preview" if self.is_test else "responses:form", args=self._args())


def refused_while_throttled(view):
    """Answer 429 to a client that failed too many resume-token lookups, and drop a resume
    cookie that found nothing (its response deleted), so that it counts once, not on every
    page the respondent opens."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            http_response = view(request, *args, **kwargs)
            stale = getattr(request, "stale_resume_cookie", None)
            if stale and stale not in http_response.cookies:
                http_response.delete_cookie(stale, samesite="Lax")
            return http_response
        except Throttled as exc:
            context = {
                "survey": Survey.objects.filter(slug=kwargs.get("slug")).first(),
                "reason": "resume_throttled",
                "wait_minutes": -(-exc.retry_after // 60),
            }
            http_response = render(request, "responses/unavailable.html", context, status=429)
            http_response["Retry-After"] = str(exc.retry_after)
            return http_response

    return wrapped


def cookie_response(request: HttpRequest, flow: Flow) -> tuple[Response | None, str | None]:
    """The response of the resume cookie. Raises Throttled (the cookie is as much the
    client's to choose as the link)."""
    token = request.COOKIES.get(flow.cookie_name, "")
    if not _TOKEN_RE.fullmatch(token):
        return None, None
    response = throttled_response_by_token(request, flow, token)
    if response is None:
        request.stale_resume_cookie = flow.cookie_name
    return response, token


def throttled_response_by_token(request: HttpRequest, flow: Flow, token: str) -> Response | None:
    _resume_throttle.check(request)
    response = _response_by_token(flow, token) if _TOKEN_RE.fullmatch(token) else None
    if response is None:
        _resume_throttle.record_failure(request)
    return response


def _response_by_token(flow: Flow, token: str) -> Response | None:
    # An invitee's response has a resume token too (it is never given out): still, only
    # their personal link finds it.
    return response_with_version(flow.survey, is_test=flow.is_test, resume_token_hash=hash_token(token),
                                 version=flow.preview_version)


def find_response(request: HttpRequest, flow: Flow) -> tuple[Response | None, str | None, bool]:
    """The respondent's response, its resume token, and whether it was adopted through
    the posted submission id rather than the cookie.

    Adoption covers a double-clicked first page: the browser drops the first answer
    (and the cookie it set) and shows the second, which found the response the first
    created. The submission id is as private as the resume link beside it on the page.
    """
    response, token = cookie_response(request, flow)
    if response is not None:
        return response, token, False
    if request.method != "POST":
        return None, None, False
    submission_id = posted_uuid(request.POST.get("submission_id"))
    if submission_id is None:
        return None, None, False
    existing = response_with_version(flow.survey, is_test=flow.is_test, submission_id=submission_id)
    if existing is None:
        flow.free_submission_id = submission_id
    # Never an invitee's response: that one is theirs, found only through their personal link.
    if existing is None or existing.invitation_id is not None or existing.is_test != flow.is_test:
        return None, None, False
    if flow.is_test and existing.version_id != flow.preview_version.pk:
        return None, None, False
    return existing, None, True


def unclaimed(flow: Flow, submission_id: uuid.UUID | None) -> uuid.UUID | None:
    """The posted id of a first page, or a new one if a response that could not be adopted
    (an invitee's, or one of the other mode) holds it: this respondent starts their own
    response rather than writing into that one."""
    if submission_id is None or submission_id == flow.free_submission_id:
        return submission_id
    if not Response.objects.filter(survey=flow.survey, submission_id=submission_id).exists():
        return submission_id
    return uuid.uuid4()


def posted_uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value and len(value) <= 64 else None
    except ValueError:
        return None
