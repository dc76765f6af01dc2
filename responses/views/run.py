"""The run of the form, page by page, shared by the public link, personal links and test
mode, and the pages around it: refusals, the completed and thank-you pages, resuming."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from core.clients import client_ip_to_store
from invitations.views import invitation_not_found
from responses.forms import SurveyPageForm, initial_values
from responses.models import Response
from responses.navigation import (
    effective_answers,
    next_page,
    page_outlook,
    page_questions,
    page_to_open,
    posted_page,
    previous_page,
)
from responses.ordering import first_submission_id, response_order, response_order_store
from responses.quality import HONEYPOT_FIELD, STAMP_FIELD, page_observed, page_stamp
from responses.quotas import QuotaFull, quota_full_after_page
from responses.ratelimit import submission_allowed
from responses.rendering import render_questions
from responses.resume import resume_link
from responses.screening import screen_out_after_page
from responses.selectors import survey_availability
from responses.services import (
    InvitationAnswered,
    InvitationWithdrawn,
    ResponseLocked,
    SubmissionConflict,
    new_resume_token,
    raw_answers,
    response_quota_out,
    response_save_page,
    response_screen_out,
    response_submit,
    stored_answers,
)
from responses.validation import validate_answers
from responses.views.flow import Flow, cookie_response, posted_uuid, throttled_response_by_token, unclaimed
from surveys import piping
from surveys.definition import QuestionDef
from surveys.models import Survey, SurveyVersion
from surveys.selectors import CompiledVersion, compiled_version, latest_version

COOKIE_MAX_AGE = 30 * 24 * 3600
# Posted as "1" by static/js/page-url.js: the browser sets the address bar itself, so a page
# saved is answered with the page to show next (one request, not a redirect and a GET);
# without the script, the answer is the redirect (post, redirect, get).
IN_PLACE_FIELD = "in_place"


# --- Refusals ---------------------------------------------------------------------------


def refusal_page(request: HttpRequest, survey: Survey, open_version: SurveyVersion | None) -> HttpResponse | None:
    """The page that answers instead of the form when the survey takes no responses
    (`open_version`: the survey's open version, or None)."""
    unavailable = survey_availability(survey, open_version)
    if unavailable is None:
        return None
    return unavailable_page(request, survey, unavailable.reason, unavailable.status)


def _full(request: HttpRequest, flow: Flow) -> HttpResponse:
    """The answer to a last page whose completion found no place left: the same as
    arriving at a full survey (a panel respondent is screened out)."""
    closed = flow.survey.redirect("closed", flow.hidden)
    if closed:
        return redirect(closed)
    return unavailable_page(request, flow.survey, "full", 410)


def unavailable_page(request: HttpRequest, survey: Survey, reason: str, status: int) -> HttpResponse:
    return render(request, "responses/unavailable.html", {"survey": survey, "reason": reason}, status=status)


# --- The flow ---------------------------------------------------------------------------


def run(request, flow: Flow, version: SurveyVersion, response: Response | None, token: str | None,
        adopted: bool, page_number: int | None = None) -> HttpResponse:
    """A page of the form (GET), or a posted page saved, or the response completed (POST).

    `page_number` is the page of the URL (1-based, in the definition's order); None on the
    survey's own link, which sends the respondent to the page where they are."""
    compiled = compiled_version(version)
    if request.method == "POST":
        if not submission_allowed(request):
            context = {"survey": flow.survey, "reason": "rate_limited", "flow": flow, **_preview_context(request, flow)}
            return render(request, "responses/unavailable.html", context, status=429)
        return _post(request, flow, version, compiled, response, token, adopted, page_number)
    if response is not None and response.is_ended:
        return completed(request, flow) if response.is_complete else ended(request, flow, response)
    stored = stored_answers(compiled, response) if response else {}
    answers = effective_answers(compiled, stored, flow.hidden)
    current = response.current_page if response else 0
    submission_id = response.submission_id if response else first_submission_id(flow.invitation)
    order = response_order(compiled, response, submission_id)
    if page_number is None:
        index = page_to_open(compiled, answers, current, current, order)
        if response is not None:  # back through the resume link, the cookie or a personal link
            number = page_outlook(compiled, answers, index, order).number
            messages.info(request, f"Welcome back — you were on page {number}.")
        return redirect(flow.page_url(index))
    return _open_page(request, flow, compiled, stored, answers, current, page_number - 1, submission_id, token, order)


def _open_page(request, flow: Flow, compiled: CompiledVersion, stored: dict[str, Any], answers: dict[str, Any],
               current: int, index: int, submission_id: uuid.UUID, token: str | None,
               order: dict[str, Any]) -> HttpResponse:
    """Page `index` with the respondent's answers in it, if they may open it (reached, shown
    for their answers), else the redirect to the page they may open."""
    allowed = page_to_open(compiled, answers, current, index, order)
    if allowed != index:
        return redirect(flow.page_url(allowed))
    questions = page_questions(compiled, answers, index, order)
    form = _form(compiled, answers, questions, initial=initial_values([q for q, _ in questions], raw_answers(stored)))
    return _render_page(request, flow, compiled, answers, index, form, submission_id, token, order=order)


def _post(request, flow: Flow, version: SurveyVersion, compiled: CompiledVersion, response: Response | None,
          token: str | None, adopted: bool, page_number: int | None) -> HttpResponse:
    definition = compiled.definition
    stored = stored_answers(compiled, response) if response else {}
    answers = effective_answers(compiled, stored, flow.hidden)
    current = response.current_page if response else 0
    submission_id = (
        response.submission_id if response else unclaimed(flow, posted_uuid(request.POST.get("submission_id")))
    )
    # Without a submission id (a forged post) the page is shown again with a new one.
    fresh_id = uuid.uuid4()
    order = response_order(compiled, response, submission_id or fresh_id)
    # The URL says which page is posted; the hidden field only on the survey's own link,
    # where forms rendered before pages had URLs of their own still post.
    if page_number is not None:
        index = page_number - 1 if 0 < page_number <= len(definition.pages) else None
    else:
        index = posted_page(request.POST.get("page"), len(definition.pages))
    # A page is only taken if the respondent may open it (reached, shown for their
    # answers): anything else (a stale tab, a forged number) goes back to where they may be.
    if index is None or page_to_open(compiled, answers, current, index, order) != index:
        return redirect(flow.page_url(page_to_open(compiled, answers, current, index or 0, order)))
    action = request.POST.get("action")
    back, save_later = action == "back", action == "save"
    # A complete response takes only its last page again (a double-clicked Submit, answered
    # by response_submit's idempotency); anything else shows that it is complete.
    if response is not None and response.is_ended and (
        back or save_later or not response.is_complete or next_page(compiled, answers, index, order) is not None
    ):
        return redirect(flow.form_url)

    questions = page_questions(compiled, answers, index, order)
    form = _form(compiled, answers, questions, data=request.POST)
    observed = page_observed(
        request, response.submission_id if response else posted_uuid(request.POST.get("submission_id")), index,
        moving_on=not (back or save_later),
    )
    page_codes = [q.code for q in definition.pages[index].questions]
    cleaned, errors = validate_answers(
        compiled, form.raw_answers(), pages=[index], known=answers, hidden="drop",
        enforce_required=not (back or save_later),
    )
    page_answers = {code: cleaned[code] for code in page_codes if code in cleaned}
    merged = {code: value for code, value in stored.items() if code not in page_codes} | page_answers
    merged_answers = effective_answers(compiled, merged, flow.hidden)

    if submission_id is None:
        # Without its id a first page could be stored twice (a double click): ask again.
        unplaced = form.add_validation_errors(errors)
        unplaced.append("Your answers could not be saved. Please check them and continue again.")
        return _render_page(request, flow, compiled, answers, index, form, fresh_id, token, unplaced,
                            order=order)

    in_place = request.POST.get(IN_PLACE_FIELD) == "1"

    def moved(saved: Response, new_token: str | None, destination: int) -> HttpResponse:
        """The answer to a page saved and moved from: the page moved to, in place (page-url.js
        shows its URL) or through the redirect to it."""
        if not in_place:
            return _with_cookie(redirect(flow.page_url(destination)), request, flow, new_token)
        page = _open_page(request, flow, compiled, merged, merged_answers, destination, destination,
                          saved.submission_id, new_token or token, response_order(compiled, saved, saved.submission_id))
        return _with_cookie(page, request, flow, new_token)

    def save(destination: int) -> tuple[Response, str | None]:
        saved, new_token = response_save_page(
            survey=flow.survey, version=version, submission_id=submission_id, page_index=index,
            cleaned_page=page_answers, page_codes=page_codes, next_page=destination, response=response,
            is_test=flow.is_test, ip_address=client_ip_to_store(request), invitation=flow.invitation,
            hidden=flow.hidden, observed=observed,
        )
        response_order_store(response=saved, compiled=compiled)
        return saved, new_token or (_rotate_token(saved) if adopted else None)

    try:
        if back:
            previous = previous_page(compiled, merged_answers, index, order)
            if previous is None:
                return redirect(flow.page_url(index))
            return moved(*save(previous), previous)
        if save_later:
            # Required questions wait, and the answers that are valid are kept; one that
            # is not stays in the box with its message, so nothing typed is lost.
            _, new_token = save(index)
            if not errors:
                return _with_cookie(redirect(flow.url("saved")), request, flow, new_token)
            unplaced = form.add_validation_errors(errors)
            unplaced.insert(0, "Your other answers are saved. Correct the ones marked, then save again.")
            return _with_cookie(
                _render_page(request, flow, compiled, answers, index, form, submission_id, new_token or token,
                             unplaced, order=order),
                request, flow, new_token,
            )
        if errors:
            unplaced = form.add_validation_errors(errors)
            return _render_page(request, flow, compiled, answers, index, form, submission_id, token, unplaced,
                                order=order)
        screen_out = screen_out_after_page(compiled, merged_answers, index)
        if screen_out is not None and next_page(compiled, merged_answers, index, order) is not None:
            # Screened out before the last page: the answers so far are kept. (On the last
            # page, response_submit finds the screen-out with the whole answer set.)
            response, new_token = save(index)
            if not response_screen_out(response=response, screen_out=screen_out):
                return redirect(flow.form_url)  # ended meanwhile, in another tab
            return _with_cookie(redirect(_after_ending(flow, response)), request, flow, new_token)
        following = next_page(compiled, merged_answers, index, order)
        full = None if following is None or flow.is_test else quota_full_after_page(
            flow.survey, compiled, merged_answers, index
        )
        if full is not None:
            # Falls in a full quota: ended now, its answers so far kept, rather than asked the rest.
            response, new_token = save(index)
            if not response_quota_out(response=response, quota=full):
                return redirect(flow.form_url)
            return _with_cookie(redirect(_after_ending(flow, response)), request, flow, new_token)
        if following is not None:
            return moved(*save(following), following)
        if response is None:
            response, new_token = save(index)
        else:
            new_token = _rotate_token(response) if adopted else None
        result = response_submit(
            survey=flow.survey, version=response.version, submission_id=response.submission_id,
            answers=raw_answers(merged), response=response, hidden="drop", is_test=response.is_test,
            ip_address=client_ip_to_store(request), invitation=flow.invitation, observed=observed,
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
        unplaced = _name_questions(compiled, form, result.errors, merged_answers) if unplaced else []
        return _render_page(request, flow, compiled, answers, index, form, submission_id, new_token or token, unplaced,
                            order=order)
    destination = _after_ending(flow, result.response)
    if in_place and destination == flow.url("thanks"):
        return _with_cookie(_thanks_page(request, flow, result.response.version), request, flow, new_token)
    return _with_cookie(redirect(destination), request, flow, new_token)


def _after_ending(flow: Flow, response: Response) -> str:
    """The survey's redirect for the response's outcome, else our own page: the thanks page
    for a complete, the form's link (which shows why it ended) for the others."""
    own = flow.url("thanks") if response.is_complete else flow.form_url
    return flow.survey.redirect(response.outcome, response.hidden_values) or own


def _name_questions(compiled: CompiledVersion, form: SurveyPageForm, errors: dict[str, list[str]],
                    answers: dict[str, Any]) -> list[str]:
    """Submission errors of other pages (possible only when an earlier page changed in
    another tab), each naming its question."""
    questions = compiled.definition.questions
    named = []
    for key, key_messages in errors.items():
        if key in form.fields:
            continue
        question = questions.get(key.split(".", 1)[0])
        label = piping.render_text(question.label, answers, compiled.definition) if question else key
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


def _form(compiled: CompiledVersion, answers: dict[str, Any], questions: list[tuple[QuestionDef, Any]],
          **kwargs) -> SurveyPageForm:
    """The page's form, the respondent's earlier answers piped into its texts."""
    shown = [q for q, _ in questions]
    codes = {q.code for q in shown}
    return SurveyPageForm(
        questions=shown,
        random_order=any(q.shuffle for q in shown) or any(
            page.shuffle_questions and any(q.code in codes for q in page.questions)
            for page in compiled.definition.pages
        ),
        piped=piping.pipe_page(shown, answers, compiled.definition),
        conditions_json={q.code: condition for q, condition in questions if condition is not None},
        **kwargs,
    )


def _render_page(request, flow: Flow, compiled: CompiledVersion, answers: dict[str, Any], index: int,
                 form: SurveyPageForm, submission_id: uuid.UUID, token: str | None,
                 page_errors: list[str] | None = None, *, order: dict[str, Any]) -> HttpResponse:
    definition = compiled.definition
    outlook = page_outlook(compiled, answers, index, order)
    context = {
        "flow": flow,
        "survey": flow.survey,
        "definition": definition,
        "page": definition.pages[index],
        "page_index": index,
        "page_url": flow.page_url(index),
        "page_number": outlook.number,
        "page_count": outlook.total,
        "progress": outlook.percent,
        "progress_data": outlook.browser,
        "is_first": previous_page(compiled, answers, index, order) is None,
        "is_last": outlook.is_last,
        "form": form,
        "questions_html": form.piped.html(render_questions(form)),
        "error_summary": form.error_summary(),
        "page_errors": page_errors or [],
        "submission_id": submission_id,
        "page_stamp": page_stamp(submission_id, index),
        "stamp_field": STAMP_FIELD,
        "honeypot_field": HONEYPOT_FIELD,
        "in_place_field": IN_PLACE_FIELD,
        **_preview_context(request, flow),
    }
    return render(request, "responses/form.html", context)


def _resume_url(request, flow: Flow, token: str | None) -> str:
    if flow.invitation is not None:  # the personal link resumes
        return request.build_absolute_uri(flow.form_url)
    return resume_link(request, flow, token) if token else ""


def _preview_context(request, flow: Flow) -> dict:
    if not flow.is_test:
        return {}
    return {
        "test_response_count": Response.objects.filter(survey=flow.survey, is_test=True).count(),
        "can_delete_tests": request.user.has_perm("surveys.change_survey"),
    }


def completed(request, flow: Flow) -> HttpResponse:
    return render(request, "responses/completed.html",
                  {"flow": flow, "survey": flow.survey, **_preview_context(request, flow)})


QUOTA_FULL_MESSAGE = "Thank you: we already have all the answers we need from respondents like you."


def ended(request, flow: Flow, response: Response) -> HttpResponse:
    """A response that a screen-out or a full quota ended: the screen-out's message, or the
    full quota's."""
    message = QUOTA_FULL_MESSAGE
    if response.status == Response.Status.SCREENED_OUT:
        screen_outs = compiled_version(response.version).definition.screen_outs
        message = next((so.message for so in screen_outs if so.code == response.ended_by), message)
    context = {"flow": flow, "survey": flow.survey, "outcome": response.outcome, "message": message,
               **_preview_context(request, flow)}
    return render(request, "responses/ended.html", context)


def saved(request, flow: Flow) -> HttpResponse:
    """After "Save and continue later": the way back (the resume link, with a copy button
    and, on a public link, the form that e-mails it), or for an invitee their own link."""
    if flow.invitation is not None:
        response, token = Response.objects.filter(invitation=flow.invitation).first(), None
    else:
        response, token = cookie_response(request, flow)
    if response is None or response.is_ended:
        return redirect(flow.form_url)
    context = {
        "flow": flow,
        "survey": flow.survey,
        "resume_url": _resume_url(request, flow, token),
        "continue_url": flow.page_url(response.current_page),
        "resume_email_url": _resume_email_url(flow),
        **_preview_context(request, flow),
    }
    return render(request, "responses/saved.html", context)


def _resume_email_url(flow: Flow) -> str:
    # Served by the resume e-mail feature when it is installed; public links only (an
    # invitee has their invitation e-mail, a tester needs none).
    if flow.invitation is not None or flow.is_test:
        return ""
    try:
        return reverse("responses:resume_email", args=[flow.survey.slug])
    except NoReverseMatch:
        return ""


def thanks(request, flow: Flow, open_version: SurveyVersion | None = None) -> HttpResponse:
    """The thank-you page; on the public link, the text of the open version already loaded
    (`open_version`), sparing the response's lookup (a throttle check and a query)."""
    if open_version is not None and flow.invitation is None and not flow.is_test:
        version = open_version
    else:
        if flow.invitation is not None:
            response = Response.objects.select_related("version").filter(invitation=flow.invitation).first()
        else:
            response, _ = cookie_response(request, flow)
        version = response.version if response else flow.preview_version or latest_version(flow.survey)
    return _thanks_page(request, flow, version)


def _thanks_page(request, flow: Flow, version: SurveyVersion | None) -> HttpResponse:
    context = {"flow": flow, "survey": flow.survey, "thank_you": version.thank_you if version else "",
               "page_url": flow.url("thanks"), **_preview_context(request, flow)}
    return render(request, "responses/thanks.html", context)


def resume(request, flow: Flow, token: str) -> HttpResponse:
    response = throttled_response_by_token(request, flow, token)
    if response is None:
        return render(request, "responses/unavailable.html",
                      {"survey": flow.survey, "reason": "bad_resume_link", "flow": flow}, status=404)
    return _with_cookie(redirect(flow.form_url), request, flow, token)
