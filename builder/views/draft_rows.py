"""The writes of a page listing one kind of row a draft holds beside its questions (hidden
fields, screen-outs): add, change (refused over a newer save: the row's stamp) and
remove, each recorded in the survey's history (undone from there, builder.undo), then a
redirect back to the row; a refused form is shown again, with what was typed and the
error at its field. Each page module describes its kind once (`DraftRows`) and keeps its
own reading view and rendering.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django import forms
from django.contrib import messages
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from builder.stamps import check_stamp, row_snapshot
from builder.views.outline.respond import once
from surveys.editing import EditError
from surveys.models import FrozenVersionError, Survey, SurveyVersion

# render(request, survey, version, editable, bound=None, status=200, stale="")
Render = Callable[..., HttpResponse]
# url(survey, anchor="", **query)
Url = Callable[..., str]


@dataclass(frozen=True)
class DraftRows:
    noun: str  # "hidden field": in messages and history summaries
    model: type[models.Model]
    fields: tuple[str, ...]  # what the row's stamp is taken over
    history: ModuleType  # record_by, added_details, changed_details, deleted_details, summary_changed
    add: Callable[..., models.Model]  # (version=, **cleaned) -> the new row
    update: Callable[[models.Model, dict], models.Model]  # (row, cleaned) -> the row
    delete: Callable[[models.Model], dict]  # (row) -> what undo needs
    actions: tuple[str, str, str]  # history actions: added, changed, deleted
    anchor: str  # a row's anchor on the page: f"{anchor}-{pk}"
    list_anchor: str  # the list's anchor, after a removal
    target: str  # the history target's prefix: f"{target}:{pk}"
    render: Render
    url: Url

    def row(self, version: SurveyVersion, pk: int) -> models.Model:
        row = self.model.objects.filter(pk=pk, version=version).select_related("version__survey").first()
        if row is None:
            raise Http404(f"No such {self.noun} in this version.")
        return row

    def refused(self, request: HttpRequest, survey: Survey, version: SurveyVersion, form: forms.Form,
                exc: Exception) -> HttpResponse:
        """A service's refusal (frozen version, a code taken since, a condition naming it)
        at the form, with what was typed."""
        message = " ".join(getattr(exc, "messages", None) or [str(exc)])
        if isinstance(exc, FrozenVersionError):
            # The page shows a published version without forms: the refusal is its message.
            messages.error(request, f"Nothing was saved: {message}")
            return self.render(request, survey, version, True, status=409)
        form.add_error(getattr(exc, "field", None), message)
        return self.render(request, survey, version, True, form, status=400)

    def added(self, request: HttpRequest, survey: Survey, version: SurveyVersion, form: forms.Form) -> HttpResponse:
        if not form.is_valid():
            return self.render(request, survey, version, True, form, status=400)
        try:
            with transaction.atomic():
                row = self.add(version=version, **form.cleaned_data)
                row.version = version
                self.history.record_by(request.user, row, self.actions[0], f"Added {self.noun} {row.code}",
                                       self.history.added_details(row))
        except (EditError, FrozenVersionError) as exc:
            return self.refused(request, survey, version, form, exc)
        messages.success(request, f"Added the {self.noun} {row.code}.")
        return redirect(self.url(survey, f"{self.anchor}-{row.pk}"))

    def changed(self, request: HttpRequest, survey: Survey, version: SurveyVersion, row: models.Model,
                form: forms.Form) -> HttpResponse:
        if not form.is_valid():
            return self.render(request, survey, version, True, form, status=400)
        details: dict[str, Any] | None = None
        try:
            with transaction.atomic():
                # The version's row first, as every structure edit locks it: no other save of
                # this row slips in between the stamp's check and the record.
                SurveyVersion.objects.select_for_update().filter(pk=version.pk).values_list("pk", flat=True).get()
                before = self.model.objects.get(pk=row.pk)
                stale = check_stamp(row_snapshot(before, self.fields), request.POST.get("stamp"))
                if stale is not None:
                    return self.render(request, survey, version, True, form, status=409,
                                       stale=stale.describe(f"the {self.noun} {before.code}", viewer=request.user))
                row = self.update(row, form.cleaned_data)
                row.version = version
                details = self.history.changed_details(row, before)
                if details is not None:
                    self.history.record_by(request.user, row, self.actions[1],
                                           self.history.summary_changed(row, details), details)
        except (EditError, FrozenVersionError) as exc:
            return self.refused(request, survey, version, form, exc)
        messages.success(request, f"Saved the {self.noun} {row.code}." if details else "Nothing had changed.")
        return redirect(self.url(survey, f"{self.anchor}-{row.pk}"))

    def removed(self, request: HttpRequest, survey: Survey, version: SurveyVersion, pk: int) -> HttpResponse:
        if not once(request):  # a double click: the first post removed it
            return redirect(self.url(survey))
        row = self.row(version, pk)
        target = f"{self.target}:{row.pk}"  # before the removal clears the row's pk
        try:
            with transaction.atomic():
                data = self.delete(row)
                row.version = version
                change = self.history.record_by(request.user, row, self.actions[2], f"Removed {self.noun} {row.code}",
                                                self.history.deleted_details(row, data), target)
        except (EditError, FrozenVersionError) as exc:
            messages.error(request, "Nothing was removed: " + " ".join(getattr(exc, "messages", None) or [str(exc)]))
            return redirect(self.url(survey, f"{self.anchor}-{pk}"))
        messages.success(request, f"Removed the {self.noun} {row.code}.")
        return redirect(self.url(survey, self.list_anchor, removed=change.pk))
