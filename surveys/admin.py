"""Admin for superusers and maintenance: surveys, their versions and the nested structure
(`surveys.admin_structure`). Survey managers build surveys in the builder, which these
pages link to.

A published version's structure is read-only here (labels, help texts and the personal-data
flag stay editable); the model layer refuses structural changes too, so no other path can
slip one through.
"""

from __future__ import annotations

import nested_admin
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import unquote
from django.db import models
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html

from surveys import conditions, reporting, services
from surveys.admin_history import HistoryAdmin, VersionHistoryAdmin, run_and_record
from surveys.admin_scope import EditableSurveyFilter, SurveyScopedAdmin
from surveys.admin_structure import PageInline
from surveys.definition import NetDef, QuestionDef, ViewDef
from surveys.definition_files import definition_to_yaml
from surveys.models import QUALITY_FLAGS, Finding, HiddenField, Net, SavedView, ScreenOut, Survey, SurveyVersion
from surveys.selectors import latest_version, version_definition


def _yaml_download(version: SurveyVersion) -> HttpResponse:
    response = HttpResponse(definition_to_yaml(version_definition(version)), content_type="application/yaml")
    filename = f"{version.survey.slug}-v{version.number}.yaml"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _run_service(modeladmin, request, queryset, service, done: str, *, action: str, summary) -> list[SurveyVersion]:
    """Runs the service on each version, recording each in the survey's history (`summary`
    words it, see run_and_record); returns what it returned for those it did not refuse."""
    results = []
    for version in queryset.select_related("survey"):
        try:
            results.append(run_and_record(request, version, service, action, summary))
        except services.VersionStateError as exc:
            modeladmin.message_user(request, f"{version}: {exc}", messages.ERROR)
        else:
            modeladmin.message_user(request, f"{version.survey.slug} v{version.number}: {done}.", messages.SUCCESS)
    return results


class SurveyVersionForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        # The constraint allowing one draft per survey reads the status, which is not in the
        # form: without this check a second draft would fail in the database.
        survey = cleaned.get("survey")
        draft = survey.draft_version() if survey and self.instance.pk is None else None
        if draft is not None:
            raise forms.ValidationError(
                f"'{survey.slug}' already has a draft, version {draft.number}: edit it, or publish it first.",
                code="one_draft",
            )
        return cleaned


class HiddenFieldInline(nested_admin.NestedTabularInline):
    """Shown, not edited here: hidden fields are declared in the builder's "Hidden fields"
    page or the definition file, where their codes are checked against the questions'."""

    model = HiddenField
    extra = 0
    fields = readonly_fields = ("code", "description", "values")
    verbose_name_plural = "hidden fields (edit them in the survey builder)"

    def has_view_permission(self, request, obj=None):
        # Whoever may open the version (the page is scoped to their surveys) sees its fields.
        return True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScreenOutInline(HiddenFieldInline):
    """Shown, not edited here, as hidden fields: screen-outs are declared in the definition file."""

    model = ScreenOut
    fields = readonly_fields = ("code", "condition", "message")
    verbose_name_plural = "screen-outs (edit them in the definition file)"


@admin.register(SurveyVersion)
class SurveyVersionAdmin(SurveyScopedAdmin, VersionHistoryAdmin, nested_admin.NestedModelAdmin):
    form = SurveyVersionForm
    list_display = ("survey", "number", "status", "published_at", "preview_link")
    list_filter = ("status", ("survey", EditableSurveyFilter))
    readonly_fields = ("status", "published_at", "preview_link")
    fields = ("survey", "number", "status", "published_at", "intro", "thank_you", "preview_link")
    inlines = [HiddenFieldInline, ScreenOutInline, PageInline]
    actions = ["delete_selected", "publish", "close", "reopen", "duplicate", "export_yaml"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly += ["survey", "number"]
        return readonly

    @admin.display(description="Preview")
    def preview_link(self, obj: SurveyVersion) -> str:
        if obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}">Preview</a> · <a href="{}">Try it (test mode)</a>',
            reverse("surveys:preview", args=[obj.pk]),
            reverse("responses:preview", args=[obj.survey.slug, obj.pk]),
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The banner at the top (templates/admin/surveys/surveyversion/change_form.html): the
        # version's state, and where to change a frozen one.
        if obj is not None and obj.pk is not None:
            context["draft"] = obj.survey.draft_version() if obj.is_frozen else None
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    # A published version holds responses and counts: the model refuses to delete it, but a
    # queryset's delete (the "delete selected" action) never asks the model. The action and
    # the delete page leave published versions out, saying so; drafts are deleted as before.

    def _refuse_published(self, request, versions) -> None:
        names = ", ".join(f"{v.survey.slug} v{v.number}" for v in versions)
        self.message_user(request, f"Not deleted: {names}. A published version cannot be deleted (it holds "
                                   "responses and counts); close it instead.", messages.ERROR)

    @admin.action(description="Delete selected versions (drafts only)", permissions=["delete"])
    def delete_selected(self, request, queryset):
        published = [v for v in queryset.select_related("survey") if v.is_frozen]
        if published:
            self._refuse_published(request, published)
        drafts = queryset.filter(status=SurveyVersion.Status.DRAFT)
        if not drafts.exists():
            return None
        # Django's own confirmation page, of the drafts alone.
        return django_delete_selected(self, request, drafts)

    def delete_queryset(self, request, queryset):
        published = [v for v in queryset.select_related("survey") if v.is_frozen]
        if published:
            self._refuse_published(request, published)
        super().delete_queryset(request, queryset.filter(status=SurveyVersion.Status.DRAFT))

    def delete_view(self, request, object_id, extra_context=None):
        version = self.get_object(request, unquote(object_id))
        if version is not None and version.is_frozen:
            self._refuse_published(request, [version])
            return redirect("admin:surveys_surveyversion_change", version.pk)
        return super().delete_view(request, object_id, extra_context)

    @admin.action(description="Publish (freeze and open for responses)", permissions=["change"])
    def publish(self, request, queryset):
        _run_service(self, request, queryset, services.version_publish, "published and open",
                     action="version_published", summary=lambda v, _: f"Published version {v.number}")

    @admin.action(description="Close for responses", permissions=["change"])
    def close(self, request, queryset):
        _run_service(self, request, queryset, services.version_close, "closed",
                     action="version_closed", summary=lambda v, _: f"Closed version {v.number}")

    @admin.action(description="Reopen for responses", permissions=["change"])
    def reopen(self, request, queryset):
        _run_service(self, request, queryset, services.version_reopen, "reopened",
                     action="version_reopened", summary=lambda v, _: f"Reopened version {v.number}")

    @admin.action(description="Duplicate as a new draft", permissions=["add"])
    def duplicate(self, request, queryset):
        drafts = _run_service(
            self, request, queryset, services.version_duplicate, "copied into a new draft", action="draft_created",
            summary=lambda v, draft: f"Started version {draft.number} as a draft, a copy of version {v.number},",
        )
        if len(drafts) == 1:
            # From a published version's "Create a new draft": on to the draft, to edit it.
            return redirect("admin:surveys_surveyversion_change", drafts[0].pk)
        return None

    @admin.action(description="Export as YAML", permissions=["view"])
    def export_yaml(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version to export.", messages.ERROR)
            return None
        return _yaml_download(queryset.get())


class FindingForm(forms.ModelForm):
    class Meta:
        model = Finding
        fields = ("position", "code", "statement", "base_condition", "target_condition")

    def _check_condition(self, field: str) -> str:
        text = self.cleaned_data.get(field, "")
        survey = getattr(self.instance, "survey", None) if self.instance.survey_id else None
        version = latest_version(survey) if survey else None
        try:
            node = conditions.parse(text)
            if version is not None:
                conditions.check(node, version_definition(version).questions)
        except conditions.ConditionError as exc:
            raise forms.ValidationError(str(exc), code="invalid_condition") from exc
        return text

    def clean_base_condition(self) -> str:
        return self._check_condition("base_condition")

    def clean_target_condition(self) -> str:
        return self._check_condition("target_condition")


class FindingInline(nested_admin.NestedTabularInline):
    model = Finding
    form = FindingForm
    extra = 0
    sortable_field_name = "position"


def _survey_questions(instance, *, views: bool = False) -> dict[str, QuestionDef] | None:
    """The questions NETs and views are checked against: the latest version's, as for
    findings, with its hidden fields with `values` for views (`SurveyDef.view_questions`);
    None for a survey without a version yet: nothing to check against."""
    version = latest_version(instance.survey) if instance.survey_id else None
    if version is None:
        return None
    definition = version_definition(version)
    return definition.view_questions if views else definition.questions


class CodeListField(forms.CharField):
    """Choice codes, typed separated by commas or spaces; stored as a list."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value) -> list[str]:
        return [code for code in str(super().to_python(value)).replace(",", " ").split() if code]


class _ReportingForm(forms.ModelForm):
    """Puts each problem `reporting` finds on the field it is about."""

    problem_fields: dict[str, str] = {}

    def add_problems(self, problems: list[reporting.Problem]) -> None:
        for key, message in problems:
            field = self.problem_fields.get(key)
            self.add_error(field if field in self.fields else None, forms.ValidationError(message, code="invalid"))


class NetForm(_ReportingForm):
    choices = CodeListField(help_text="Choice codes, separated by commas.")
    problem_fields = {"question": "question_code", "code": "code", "choices": "choices"}

    class Meta:
        model = Net
        fields = ("position", "question_code", "code", "label", "choices", "all_but")

    def clean(self):
        cleaned = super().clean()
        questions = _survey_questions(self.instance)
        if questions is not None and not self.errors:
            net = NetDef(question=cleaned["question_code"], code=cleaned["code"], label=cleaned["label"],
                         choices=tuple(cleaned["choices"]), all_but=cleaned["all_but"])
            self.add_problems(reporting.net_problems(net, questions))
        return cleaned


class SavedViewForm(_ReportingForm):
    problem_fields = {
        "row": "row_variable", "column": "column_variable", "segment": "segment",
        "highlight.row": "highlight_row", "highlight.column_not": "highlight_column_not",
    }

    class Meta:
        model = SavedView
        fields = (
            "position", "code", "label", "description", "row_variable", "column_variable", "segment",
            "highlight_row", "highlight_column_not",
        )

    def clean(self):
        cleaned = super().clean()
        questions = _survey_questions(self.instance, views=True)
        if questions is not None and not self.errors:
            view = ViewDef(
                code=cleaned["code"], label=cleaned["label"], description=cleaned["description"],
                row=cleaned["row_variable"], column=cleaned["column_variable"], segment=cleaned["segment"],
                highlight_row=cleaned["highlight_row"], highlight_column_not=cleaned["highlight_column_not"],
            )
            self.add_problems(reporting.view_problems(view, questions))
        return cleaned


class NetInline(nested_admin.NestedTabularInline):
    model = Net
    form = NetForm
    extra = 0
    sortable_field_name = "position"


class SavedViewInline(nested_admin.NestedStackedInline):
    model = SavedView
    form = SavedViewForm
    extra = 0
    sortable_field_name = "position"
    fields = (
        "position", ("code", "label"), "description", ("row_variable", "column_variable", "segment"),
        ("highlight_row", "highlight_column_not"),
    )


class VersionLinkInline(nested_admin.NestedTabularInline):
    model = SurveyVersion
    extra = 0
    fields = ("number", "status", "published_at")
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Survey)
class SurveyAdmin(SurveyScopedAdmin, HistoryAdmin, nested_admin.NestedModelAdmin):
    survey_path = ""
    list_display = ("slug", "title", "open_version_number", "listed", "created_at")
    search_fields = ("slug", "title")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("viewers", "viewer_groups", "editors", "editor_groups")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("slug", "title", "description")}),
        ("Collection", {"fields": ("opens_at", "closes_at", "response_cap")}),
        (
            "Invitations and panels",
            {"fields": (
                "access", "listed", "redirect_complete", "redirect_screened_out", "redirect_quota_full",
                "redirect_closed",
            )},
        ),
        (
            "Data quality",
            {"fields": ("page_time_floor", "speeder_fraction", "duplicate_window_hours", "auto_exclude_flags")},
        ),
        ("Who may edit", {"fields": ("editors", "editor_groups")}),
        ("Who may see results", {"fields": ("viewers", "viewer_groups")}),
    )
    inlines = [FindingInline, NetInline, SavedViewInline]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "auto_exclude_flags":  # a list of flag codes: ticked, not typed as JSON
            return forms.TypedMultipleChoiceField(
                choices=list(QUALITY_FLAGS.items()), required=False, widget=forms.CheckboxSelectMultiple,
                label="Exclude automatically", help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)
    actions = ["export_yaml"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the form's many-to-many fields are saved (which would drop anyone not
        # selected): whoever creates a survey is its first editor, or they could not see it.
        if not change:
            form.instance.editors.add(request.user)

    def get_inlines(self, request, obj):
        # Versions are listed (read-only, with links) once the survey exists.
        return [VersionLinkInline, *self.inlines] if obj else self.inlines

    def get_readonly_fields(self, request, obj=None):
        # The slug is in every link and export: it never changes once created.
        return ("slug",) if obj else ()

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else self.prepopulated_fields

    @admin.display(description="Open version")
    def open_version_number(self, obj: Survey):
        version = obj.open_version()
        return version.number if version else "-"

    @admin.action(description="Export as YAML", permissions=["view"])
    def export_yaml(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one survey to export.", messages.ERROR)
            return None
        version = latest_version(queryset.get())
        if version is None:
            self.message_user(request, "This survey has no version yet.", messages.ERROR)
            return None
        return _yaml_download(version)
