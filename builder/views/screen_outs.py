"""A draft's screen-outs (/build/<slug>/screen-outs/): conditions that end the survey for
respondents it does not target, each with the code recorded on their responses and the
message they read. Add, change and remove them without the definition file.

They are structure, frozen with their version like questions: the page edits the draft;
without one it shows the published version's screen-outs read-only (and offers a new
draft), as it does to users who may only look. Every change is recorded in the survey's
history and undone from there (builder.undo). Plain POSTs that redirect back; a refused
form is shown again with what was typed and the error at its field (a condition's with the
character where the problem is).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from builder import screen_out_history
from builder.access import builder_view, editable_survey, survey_for_builder
from builder.forms.screen_outs import FIELDS, ScreenOutForm
from builder.stamps import check_stamp, row_snapshot, stamp_of
from builder.views.outline.respond import new_token, once
from builder.views.outline.structure import edited_version, edited_version_or_404
from surveys import screen_out_editing
from surveys.editing import EditError
from surveys.models import FrozenVersionError, ScreenOut, Survey, SurveyVersion


def _url(survey: Survey, anchor: str = "", **query) -> str:
    url = reverse("builder:screen_outs", args=[survey.slug])
    return url + (f"?{urlencode(query)}" if query else "") + (f"#{anchor}" if anchor else "")


def _render(request: HttpRequest, survey: Survey, version: SurveyVersion | None, editable: bool,
            bound: ScreenOutForm | None = None, status: int = 200, stale: str = "") -> HttpResponse:
    screen_outs = list(version.screen_outs.order_by("position", "pk")) if version is not None else []
    changeable = editable and version is not None and not version.is_frozen
    rows = []
    for screen_out in screen_outs:
        form = None
        if changeable:
            form = bound if bound is not None and bound.screen_out is not None and \
                bound.screen_out.pk == screen_out.pk else ScreenOutForm(version=version, screen_out=screen_out)
        rows.append({"screen_out": screen_out, "form": form, "stamp": stamp_of(row_snapshot(screen_out, FIELDS))})
    add_form = None
    if changeable:
        add_form = bound if bound is not None and bound.screen_out is None else ScreenOutForm(version=version)
    undo_id = request.GET.get("removed", "")
    context = {
        "survey": survey,
        "version": version,
        "editable": editable,
        "changeable": changeable,
        "rows": rows,
        "add_form": add_form,
        "bound": bound,
        "stale": stale,
        "removed": int(undo_id) if changeable and undo_id.isdigit() else None,
        "once": new_token(),
        "once_undo": new_token(),
        "active": "home",
    }
    return render(request, "builder/screen_outs.html", context, status=status)


def _screen_out(version: SurveyVersion, pk: int) -> ScreenOut:
    screen_out = ScreenOut.objects.filter(pk=pk, version=version).select_related("version__survey").first()
    if screen_out is None:
        raise Http404("No such screen-out in this version.")
    return screen_out


@builder_view
def screen_outs(request: HttpRequest, slug: str) -> HttpResponse:
    survey, editable = survey_for_builder(request.user, slug)
    version = edited_version(survey)
    if version is not None:
        version.survey = survey
    return _render(request, survey, version, editable)


def _refused(request, survey, version, form, exc: Exception) -> HttpResponse:
    """A service's refusal (frozen version, a code taken since) at the form, with what was typed."""
    message = " ".join(getattr(exc, "messages", None) or [str(exc)])
    if isinstance(exc, FrozenVersionError):
        messages.error(request, f"Nothing was saved: {message}")
        return _render(request, survey, version, True, status=409)
    form.add_error(getattr(exc, "field", None), message)
    return _render(request, survey, version, True, form, status=400)


@builder_view
@require_POST
def screen_out_add(request: HttpRequest, slug: str) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    version = edited_version_or_404(survey)
    form = ScreenOutForm(request.POST, version=version)
    if not form.is_valid():
        return _render(request, survey, version, True, form, status=400)
    try:
        with transaction.atomic():
            screen_out = screen_out_editing.screen_out_add(version=version, **form.cleaned_data)
            screen_out.version = version
            screen_out_history.record_by(request.user, screen_out, "screen_out_added",
                                         f"Added screen-out {screen_out.code}",
                                         screen_out_history.added_details(screen_out))
    except (EditError, FrozenVersionError) as exc:
        return _refused(request, survey, version, form, exc)
    messages.success(request, f"Added the screen-out {screen_out.code}.")
    return redirect(_url(survey, f"screen-out-{screen_out.pk}"))


@builder_view
@require_POST
def screen_out_update(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    version = edited_version_or_404(survey)
    screen_out = _screen_out(version, pk)
    form = ScreenOutForm(request.POST, version=version, screen_out=screen_out)
    if not form.is_valid():
        return _render(request, survey, version, True, form, status=400)
    try:
        with transaction.atomic():
            SurveyVersion.objects.select_for_update().filter(pk=version.pk).values_list("pk", flat=True).get()
            before = ScreenOut.objects.get(pk=screen_out.pk)
            stale = check_stamp(row_snapshot(before, FIELDS), request.POST.get("stamp"))
            if stale is not None:
                return _render(request, survey, version, True, form, status=409,
                               stale=stale.describe(f"the screen-out {before.code}", viewer=request.user))
            screen_out = screen_out_editing.screen_out_update(screen_out=screen_out, **form.cleaned_data)
            screen_out.version = version
            details = screen_out_history.changed_details(screen_out, before)
            if details is not None:
                screen_out_history.record_by(request.user, screen_out, "screen_out_changed",
                                             screen_out_history.summary_changed(screen_out, details), details)
    except (EditError, FrozenVersionError) as exc:
        return _refused(request, survey, version, form, exc)
    messages.success(request, f"Saved the screen-out {screen_out.code}." if details else "Nothing had changed.")
    return redirect(_url(survey, f"screen-out-{screen_out.pk}"))


@builder_view
@require_POST
def screen_out_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    version = edited_version_or_404(survey)
    if not once(request):  # a double click: the first post removed it
        return redirect(_url(survey))
    screen_out = _screen_out(version, pk)
    target = f"screenout:{screen_out.pk}"
    try:
        with transaction.atomic():
            data = screen_out_editing.screen_out_delete(screen_out=screen_out)
            screen_out.version = version
            change = screen_out_history.record_by(request.user, screen_out, "screen_out_deleted",
                                                  f"Removed screen-out {screen_out.code}",
                                                  screen_out_history.deleted_details(screen_out, data), target)
    except (EditError, FrozenVersionError) as exc:
        messages.error(request, "Nothing was removed: " + " ".join(getattr(exc, "messages", None) or [str(exc)]))
        return redirect(_url(survey, f"screen-out-{pk}"))
    messages.success(request, f"Removed the screen-out {screen_out.code}.")
    return redirect(_url(survey, "screen-outs", removed=change.pk))
