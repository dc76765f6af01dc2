"""Responses in the admin, for survey managers: find, read, exclude, restore and delete.

A response is what a respondent said: nobody edits it here (no add, no change of any
field). Every change goes through responses.moderation, which locks the response and
signals analytics inside the same transaction, so the count tables stay equal to a full
recompute. That includes Django's own delete paths (the delete action and the delete
button): `delete_model` and `delete_queryset` call `response_delete` for each response
rather than deleting rows behind the counts' back.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from core.admin import action_confirmation
from responses.models import Answer, Response
from responses.moderation import (
    ModerationError,
    response_delete,
    response_exclude,
    response_restore,
    survey_test_responses_delete,
)
from responses.quality import FLAGS, flagged_q, responses_exclude_flagged
from surveys.admin_scope import EditableSurveyFilter, EditableVersionFilter, SurveyScopedAdmin
from surveys.selectors import compiled_version


class ExclusionForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
        help_text="Kept with each response, e.g. “straight-lined every matrix” or “duplicate of another response”.",
        error_messages={"required": "Give a reason for excluding these responses."},
    )


class ExcludedFilter(admin.SimpleListFilter):
    title = "excluded"
    parameter_name = "excluded"

    def lookups(self, request, model_admin):
        return (("yes", "Excluded"), ("no", "Not excluded"))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(excluded_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(excluded_at__isnull=True)
        return queryset


class FlaggedExclusionForm(ExclusionForm):
    flags = forms.MultipleChoiceField(
        choices=list(FLAGS.items()), widget=forms.CheckboxSelectMultiple,
        help_text="Of the selected responses, those (complete, not yet excluded) with any of these flags are excluded.",
        error_messages={"required": "Choose at least one flag."},
    )
    field_order = ["flags", "reason"]


class FlagFilter(admin.SimpleListFilter):
    title = "data-quality flag"
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        return (("any", "Any flag"), ("unflagged", "No flag"), *FLAGS.items())

    def queryset(self, request, queryset):
        value = self.value()
        if value == "any":
            return queryset.exclude(flags=[])
        if value == "unflagged":
            return queryset.filter(flags=[])
        if value in FLAGS:
            return queryset.filter(flagged_q(value))
        return queryset


def _answer_text(answer: Answer, choice_codes: dict[int, str]) -> str:
    if answer.erased:
        return "(erased)"
    if answer.choice_id is not None:
        return choice_codes.get(answer.choice_id, f"#{answer.choice_id}")
    if answer.number is not None:
        text = format(Decimal(answer.number), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if answer.date is not None:
        return answer.date.isoformat()
    return answer.text or ""


@admin.register(Response)
class ResponseAdmin(SurveyScopedAdmin, admin.ModelAdmin):
    list_display = (
        "id", "survey", "version_number", "status", "is_test", "started_at", "completed_at", "excluded", "flag_list",
    )
    list_filter = (
        ("survey", EditableSurveyFilter), ("version", EditableVersionFilter), "status", "is_test", ExcludedFilter,
        FlagFilter,
    )
    list_select_related = ("survey", "version")
    # A survey can have a million responses: no second COUNT(*) over all of them per page.
    show_full_result_count = False
    fields = (
        "id", "survey", "version", "status", "ended_by", "is_test", "started_at", "completed_at", "duration",
        "timed", "flag_list", "excluded_at", "exclusion_reason", "answers_by_code",
    )
    readonly_fields = fields
    actions = ["exclude_responses", "exclude_flagged_responses", "restore_responses", "delete_test_responses"]

    # --- Read-only -----------------------------------------------------------------

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Response | None = None) -> bool:
        # Without an object this is "may moderate" (the exclude and restore actions); on a
        # response's own page nothing is editable, so the page is a read-only view.
        if obj is not None:
            return False
        return super().has_change_permission(request)

    @admin.display(description="Version", ordering="version__number")
    def version_number(self, obj: Response) -> int:
        return obj.version.number

    @admin.display(description="Excluded", boolean=True, ordering="excluded_at")
    def excluded(self, obj: Response) -> bool:
        return obj.excluded_at is not None

    @admin.display(description="Flags")
    def flag_list(self, obj: Response) -> str:
        return ", ".join(FLAGS.get(flag, flag) for flag in obj.flags) or "-"

    @admin.display(description="Duration (seconds)")
    def duration(self, obj: Response) -> str:
        seconds = obj.duration_seconds
        return "-" if seconds is None else f"{seconds:.0f}"

    @admin.display(description="Answers")
    def answers_by_code(self, obj: Response) -> str:
        """The answers by code, in the order of the version's pages (matrix rows and
        multiple choices one line each)."""
        compiled = compiled_version(obj.version)
        codes = {pk: code for code, pk in compiled.question_ids.items()}
        rows = {pk: row for (_, row), pk in compiled.row_ids.items()}
        choices = {pk: choice for (_, choice), pk in compiled.choice_ids.items()}
        order: dict[str | tuple[str, str], int] = {}
        for question in compiled.definition.questions.values():
            order[question.code] = len(order)
            parts = question.row_codes + question.choice_codes
            order.update({(question.code, part): i for i, part in enumerate(parts)})
        lines: list[tuple[tuple[int, int, int], str, str]] = []
        for answer in Answer.objects.filter(response=obj).order_by("pk"):
            code = codes.get(answer.question_id, f"#{answer.question_id}")
            row = rows.get(answer.row_id, "") if answer.row_id is not None else ""
            choice = choices.get(answer.choice_id, "") if answer.row_id is None else ""
            key = (order.get(code, len(order)), order.get((code, row), -1), order.get((code, choice), -1))
            lines.append((key, f"{code}.{row}" if row else code, _answer_text(answer, choices)))
        if not lines:
            return "-"
        lines.sort(key=lambda line: line[0])
        return format_html(
            '<table><thead><tr><th scope="col">Code</th><th scope="col">Answer</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            format_html_join("", "<tr><td><code>{}</code></td><td>{}</td></tr>", ((c, v) for _, c, v in lines)),
        )

    # --- Actions -------------------------------------------------------------------

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        # Django's bulk delete stays (it confirms and lists what goes), renamed: it deletes
        # through `delete_queryset`, so through `response_delete`.
        if "delete_selected" in actions:
            func, name, _ = actions["delete_selected"]
            actions["delete_selected"] = (func, name, "Delete (with counts)")
        return actions

    def delete_model(self, request: HttpRequest, obj: Response) -> None:
        response_delete(response=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Response]) -> None:
        for response in queryset:
            response_delete(response=response)

    @admin.action(description="Exclude (with a reason)", permissions=["change"])
    def exclude_responses(self, request: HttpRequest, queryset: QuerySet[Response]):
        form = ExclusionForm(request.POST if request.POST.get("post") == "yes" else None)
        if form.is_bound and form.is_valid():
            excluded = 0
            for response in queryset:
                try:
                    response_exclude(response=response, reason=form.cleaned_data["reason"])
                except ModerationError as exc:
                    self.message_user(request, f"{response.pk}: {exc}", messages.WARNING)
                else:
                    excluded += 1
            self.message_user(request, f"{excluded} response(s) excluded.", messages.SUCCESS)
            return None
        return action_confirmation(
            self, request, queryset, action="exclude_responses", title="Exclude responses",
            template="admin/responses/response/exclude_confirmation.html", form=form,
        )

    @admin.action(description="Exclude responses with these flags", permissions=["change"])
    def exclude_flagged_responses(self, request: HttpRequest, queryset: QuerySet[Response]):
        form = FlaggedExclusionForm(request.POST if request.POST.get("post") == "yes" else None)
        if form.is_bound and form.is_valid():
            try:
                excluded = responses_exclude_flagged(
                    responses=queryset, flags=form.cleaned_data["flags"], reason=form.cleaned_data["reason"]
                )
            except ModerationError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return None
            self.message_user(request, f"{excluded} flagged response(s) excluded.", messages.SUCCESS)
            return None
        return action_confirmation(
            self, request, queryset, action="exclude_flagged_responses", title="Exclude responses with these flags",
            template="admin/responses/response/exclude_flagged_confirmation.html", form=form,
        )

    @admin.action(description="Restore", permissions=["change"])
    def restore_responses(self, request: HttpRequest, queryset: QuerySet[Response]) -> None:
        restored = 0
        for response in queryset.filter(excluded_at__isnull=False):
            try:
                response_restore(response=response)
            except ModerationError as exc:  # restored meanwhile by someone else
                self.message_user(request, f"{response.pk}: {exc}", messages.WARNING)
            else:
                restored += 1
        self.message_user(request, f"{restored} response(s) restored.", messages.SUCCESS)

    @admin.action(description="Delete all test responses of these surveys", permissions=["delete"])
    def delete_test_responses(self, request: HttpRequest, queryset: QuerySet[Response]) -> None:
        survey_ids = sorted(set(queryset.values_list("survey_id", flat=True)))
        deleted = sum(survey_test_responses_delete(survey_id=survey_id) for survey_id in survey_ids)
        self.message_user(
            request, f"{deleted} test response(s) of {len(survey_ids)} survey(s) deleted.", messages.SUCCESS
        )
