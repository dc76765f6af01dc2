"""A draft's hidden fields (/build/<slug>/hidden/): the values a respondent brings along
from a panel's link (`?rid=…`), the invitee list or the API. Add, change and remove them
without the definition file; the public link with an example of each parameter, to give to
a panel, is shown beside them.

They are structure, frozen with their version like questions: the page edits the draft;
without one it shows the published version's fields read-only (and offers a new draft),
as it does to users who may only look. Every change is recorded in the survey's history
and undone from there (builder.undo). Plain POSTs that redirect back; a refused form is
shown again with what was typed and the error at its field.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from builder import hidden_history
from builder.access import builder_view, editable_survey, survey_for_builder
from builder.forms.hidden import FIELDS, HiddenFieldForm
from builder.stamps import row_snapshot, stamp_of
from builder.views.draft_rows import DraftRows
from builder.views.outline.respond import new_token
from builder.views.outline.structure import edited_version, edited_version_or_404
from surveys import hidden_editing
from surveys.definition import BUILTIN_HIDDEN
from surveys.models import HiddenField, Survey, SurveyVersion


def panel_link(request: HttpRequest, survey: Survey, fields: list[HiddenField] | list[str]) -> str:
    """The survey's public link with an example of each hidden field's parameter: its first
    allowed value, else "…" for the panel to replace with each respondent's value."""
    url = request.build_absolute_uri(reverse("responses:form", args=[survey.slug]))
    # "…" stays as it is (the panel replaces it), the rest is encoded as a link needs.
    params = [(f.code, quote(f.values[0]) if f.values else "…") if isinstance(f, HiddenField) else (f, "…")
              for f in fields]
    return url + "?" + "&".join(f"{quote(code)}={value}" for code, value in params) if params else url


def _url(survey: Survey, anchor: str = "", **query) -> str:
    url = reverse("builder:hidden", args=[survey.slug])
    return url + (f"?{urlencode(query)}" if query else "") + (f"#{anchor}" if anchor else "")


def _render(request: HttpRequest, survey: Survey, version: SurveyVersion | None, editable: bool,
            bound: HiddenFieldForm | None = None, status: int = 200, stale: str = "") -> HttpResponse:
    fields = list(version.hidden_fields.order_by("position", "pk")) if version is not None else []
    changeable = editable and version is not None and not version.is_frozen
    rows = []
    for field in fields:
        form = None
        if changeable:
            form = bound if bound is not None and bound.field is not None and bound.field.pk == field.pk else \
                HiddenFieldForm(version=version, field=field)
        rows.append({"field": field, "form": form, "stamp": stamp_of(row_snapshot(field, FIELDS))})
    add_form = None
    if changeable:
        add_form = bound if bound is not None and bound.field is None else HiddenFieldForm(version=version)
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
        "builtin": BUILTIN_HIDDEN,
        "panel_link": panel_link(request, survey, fields),
        "removed": int(undo_id) if changeable and undo_id.isdigit() else None,
        "once": new_token(),
        "once_undo": new_token(),
        "active": "home",
    }
    return render(request, "builder/hidden.html", context, status=status)


HIDDEN_FIELDS = DraftRows(
    noun="hidden field", model=HiddenField, fields=FIELDS, history=hidden_history,
    add=hidden_editing.hidden_field_add,
    update=lambda field, data: hidden_editing.hidden_field_update(field=field, **data),
    delete=lambda field: hidden_editing.hidden_field_delete(field=field),
    actions=("hidden_added", "hidden_changed", "hidden_deleted"), anchor="hidden", list_anchor="hidden-fields",
    target="hiddenfield", render=_render, url=_url,
)


@builder_view
def hidden_fields(request: HttpRequest, slug: str) -> HttpResponse:
    survey, editable = survey_for_builder(request.user, slug)
    version = edited_version(survey)
    if version is not None:
        version.survey = survey
    return _render(request, survey, version, editable)


@builder_view
@require_POST
def hidden_add(request: HttpRequest, slug: str) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    version = edited_version_or_404(survey)
    return HIDDEN_FIELDS.added(request, survey, version, HiddenFieldForm(request.POST, version=version))


@builder_view
@require_POST
def hidden_update(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    version = edited_version_or_404(survey)
    field = HIDDEN_FIELDS.row(version, pk)
    form = HiddenFieldForm(request.POST, version=version, field=field)
    return HIDDEN_FIELDS.changed(request, survey, version, field, form)


@builder_view
@require_POST
def hidden_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    return HIDDEN_FIELDS.removed(request, survey, edited_version_or_404(survey), pk)
