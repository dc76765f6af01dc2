"""NETs on the findings page: add one to a choice question, change, move among its
question's NETs, delete. Plain POSTs that redirect back to the question's NETs."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from builder.access import builder_view, editable_survey
from builder.reporting_history import record_added, record_deleted, record_moved
from builder.views.reporting.page import ReportingData, item_update, page_url, refused, render_page
from surveys import reporting_editing
from surveys.history import target_of
from surveys.models import Net
from surveys.reporting_editing import ReportingInvalid


def _fields(cleaned: dict) -> dict:
    return {"label": cleaned["label"], "code": cleaned["code"], "choices": cleaned["choices"],
            "all_but": cleaned["all_but"]}


def _named(net: Net) -> str:
    return f"“NET: {net.label}”"


@builder_view
@require_POST
def net_add(request: HttpRequest, slug: str, question: str) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    data = ReportingData(survey)
    question_def = data.net_question(question)
    if question_def is None:
        raise Http404("No choice question with that code in the survey's latest version.")
    form = data.net_form(question_def, data=request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                net = reporting_editing.net_add(survey=survey, question_code=question_def.code,
                                                **_fields(form.cleaned_data), questions=data.questions)
                record_added(request, net)
        except ReportingInvalid as exc:
            refused(form, exc)
        else:
            messages.success(request, f"Added {_named(net)} to “{question_def.label}”.")
            return redirect(page_url(survey, f"net-{net.pk}"))
    return render_page(request, data, True, {form.prefix: form}, status=400)


@builder_view
@require_POST
def net_update(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    data = ReportingData(survey)
    net = data.net(pk)
    question_def = data.net_question(net.question_code)
    if question_def is None:
        messages.error(request, f"{_named(net)} belongs to a question the survey no longer has: delete it instead.")
        return redirect(page_url(survey, "nets"))
    form = data.net_form(question_def, net, data=request.POST)
    if form.is_valid() and item_update(
        request, form, net, "this NET",
        lambda: reporting_editing.net_update(net=net, **_fields(form.cleaned_data), questions=data.questions),
    ):
        messages.success(request, f"Saved {_named(net)}.")
        return redirect(page_url(survey, f"net-{net.pk}"))
    return render_page(request, data, True, {form.prefix: form}, status=409 if form.stale else 400)


@builder_view
@require_POST
def net_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    net = ReportingData(survey).net(pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    with transaction.atomic():
        moved = reporting_editing.net_move(net=net, offset=offset)
        if moved:
            record_moved(request, net, offset)
    if not moved:
        messages.info(request, f"{_named(net)} is already the {'first' if offset < 0 else 'last'} of its question.")
    return redirect(page_url(survey, f"net-{net.pk}"))


@builder_view
@require_POST
def net_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    data = ReportingData(survey)
    net = data.net(pk)
    with transaction.atomic():
        reporting_editing.net_delete(net=net)
        record_deleted(request, net, target_of(net))
    question = data.net_question(net.question_code)
    of = f" of “{question.label}”" if question is not None else ""
    messages.success(request, f"Deleted {_named(net)}{of} (code {net.code}).")
    return redirect(page_url(survey, f"nets-{net.question_code}"))
