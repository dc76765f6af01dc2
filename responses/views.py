"""The respondent's HTML form: one page at a time, each page saved as a partial response,
the last one completed through `response_submit` (the one way a response becomes
complete, shared with the JSON API).

Public at /s/<slug>/ on the open version; the same flow runs for staff as a test mode
preview of any version at /s/<slug>/preview/<version_id>/, whose responses are marked
`is_test` and never counted. A respondent's partial response is found through a resume
token kept in a cookie (and shown as a link): responses carry no account.

An invitee answers at /i/<token>/, their personal link: their one response is found
through the invitation (no cookie), so the same link resumes it from any browser, and
once it is complete the link says so. Panel respondents (invitees with an external id)
are sent to the survey's completion redirect after the last page, and to its screen-out
redirect when they arrive after the survey closed or filled up.
"""

from __future__ import annotations

import functools
import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.clients import client_ip_to_store
from core.throttle import FailureThrottle, Throttled
from core.tokens import hash_token
from invitations.models import Invitation
from invitations.services import invitation_opened
from invitations.views import invitation_not_found, invitation_or_refusal
from responses.forms import SurveyPageForm, initial_values
from responses.models import Response
from responses.navigation import (
    effective_answers,
    next_page,
    page_questions,
    page_shown,
    posted_page,
    previous_page,
    resolve_page,
)
from responses.quotas import QuotaFull
from responses.ratelimit import submission_allowed
from responses.selectors import survey_availability
from responses.services import (
    InvitationAnswered,
    InvitationWithdrawn,
    ResponseLocked,
    SubmissionConflict,
    new_resume_token,
    raw_answers,
    response_save_page,
    response_submit,
    stored_answers,
)
from responses.validation import validate_answers
from surveys.definition import QuestionDef
from surveys.models import Survey, SurveyVersion
from surveys.selectors import CompiledVersion, compiled_version, latest_version

COOKIE_MAX_AGE = 30 * 24 * 3600
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

    @property
    def form_url(self) -> str:
        if self.invitation is not None:
            return reverse("responses:invitation", args=[self.invitation_token])
        return reverse("responses:preview" if self.is_test else "responses:form", args=self._args())


# --- Views ----------------------------------------------------------------------------


def _refused_while_throttled(view):
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


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@_refused_while_throttled
def survey_form(request: HttpRequest, slug: str) -> HttpResponse:
    flow = Flow(survey=get_object_or_404(Survey, slug=slug))
    response, token, adopted = _find_response(request, flow)
    if response is None or not response.is_complete:
        if not flow.survey.is_public:
            return _unavailable(request, flow.survey, "invitation_only", 403)
        refusal = _refusal(request, flow.survey)
        if refusal is not None:
            return refusal
    version = response.version if response is not None else flow.survey.open_version()
    return _run(request, flow, version, response, token, adopted)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_form(request: HttpRequest, token: str) -> HttpResponse:
    flow, refusal = _invitation_flow(request, token)
    if refusal is not None:
        return refusal
    invitation = flow.invitation
    response = Response.objects.select_related("version").filter(invitation=invitation).first()
    if invitation.completed_at is not None or (response is not None and response.is_complete):
        return _completed(request, flow)
    refusal = _refusal(request, flow.survey)
    if refusal is not None:
        # Screen-out: a panel respondent who can no longer answer goes back to the panel.
        screenout = flow.survey.screenout_redirect(invitation.external_id)
        return redirect(screenout) if screenout and refusal.status_code == 410 else refusal
    invitation_opened(invitation=invitation)
    version = response.version if response is not None else flow.survey.open_version()
    return _run(request, flow, version, response, None, False)


@never_cache
def invitation_thanks(request: HttpRequest, token: str) -> HttpResponse:
    flow, refusal = _invitation_flow(request, token)
    if refusal is not None:
        return refusal
    return _thanks(request, flow)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@_refused_while_throttled
def survey_preview(request: HttpRequest, slug: str, version_id: int) -> HttpResponse:
    flow = _preview_flow(request, slug, version_id)
    response, token, adopted = _find_response(request, flow)
    return _run(request, flow, flow.preview_version, response, token, adopted)


@never_cache
@_refused_while_throttled
def survey_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    # Invitees are thanked through their own link (/i/<token>/thanks/): the public one does
    # not show an invitation-only survey's closing text to whoever knows its slug.
    flow = Flow(survey=get_object_or_404(Survey.objects.exclude(access=Survey.Access.INVITATION), slug=slug))
    return _thanks(request, flow)


@never_cache
@login_required
@_refused_while_throttled
def preview_thanks(request: HttpRequest, slug: str, version_id: int) -> HttpResponse:
    return _thanks(request, _preview_flow(request, slug, version_id))


@_refused_while_throttled
def survey_resume(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    return _resume(request, Flow(survey=get_object_or_404(Survey, slug=slug)), token)


@login_required
@_refused_while_throttled
def preview_resume(request: HttpRequest, slug: str, version_id: int, token: str) -> HttpResponse:
    return _resume(request, _preview_flow(request, slug, version_id), token)


@login_required
@require_POST
def preview_restart(request: HttpRequest, slug: str, version_id: int) -> HttpResponse:
    """Start a new test response (the current one stays until test responses are deleted)."""
    flow = _preview_flow(request, slug, version_id)
    http_response = redirect(flow.form_url)
    http_response.delete_cookie(flow.cookie_name, samesite="Lax")
    return http_response


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


# --- Finding the survey, the version and the respondent's response ----------------------


def _invitation_flow(request: HttpRequest, token: str) -> tuple[Flow | None, HttpResponse | None]:
    """The flow of a personal link, or the page that refuses the link."""
    invitation, refusal = invitation_or_refusal(request, token)
    if refusal is not None:
        return None, refusal
    return Flow(survey=invitation.survey, invitation=invitation, invitation_token=token), None


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


def _cookie_response(request: HttpRequest, flow: Flow) -> tuple[Response | None, str | None]:
    """The response of the resume cookie. Raises Throttled (the cookie is as much the
    client's to choose as the link)."""
    token = request.COOKIES.get(flow.cookie_name, "")
    if not _TOKEN_RE.fullmatch(token):
        return None, None
    response = _throttled_response_by_token(request, flow, token)
    if response is None:
        request.stale_resume_cookie = flow.cookie_name
    return response, token


def _throttled_response_by_token(request: HttpRequest, flow: Flow, token: str) -> Response | None:
    _resume_throttle.check(request)
    response = _response_by_token(flow, token) if _TOKEN_RE.fullmatch(token) else None
    if response is None:
        _resume_throttle.record_failure(request)
    return response


def _response_by_token(flow: Flow, token: str) -> Response | None:
    # An invitee's response has a resume token too (it is never given out): still, only
    # their personal link finds it.
    responses = Response.objects.select_related("version").filter(
        survey=flow.survey, is_test=flow.is_test, resume_token_hash=hash_token(token), invitation__isnull=True
    )
    if flow.is_test:
        responses = responses.filter(version=flow.preview_version)
    return responses.first()


def _find_response(request: HttpRequest, flow: Flow) -> tuple[Response | None, str | None, bool]:
    """The respondent's response, its resume token, and whether it was adopted through
    the posted submission id rather than the cookie.

    Adoption covers a double-clicked first page: the browser drops the first answer
    (and the cookie it set) and shows the second, which found the response the first
    created. The submission id is as private as the resume link beside it on the page.
    """
    response, token = _cookie_response(request, flow)
    if response is not None:
        return response, token, False
    if request.method != "POST":
        return None, None, False
    submission_id = _uuid(request.POST.get("submission_id"))
    if submission_id is None:
        return None, None, False
    existing = (
        Response.objects.select_related("version").filter(survey=flow.survey, submission_id=submission_id).first()
    )
    # Never an invitee's response: that one is theirs, found only through their personal link.
    if existing is None or existing.invitation_id is not None or existing.is_test != flow.is_test:
        return None, None, False
    if flow.is_test and existing.version_id != flow.preview_version.pk:
        return None, None, False
    return existing, None, True


def _unclaimed(flow: Flow, submission_id: uuid.UUID | None) -> uuid.UUID | None:
    """The posted id of a first page, or a new one if a response that could not be adopted
    (an invitee's, or one of the other mode) holds it: this respondent starts their own
    response rather than writing into that one."""
    if submission_id is None or not Response.objects.filter(survey=flow.survey, submission_id=submission_id).exists():
        return submission_id
    return uuid.uuid4()


def _refusal(request: HttpRequest, survey: Survey) -> HttpResponse | None:
    """The page that answers instead of the form when the survey takes no responses."""
    unavailable = survey_availability(survey, survey.open_version())
    if unavailable is None:
        return None
    return _unavailable(request, survey, unavailable.reason, unavailable.status)


def _full(request: HttpRequest, flow: Flow) -> HttpResponse:
    """The answer to a last page whose completion found no place left: the same as
    arriving at a full survey (a panel respondent is screened out)."""
    if flow.invitation is not None:
        screenout = flow.survey.screenout_redirect(flow.invitation.external_id)
        if screenout:
            return redirect(screenout)
    return _unavailable(request, flow.survey, "full", 410)


def _unavailable(request: HttpRequest, survey: Survey, reason: str, status: int) -> HttpResponse:
    return render(request, "responses/unavailable.html", {"survey": survey, "reason": reason}, status=status)


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value and len(value) <= 64 else None
    except ValueError:
        return None


# --- The flow ---------------------------------------------------------------------------


def _run(request, flow: Flow, version: SurveyVersion, response: Response | None, token: str | None,
         adopted: bool) -> HttpResponse:
    compiled = compiled_version(version)
    if request.method == "POST":
        if not submission_allowed(request):
            context = {"survey": flow.survey, "reason": "rate_limited", "flow": flow, **_preview_context(request, flow)}
            return render(request, "responses/unavailable.html", context, status=429)
        return _post(request, flow, version, compiled, response, token, adopted)
    if response is not None and response.is_complete:
        return _completed(request, flow)
    stored = stored_answers(compiled, response) if response else {}
    answers = effective_answers(compiled, stored)
    index = resolve_page(compiled, answers, response.current_page if response else 0)
    questions = page_questions(compiled, answers, index)
    form = _form(questions, initial=initial_values([q for q, _ in questions], raw_answers(stored)))
    submission_id = response.submission_id if response else uuid.uuid4()
    return _render_page(request, flow, compiled, answers, index, form, submission_id, token)


def _post(request, flow: Flow, version: SurveyVersion, compiled: CompiledVersion, response: Response | None,
          token: str | None, adopted: bool) -> HttpResponse:
    definition = compiled.definition
    stored = stored_answers(compiled, response) if response else {}
    answers = effective_answers(compiled, stored)
    current = resolve_page(compiled, answers, response.current_page if response else 0)
    index = posted_page(request.POST.get("page"), len(definition.pages))
    # A page is only taken if the respondent has reached it and it is shown for their
    # answers; anything else (a stale tab, a forged number) goes back to where they are.
    if index is None or index > current or not page_shown(compiled, answers, index):
        return redirect(flow.form_url)
    back = request.POST.get("action") == "back"
    if response is not None and response.is_complete and (back or next_page(compiled, answers, index) is not None):
        return redirect(flow.form_url)

    questions = page_questions(compiled, answers, index)
    form = _form(questions, data=request.POST)
    page_codes = [q.code for q in definition.pages[index].questions]
    cleaned, errors = validate_answers(
        compiled, form.raw_answers(), pages=[index], known=answers, hidden="drop", enforce_required=not back
    )
    page_answers = {code: cleaned[code] for code in page_codes if code in cleaned}
    merged = {code: value for code, value in stored.items() if code not in page_codes} | page_answers
    merged_answers = effective_answers(compiled, merged)

    submission_id = response.submission_id if response else _unclaimed(flow, _uuid(request.POST.get("submission_id")))
    if submission_id is None:
        # Without its id a first page could be stored twice (a double click): ask again.
        unplaced = form.add_validation_errors(errors)
        unplaced.append("Your answers could not be saved. Please check them and continue again.")
        return _render_page(request, flow, compiled, answers, index, form, uuid.uuid4(), token, unplaced)

    def save(destination: int) -> tuple[Response, str | None]:
        saved, new_token = response_save_page(
            survey=flow.survey, version=version, submission_id=submission_id, page_index=index,
            cleaned_page=page_answers, page_codes=page_codes, next_page=destination, response=response,
            is_test=flow.is_test, ip_address=client_ip_to_store(request), invitation=flow.invitation,
        )
        return saved, new_token or (_rotate_token(saved) if adopted else None)

    try:
        if back:
            previous = previous_page(compiled, merged_answers, index)
            if previous is None:
                return redirect(flow.form_url)
            _, new_token = save(previous)
            return _with_cookie(redirect(flow.form_url), request, flow, new_token)
        if errors:
            unplaced = form.add_validation_errors(errors)
            return _render_page(request, flow, compiled, answers, index, form, submission_id, token, unplaced)
        following = next_page(compiled, merged_answers, index)
        if following is not None:
            _, new_token = save(following)
            return _with_cookie(redirect(flow.form_url), request, flow, new_token)
        if response is None:
            response, new_token = save(index)
        else:
            new_token = _rotate_token(response) if adopted else None
        result = response_submit(
            survey=flow.survey, version=response.version, submission_id=response.submission_id,
            answers=raw_answers(merged), response=response, hidden="drop", is_test=response.is_test,
            ip_address=client_ip_to_store(request), invitation=flow.invitation,
        )
    except (ResponseLocked, SubmissionConflict, InvitationAnswered):
        # Completed meanwhile (another tab, a double click with other answers): it stays as it was.
        return redirect(flow.form_url)
    except QuotaFull:  # the last places went to others while this page was being answered
        return _full(request, flow)
    except InvitationWithdrawn:  # erased or revoked while this page was on its way
        return invitation_not_found(request)
    if result.errors:
        unplaced = form.add_validation_errors(result.errors)
        unplaced = _name_questions(compiled, form, result.errors) if unplaced else []
        return _render_page(request, flow, compiled, answers, index, form, submission_id, new_token or token, unplaced)
    return _with_cookie(redirect(_after_completion(flow)), request, flow, new_token)


def _after_completion(flow: Flow) -> str:
    if flow.invitation is not None:
        panel = flow.survey.completion_redirect(flow.invitation.external_id)
        if panel:
            return panel
    return flow.url("thanks")


def _name_questions(compiled: CompiledVersion, form: SurveyPageForm, errors: dict[str, list[str]]) -> list[str]:
    """Submission errors of other pages (possible only when an earlier page changed in
    another tab), each naming its question."""
    questions = compiled.definition.questions
    named = []
    for key, key_messages in errors.items():
        if key in form.fields:
            continue
        question = questions.get(key.split(".", 1)[0])
        label = question.label if question else key
        named.extend(f"“{label}”: {message} Go back to change it." for message in key_messages)
    return named


def _rotate_token(response: Response) -> str:
    token, hashed = new_resume_token()
    Response.objects.filter(pk=response.pk).update(resume_token_hash=hashed)
    return token


def _with_cookie(http_response: HttpResponse, request: HttpRequest, flow: Flow, token: str | None) -> HttpResponse:
    # An invitee's response is found through the invitation: a cookie would only let the
    # public link of the same survey pick it up.
    if token and flow.invitation is None:
        http_response.set_cookie(
            flow.cookie_name, token, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax", secure=request.is_secure()
        )
    return http_response


def _form(questions: list[tuple[QuestionDef, Any]], **kwargs) -> SurveyPageForm:
    return SurveyPageForm(
        questions=[q for q, _ in questions],
        conditions_json={q.code: condition for q, condition in questions if condition is not None},
        **kwargs,
    )


def _render_page(request, flow: Flow, compiled: CompiledVersion, answers: dict[str, Any], index: int,
                 form: SurveyPageForm, submission_id: uuid.UUID, token: str | None,
                 page_errors: list[str] | None = None) -> HttpResponse:
    definition = compiled.definition
    shown = [i for i in range(len(definition.pages)) if i == index or page_shown(compiled, answers, i)]
    number, total = shown.index(index) + 1, len(shown)
    context = {
        "flow": flow,
        "survey": flow.survey,
        "definition": definition,
        "page": definition.pages[index],
        "page_index": index,
        "page_number": number,
        "page_count": total,
        "progress": round(100 * number / total),
        "is_first": previous_page(compiled, answers, index) is None,
        "is_last": next_page(compiled, answers, index) is None,
        "form": form,
        "error_summary": form.error_summary(),
        "page_errors": page_errors or [],
        "submission_id": submission_id,
        "resume_url": _resume_url(request, flow, token),
        **_preview_context(request, flow),
    }
    return render(request, "responses/form.html", context)


def _resume_url(request, flow: Flow, token: str | None) -> str:
    if flow.invitation is not None:  # the personal link resumes
        return request.build_absolute_uri(flow.form_url)
    return request.build_absolute_uri(flow.url("resume", token)) if token else ""


def _preview_context(request, flow: Flow) -> dict:
    if not flow.is_test:
        return {}
    return {
        "test_response_count": Response.objects.filter(survey=flow.survey, is_test=True).count(),
        "can_delete_tests": request.user.has_perm("surveys.change_survey"),
    }


def _completed(request, flow: Flow) -> HttpResponse:
    return render(request, "responses/completed.html",
                  {"flow": flow, "survey": flow.survey, **_preview_context(request, flow)})


def _thanks(request, flow: Flow) -> HttpResponse:
    if flow.invitation is not None:
        response = Response.objects.select_related("version").filter(invitation=flow.invitation).first()
    else:
        response, _ = _cookie_response(request, flow)
    version = response.version if response else flow.preview_version or latest_version(flow.survey)
    context = {"flow": flow, "survey": flow.survey, "thank_you": version.thank_you if version else "",
               **_preview_context(request, flow)}
    return render(request, "responses/thanks.html", context)


def _resume(request, flow: Flow, token: str) -> HttpResponse:
    response = _throttled_response_by_token(request, flow, token)
    if response is None:
        return render(request, "responses/unavailable.html",
                      {"survey": flow.survey, "reason": "bad_resume_link", "flow": flow}, status=404)
    return _with_cookie(redirect(flow.form_url), request, flow, token)
