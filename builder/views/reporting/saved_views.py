"""Saved crosstab views on the findings page: add, change, move, delete, and the
highlighted cell's choices for the questions chosen (htmx when a select changes; a
"Show their choices" button without JavaScript)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from builder.access import builder_view, editable_survey
from builder.forms.findings import VIEW_NAMES, SavedViewForm
from builder.reporting_history import record_added, record_deleted, record_moved
from builder.views.reporting.page import ReportingData, item_update, page_url, refused, render_page
from surveys import reporting_editing
from surveys.history import target_of
from surveys.models import SavedView
from surveys.reporting_editing import ReportingInvalid

REFRESH = "choices"


def _named(view: SavedView) -> str:
    return f"“{view.label}”"


def _as_typed(form: SavedViewForm, data) -> dict[str, str]:
    """The posted values as a form's initial ones: shown again, not checked."""
    return {name: data.get(form.add_prefix(name), "") for name in (*VIEW_NAMES, "code")}


def _save(request: HttpRequest, slug: str, pk: int | None) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    data = ReportingData(survey)
    view = data.view(pk) if pk is not None else None
    form = data.view_form(view, data=request.POST)
    if request.POST.get("action") == REFRESH:
        # Only the highlighted cell's choices change: the form comes back as typed.
        form = data.view_form(view, initial=_as_typed(form, request.POST), stamp=request.POST.get("stamp"))
        return render_page(request, data, True, {form.prefix: form})
    if form.is_valid() and view is None:
        try:
            with transaction.atomic():
                view = reporting_editing.view_add(survey=survey, code=form.cleaned_data["code"], values=form.values(),
                                                  questions=data.view_questions)
                record_added(request, view)
        except ReportingInvalid as exc:
            refused(form, exc)
        else:
            messages.success(request, f"Added the saved view {_named(view)}: the results overview links to it.")
            return redirect(page_url(survey, f"view-{view.pk}"))
    elif form.is_valid() and item_update(
        request, form, view, "this saved view",
        lambda: reporting_editing.view_update(view=view, code=form.cleaned_data["code"], values=form.values(),
                                              questions=data.view_questions),
    ):
        messages.success(request, f"Saved the view {_named(view)}.")
        return redirect(page_url(survey, f"view-{view.pk}"))
    return render_page(request, data, True, {form.prefix: form}, status=409 if form.stale else 400)


@builder_view
@require_POST
def view_add(request: HttpRequest, slug: str) -> HttpResponse:
    return _save(request, slug, None)


@builder_view
@require_POST
def view_update(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _save(request, slug, pk)


@builder_view
@require_POST
def view_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    view = ReportingData(survey).view(pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    with transaction.atomic():
        moved = reporting_editing.view_move(view=view, offset=offset)
        if moved:
            record_moved(request, view, offset)
    if not moved:
        messages.info(request, f"The view {_named(view)} is already the {'first' if offset < 0 else 'last'}.")
    return redirect(page_url(survey, f"view-{view.pk}"))


@builder_view
@require_POST
def view_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    view = ReportingData(survey).view(pk)
    with transaction.atomic():
        reporting_editing.view_delete(view=view)
        record_deleted(request, view, target_of(view))
    messages.success(request, f"Deleted the saved view {_named(view)} (code {view.code}).")
    return redirect(page_url(survey, "views"))


@builder_view
@require_GET
def highlight_choices(request: HttpRequest, slug: str) -> HttpResponse:
    """`?prefix=<form prefix>&<prefix>-row_variable=...&<prefix>-column_variable=...`: the
    highlighted cell's two selects, offering the chosen variables' choices."""
    survey = editable_survey(request.user, slug)
    data = ReportingData(survey)
    prefix = request.GET.get("prefix", "")
    view = None
    if prefix.startswith("view-") and prefix[5:].isdigit():
        view = data.view(int(prefix[5:]))
    form = data.view_form(view)
    form = data.view_form(view, initial=_as_typed(form, request.GET))
    return render(request, "builder/findings/_highlight.html", {"form": form, "survey": survey})
