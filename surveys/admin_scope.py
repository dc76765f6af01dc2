"""Admin pages scoped to the surveys a user may edit (README, "Roles").

A survey manager sees, in every admin page that holds a survey's data (the survey itself,
its versions, invitations, e-mail templates, responses), only the surveys they are an
editor of; superusers see all. The model permissions still say what they may do there.

Scoping the queryset is what hides the rest: changelists, actions (which run on the
changelist's queryset) and the change, delete and history pages (which look the object up
through it, and answer as for an id that does not exist) all go through `get_queryset`.
Foreign-key choices and the survey and version filters are scoped too, so that no form or
sidebar names a survey the user may not edit, and a posted id of one is refused.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from surveys.models import Survey, SurveyVersion
from surveys.selectors import editable_surveys


class EditableSurveyFilter(admin.RelatedFieldListFilter):
    """A changelist's survey filter offering only the surveys the user may edit."""

    def field_choices(self, field, request, model_admin):
        return [(survey.pk, str(survey)) for survey in editable_surveys(request.user)]


class EditableVersionFilter(admin.RelatedFieldListFilter):
    """A changelist's version filter offering only versions of surveys the user may edit."""

    def field_choices(self, field, request, model_admin):
        versions = SurveyVersion.objects.filter(survey__in=editable_surveys(request.user)).select_related("survey")
        return [(version.pk, str(version)) for version in versions]


class SurveyScopedAdmin:
    """Mixin for a ModelAdmin (before it in the bases) of a model that belongs to a survey.

    `survey_path` is the lookup from the model to its survey ("" for Survey itself)."""

    survey_path = "survey"

    def get_queryset(self, request: HttpRequest):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        lookup = f"{self.survey_path}__in" if self.survey_path else "pk__in"
        return queryset.filter(**{lookup: editable_surveys(request.user).values("pk")})

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.related_model is Survey:
            kwargs["queryset"] = editable_surveys(request.user)
        elif db_field.related_model is SurveyVersion:
            kwargs["queryset"] = SurveyVersion.objects.filter(survey__in=editable_surveys(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _survey_of(self, obj) -> Survey:
        if not self.survey_path:
            return obj
        for part in self.survey_path.split("__"):
            obj = getattr(obj, part)
        return obj

    def _may_edit(self, request: HttpRequest, obj) -> bool:
        # The object was found through the scoped queryset already; this also guards an
        # object reached any other way (an override of get_object, a custom view).
        return obj is None or obj.pk is None or self._survey_of(obj).is_editable_by(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_view_permission(request, obj) and self._may_edit(request, obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)
