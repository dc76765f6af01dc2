"""A draft's screen-outs (/build/<slug>/screen-outs/): conditions that end the survey for
respondents it does not target, each with the code recorded on their responses and the
message they read. Add, change and remove them without the definition file.

They are structure, frozen with their version like questions: the page edits the draft;
without one it shows the published version's screen-outs read-only (and offers a new
draft), as it does to users who may only look. Every change is recorded in the survey's
history and undone from there (builder.undo). Plain POSTs that redirect back; a refused
form is shown again with what was typed and the error at its field (a condition's with the
character where the problem is). A condition is built with the condition picker (any
question or hidden field) or typed in its text mode; without JavaScript, the picker's
buttons post the form, which comes back with their change and nothing saved.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from builder import screen_out_history
from builder.access import builder_view, editable_survey, survey_for_builder
from builder.condition_display import Place
from builder.forms.screen_outs import FIELDS, ScreenOutForm, picker_prefix
from builder.stamps import row_snapshot, stamp_of
from builder.views.conditions import picker_for, screen_out_place
from builder.views.draft_rows import DraftRows
from builder.views.outline.respond import new_token
from builder.views.outline.structure import edited_version, edited_version_or_404
from surveys import screen_out_editing
from surveys.models import ScreenOut, Survey, SurveyVersion


def _url(survey: Survey, anchor: str = "", **query) -> str:
    url = reverse("builder:screen_outs", args=[survey.slug])
    return url + (f"?{urlencode(query)}" if query else "") + (f"#{anchor}" if anchor else "")


def _form(request: HttpRequest, survey: Survey, version: SurveyVersion, place: Place,
          screen_out: ScreenOut | None = None, posted: bool = False) -> ScreenOutForm:
    """A screen-out's form with its condition picker: from the stored screen-out, or as posted."""
    data = request.POST if posted else None
    picker = picker_for(survey=survey, place=place, prefix=picker_prefix(screen_out), data=data,
                        stored=screen_out.condition if screen_out is not None else "")
    return ScreenOutForm(data, version=version, screen_out=screen_out, picker=picker)


def _render(request: HttpRequest, survey: Survey, version: SurveyVersion | None, editable: bool,
            bound: ScreenOutForm | None = None, status: int = 200, stale: str = "") -> HttpResponse:
    screen_outs = list(version.screen_outs.order_by("position", "pk")) if version is not None else []
    changeable = editable and version is not None and not version.is_frozen
    place = bound.picker.place if bound is not None else screen_out_place(version) if changeable else None
    rows = []
    for screen_out in screen_outs:
        form, stamp = None, stamp_of(row_snapshot(screen_out, FIELDS))
        if changeable:
            if bound is not None and bound.screen_out is not None and bound.screen_out.pk == screen_out.pk:
                form = bound
                if not bound.is_bound:  # after a picker's button: the stamp first shown, so a newer save is noticed
                    stamp = request.POST.get("stamp", stamp)
            else:
                form = _form(request, survey, version, place, screen_out)
        rows.append({"screen_out": screen_out, "form": form, "stamp": stamp})
    add_form = None
    if changeable:
        add_form = bound if bound is not None and bound.screen_out is None else _form(request, survey, version, place)
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


SCREEN_OUTS = DraftRows(
    noun="screen-out", model=ScreenOut, fields=FIELDS, history=screen_out_history,
    add=screen_out_editing.screen_out_add,
    update=lambda screen_out, data: screen_out_editing.screen_out_update(screen_out=screen_out, **data),
    delete=lambda screen_out: screen_out_editing.screen_out_delete(screen_out=screen_out),
    actions=("screen_out_added", "screen_out_changed", "screen_out_deleted"), anchor="screen-out",
    list_anchor="screen-outs", target="screenout", render=_render, url=_url,
)


@builder_view
def screen_outs(request: HttpRequest, slug: str) -> HttpResponse:
    survey, editable = survey_for_builder(request.user, slug)
    version = edited_version(survey)
    if version is not None:
        version.survey = survey
    return _render(request, survey, version, editable)


@builder_view
@require_POST
def screen_out_add(request: HttpRequest, slug: str) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    version = edited_version_or_404(survey)
    form = _form(request, survey, version, screen_out_place(version), posted=True)
    if form.picker_pressed:
        return _render(request, survey, version, True, form.as_typed())
    return SCREEN_OUTS.added(request, survey, version, form)


@builder_view
@require_POST
def screen_out_update(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    version = edited_version_or_404(survey)
    screen_out = SCREEN_OUTS.row(version, pk)
    form = _form(request, survey, version, screen_out_place(version), screen_out, posted=True)
    if form.picker_pressed:
        return _render(request, survey, version, True, form.as_typed())
    return SCREEN_OUTS.changed(request, survey, version, screen_out, form)


@builder_view
@require_POST
def screen_out_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    return SCREEN_OUTS.removed(request, survey, edited_version_or_404(survey), pk)
