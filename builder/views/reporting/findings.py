"""Findings on the findings page: add, change, move and delete (plain POSTs that redirect
back to the item), and today's numbers of the two conditions as they are picked (htmx).

A finding's base and target are condition pickers (builder.views.conditions.picker_for,
the finding place). With JavaScript they re-render themselves through the picker's own
preview, and static/js/findings.js then asks for today's numbers; without, their buttons
post the finding's form here, which shows it again with the button's change."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_POST

from builder.access import builder_view, editable_survey
from builder.condition_picker import valid_prefix
from builder.forms.findings import CONDITIONS, FindingForm, picker_prefix
from builder.reporting_history import record_added, record_deleted, record_moved
from builder.views.conditions import finding_place, picker_for
from builder.views.reporting.page import ReportingData, item_update, page_url, refused, render_page
from builder.views.reporting.preview import finding_preview
from surveys import reporting_editing
from surveys.history import target_of
from surveys.models import Finding
from surveys.reporting_editing import ReportingInvalid
from surveys.selectors import latest_version


def _fields(form: FindingForm) -> dict[str, str]:
    return {name: form.cleaned_data[name] for name in ("statement", "code", "base_condition", "target_condition")}


def _saved(finding: Finding) -> str:
    return f"“{Truncator(finding.statement).chars(80)}”"


def checking(request: HttpRequest) -> bool:
    """"Check and preview" (for a browser without JavaScript): show the form again, checked,
    with today's numbers, and write nothing."""
    return request.POST.get("action") == "preview"


def _without_version(request: HttpRequest, data: ReportingData) -> HttpResponse:
    messages.error(request, "The survey has no version yet: add questions in the outline first, then findings.")
    return redirect(page_url(data.survey, "findings"))


def _again(request: HttpRequest, data: ReportingData, form: FindingForm, finding: Finding | None) -> HttpResponse:
    """A picker's button pressed without JavaScript: the form again, as typed, with the
    button's change in its picker and nothing checked or saved."""
    form = data.finding_form(finding, initial=form.as_typed(), picked=request.POST)
    return render_page(request, data, True, {form.prefix: form})


@builder_view
@require_POST
def finding_add(request: HttpRequest, slug: str) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    data = ReportingData(survey)
    if data.version is None:
        return _without_version(request, data)
    form = data.finding_form(data=request.POST)
    if form.picker_pressed:
        return _again(request, data, form, None)
    if form.is_valid() and not checking(request):
        try:
            with transaction.atomic():
                finding = reporting_editing.finding_add(survey=survey, **_fields(form), questions=data.questions)
                record_added(request, finding)
        except ReportingInvalid as exc:
            refused(form, exc)
        else:
            messages.success(request, f"Added the finding {_saved(finding)}. It is counted on the results overview "
                                      "from now on; its numbers show here once counted.")
            return redirect(page_url(survey, f"finding-{finding.pk}"))
    status = 200 if checking(request) else 400
    return render_page(request, data, True, {form.prefix: form}, status=status)


@builder_view
@require_POST
def finding_update(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    data = ReportingData(survey)
    finding = data.finding(pk)
    if data.version is None:
        return _without_version(request, data)
    form = data.finding_form(finding, data=request.POST)
    if form.picker_pressed:
        return _again(request, data, form, finding)
    if form.is_valid() and not checking(request) and item_update(
        request, form, finding, "this finding",
        lambda: reporting_editing.finding_update(finding=finding, **_fields(form), questions=data.questions),
    ):
        messages.success(request, f"Saved the finding {_saved(finding)}.")
        return redirect(page_url(survey, f"finding-{finding.pk}"))
    status = 409 if form.stale else 200 if checking(request) else 400
    return render_page(request, data, True, {form.prefix: form}, status=status)


@builder_view
@require_POST
def finding_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    finding = ReportingData(survey).finding(pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    with transaction.atomic():
        moved = reporting_editing.finding_move(finding=finding, offset=offset)
        if moved:
            record_moved(request, finding, offset)
    if not moved:
        messages.info(request, f"The finding {_saved(finding)} is already the {'first' if offset < 0 else 'last'}.")
    return redirect(page_url(survey, f"finding-{finding.pk}"))


@builder_view
@require_POST
def finding_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    finding = ReportingData(survey).finding(pk)
    with transaction.atomic():
        reporting_editing.finding_delete(finding=finding)
        record_deleted(request, finding, target_of(finding))
    messages.success(
        request,
        f"Deleted the finding {_saved(finding)} (code {finding.code}; base: {finding.base_condition}; target: "
        f"{finding.target_condition}).",
    )
    return redirect(page_url(survey, "findings"))


# --- Today's numbers as the conditions are picked (htmx) -------------------------------


@builder_view
@require_GET
def preview(request: HttpRequest, slug: str) -> HttpResponse:
    """`?prefix=<form prefix>&<the two pickers' fields>`: today's numbers, when both
    pickers hold a condition that fits (the finding's form sends its pickers' fields
    after either one was re-rendered)."""
    survey = editable_survey(request.user, slug)
    prefix = request.GET.get("prefix", "")
    version = latest_version(survey)
    numbers = None
    if version is not None and valid_prefix(f"{prefix}-target"):
        place = finding_place(version)
        texts = []
        for name in CONDITIONS:
            picker = picker_for(survey=survey, place=place, prefix=picker_prefix(prefix, name), data=request.GET)
            if picker.valid and picker.node is not None:
                texts.append(picker.saved_text)
        if len(texts) == len(CONDITIONS):
            numbers = finding_preview(survey, *texts)
    return render(request, "builder/findings/_preview.html", {"preview": numbers})
