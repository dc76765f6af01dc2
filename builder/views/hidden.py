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

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from builder import hidden_history
from builder.access import builder_view, editable_survey, survey_for_builder
from builder.forms.hidden import FIELDS, HiddenFieldForm
from builder.stamps import check_stamp, row_snapshot, stamp_of
from builder.views.outline.respond import new_token, once
from builder.views.outline.structure import edited_version, edited_version_or_404
from surveys import hidden_editing
from surveys.definition import BUILTIN_HIDDEN
from surveys.editing import EditError
from surveys.models import FrozenVersionError, HiddenField, Survey, SurveyVersion


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


def _field(version: SurveyVersion, pk: int) -> HiddenField:
    field = HiddenField.objects.filter(pk=pk, version=version).select_related("version__survey").first()
    if field is None:
        raise Http404("No such hidden field in this version.")
    return field


@builder_view
def hidden_fields(request: HttpRequest, slug: str) -> HttpResponse:
    survey, editable = survey_for_builder(request.user, slug)
    version = edited_version(survey)
    if version is not None:
        version.survey = survey
    return _render(request, survey, version, editable)


def _refused(request, survey, version, form, exc: Exception) -> HttpResponse:
    """A service's refusal (frozen version, a code taken since, a condition naming it) at
    the form, with what was typed."""
    message = " ".join(getattr(exc, "messages", None) or [str(exc)])
    if isinstance(exc, FrozenVersionError):
        # The page shows a published version without forms: the refusal is its message.
        messages.error(request, f"Nothing was saved: {message}")
        return _render(request, survey, version, True, status=409)
    form.add_error(getattr(exc, "field", None), message)
    return _render(request, survey, version, True, form, status=400)


@builder_view
@require_POST
def hidden_add(request: HttpRequest, slug: str) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    version = edited_version_or_404(survey)
    form = HiddenFieldForm(request.POST, version=version)
    if not form.is_valid():
        return _render(request, survey, version, True, form, status=400)
    try:
        with transaction.atomic():
            field = hidden_editing.hidden_field_add(version=version, **form.cleaned_data)
            field.version = version
            hidden_history.record_by(request.user, field, "hidden_added", f"Added hidden field {field.code}",
                                     hidden_history.added_details(field))
    except (EditError, FrozenVersionError) as exc:
        return _refused(request, survey, version, form, exc)
    messages.success(request, f"Added the hidden field {field.code}.")
    return redirect(_url(survey, f"hidden-{field.pk}"))


@builder_view
@require_POST
def hidden_update(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    version = edited_version_or_404(survey)
    field = _field(version, pk)
    form = HiddenFieldForm(request.POST, version=version, field=field)
    if not form.is_valid():
        return _render(request, survey, version, True, form, status=400)
    try:
        with transaction.atomic():
            # The version's row first, as every structure edit locks it: no other save of
            # this field slips in between the stamp's check and the record.
            SurveyVersion.objects.select_for_update().filter(pk=version.pk).values_list("pk", flat=True).get()
            before = HiddenField.objects.get(pk=field.pk)
            stale = check_stamp(row_snapshot(before, FIELDS), request.POST.get("stamp"))
            if stale is not None:
                return _render(request, survey, version, True, form, status=409,
                               stale=stale.describe(f"the hidden field {before.code}", viewer=request.user))
            field = hidden_editing.hidden_field_update(field=field, **form.cleaned_data)
            field.version = version
            details = hidden_history.changed_details(field, before)
            if details is not None:
                hidden_history.record_by(request.user, field, "hidden_changed",
                                         hidden_history.summary_changed(field, details), details)
    except (EditError, FrozenVersionError) as exc:
        return _refused(request, survey, version, form, exc)
    messages.success(request, f"Saved the hidden field {field.code}." if details else "Nothing had changed.")
    return redirect(_url(survey, f"hidden-{field.pk}"))


@builder_view
@require_POST
def hidden_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    version = edited_version_or_404(survey)
    if not once(request):  # a double click: the first post removed it
        return redirect(_url(survey))
    field = _field(version, pk)
    target = f"hiddenfield:{field.pk}"
    try:
        with transaction.atomic():
            data = hidden_editing.hidden_field_delete(field=field)
            field.version = version
            change = hidden_history.record_by(request.user, field, "hidden_deleted",
                                              f"Removed hidden field {field.code}",
                                              hidden_history.deleted_details(field, data), target)
    except (EditError, FrozenVersionError) as exc:
        messages.error(request, "Nothing was removed: " + " ".join(getattr(exc, "messages", None) or [str(exc)]))
        return redirect(_url(survey, f"hidden-{pk}"))
    messages.success(request, f"Removed the hidden field {field.code}.")
    return redirect(_url(survey, "hidden-fields", removed=change.pk))
