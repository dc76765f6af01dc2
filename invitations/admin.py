"""Invitations in the admin: the list per survey with each invitee's status, adding one
by one or from a CSV file, sending invitations and reminders (as Celery jobs), revoking,
erasing personal data, exporting the list (never the tokens), and e-mail templates
with a preview.
"""

from __future__ import annotations

import csv
import io

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from core.admin import action_confirmation, admin_page
from invitations import emails
from invitations.importing import invitations_import, parse_invitations_csv
from invitations.models import EmailKind, EmailMessage, EmailTemplate, Invitation, InvitationStatus
from invitations.services import invitations_erase, invitations_revoke, invitations_send
from surveys.admin_scope import EditableSurveyFilter, SurveyScopedAdmin
from surveys.models import Survey
from surveys.selectors import editable_surveys

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
SHOWN_ERRORS = 200
EXPORT_COLUMNS = (
    "email", "name", "external_id", "status", "created_at", "sent_at", "send_error", "opened_at", "started_at",
    "completed_at", "opted_out_at", "revoked_at", "expires_at",
)


def site_url(request: HttpRequest) -> str:
    """The base of links in e-mails: SITE_URL, or the address the admin is using."""
    return settings.SITE_URL or request.build_absolute_uri("/")


def _csv_cell(value) -> str:
    # A name such as "=HYPERLINK(...)" must stay text when the file is opened in a spreadsheet.
    text = "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return InvitationStatus.choices

    def queryset(self, request, queryset):
        if self.value() in InvitationStatus.values:
            return queryset.with_status(self.value())
        return queryset


class EmailMessageInline(admin.TabularInline):
    model = EmailMessage
    extra = 0
    can_delete = False
    fields = ("kind", "campaign", "status", "attempts", "error", "created_at", "sent_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ("survey", "email", "name", "external_id", "expires_at")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if not email:
            raise forms.ValidationError("An invitation needs an e-mail address.", code="required")
        return email


class ImportForm(forms.Form):
    survey = forms.ModelChoiceField(queryset=Survey.objects.all())
    file = forms.FileField(
        help_text="CSV, UTF-8: email, name, external_id (a header row naming them is optional; "
        "name and external id may be empty)."
    )
    expires_at = forms.DateTimeField(required=False, help_text="Optional: the links stop working at this time.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 20 MB; split it.", code="too_large")
        return upload


@admin.register(Invitation)
class InvitationAdmin(SurveyScopedAdmin, admin.ModelAdmin):
    form = InvitationForm
    list_display = ("email", "name", "external_id", "survey", "status_label", "sent_at", "opened_at", "completed_at")
    list_filter = (("survey", EditableSurveyFilter), StatusFilter)
    list_select_related = ("survey",)
    search_fields = ("email", "name", "external_id")
    readonly_fields = (
        "status_label", "created_at", "sent_at", "send_error", "opened_at", "started_at", "completed_at",
        "opted_out_at", "revoked_at", "erased_at",
    )
    inlines = [EmailMessageInline]
    actions = ["send_invitations", "send_reminder", "revoke", "erase", "export_csv"]

    def get_fieldsets(self, request, obj=None):
        who = (None, {"fields": ("survey", "email", "name", "external_id", "expires_at")})
        if obj is None:
            return (who,)
        return (who, ("Status", {"fields": self.readonly_fields}))

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if obj.erased_at is not None:  # nothing to change on an erased invitation
            return ("survey", "email", "name", "external_id", "expires_at", *self.readonly_fields)
        return ("survey", *self.readonly_fields)

    @admin.display(description="Status")
    def status_label(self, obj: Invitation) -> str:
        status = obj.status
        label = InvitationStatus(status).label
        if status == InvitationStatus.SEND_FAILED:
            return format_html('<span title="{}">{}: {}</span>', obj.send_error, label, obj.send_error[:80])
        return label

    # --- Import ----------------------------------------------------------------------

    def get_urls(self):
        opts = self.model._meta
        return [
            path("import/", self.admin_site.admin_view(self.import_view),
                 name=f"{opts.app_label}_{opts.model_name}_import"),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None, initial={"survey": request.GET.get("survey")})
        form.fields["survey"].queryset = editable_surveys(request.user)
        errors = []
        if request.method == "POST" and form.is_valid():
            survey = form.cleaned_data["survey"]
            rows, errors = parse_invitations_csv(form.cleaned_data["file"].read(), survey=survey)
            if not errors:
                try:
                    imported = invitations_import(survey=survey, rows=rows, expires_at=form.cleaned_data["expires_at"])
                except IntegrityError:
                    errors = ["Someone invited some of these people meanwhile: nothing was imported. Try again."]
                else:
                    self.message_user(request, f"Imported {imported} invitation(s) to “{survey}”.", messages.SUCCESS)
                    changelist = reverse("admin:invitations_invitation_changelist")
                    return HttpResponseRedirect(f"{changelist}?survey__id__exact={survey.pk}")
        return admin_page(
            self, request, "admin/invitations/invitation/import.html", title="Import invitations from a CSV file",
            form=form, errors=[str(e) for e in errors[:SHOWN_ERRORS]], error_count=len(errors),
            more_errors=max(0, len(errors) - SHOWN_ERRORS),
        )

    # --- Actions ---------------------------------------------------------------------

    def _send(self, request: HttpRequest, queryset: QuerySet[Invitation], kind: str) -> None:
        try:
            campaign = invitations_send(invitations=queryset, kind=kind, base_url=site_url(request))
        except Exception as exc:  # the broker is down: nothing was queued
            self.message_user(request, f"Could not queue the e-mails (the task queue is unreachable): {exc}",
                              messages.ERROR)
            return
        what = "invitation" if kind == EmailKind.INVITATION else "reminder"
        if not campaign.recipients:
            self.message_user(request, f"No {what} to send: every selected invitee was sent one already, completed, "
                              "opted out, or has a revoked or expired link.", messages.WARNING)
            return
        self.message_user(
            request,
            f"Queued {campaign.recipients} {what}(s) in {campaign.batches} batch(es). "
            "Statuses change as they are sent.",
            messages.SUCCESS,
        )

    @admin.action(description="Send invitations (to those not sent one yet)", permissions=["change"])
    def send_invitations(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        self._send(request, queryset, EmailKind.INVITATION)

    @admin.action(description="Send reminder (to those not completed and not opted out)", permissions=["change"])
    def send_reminder(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        self._send(request, queryset, EmailKind.REMINDER)

    @admin.action(description="Revoke links", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        revoked = invitations_revoke(invitations=queryset)
        self.message_user(request, f"Revoked {revoked} invitation link(s).", messages.SUCCESS)

    @admin.action(description="Erase personal data (keeps the answers, anonymous)", permissions=["delete"])
    def erase(self, request: HttpRequest, queryset: QuerySet[Invitation]):
        if request.POST.get("post") == "yes":
            erased = invitations_erase(invitations=queryset)
            self.message_user(
                request,
                f"Erased {erased} invitee(s) and their personal-data answers; their other answers stay, anonymous.",
                messages.SUCCESS,
            )
            return None
        return action_confirmation(
            self, request, queryset, action="erase", title="Erase personal data",
            template="admin/invitations/invitation/erase_confirmation.html",
        )

    @admin.action(description="Export invitee list as CSV (no links)", permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> HttpResponse:
        now = timezone.now()
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(("survey", *EXPORT_COLUMNS))
        for invitation in queryset.select_related("survey").order_by("survey__slug", "created_at", "pk"):
            values = {"status": invitation.status_at(now)}
            writer.writerow(
                [_csv_cell(invitation.survey.slug)]
                + [_csv_cell(values.get(c, getattr(invitation, c, ""))) for c in EXPORT_COLUMNS]
            )
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="invitations-{now:%Y%m%d-%H%M%S}.csv"'
        return response


# --- E-mail templates ------------------------------------------------------------------

SAMPLE_NAME = "Ada Lovelace"
SAMPLE_TOKEN = "sample-personal-token"


class EmailTemplateForm(forms.ModelForm):
    class Meta:
        model = EmailTemplate
        fields = ("survey", "kind", "subject", "body")
        widgets = {"body": forms.Textarea(attrs={"rows": 14, "cols": 80})}

    def _placeholders(self, field: str) -> str:
        text = self.cleaned_data.get(field, "")
        unknown = emails.unknown_placeholders(text)
        if unknown:
            raise forms.ValidationError(
                "Unknown placeholder(s): %(unknown)s. Use %(known)s.",
                code="unknown_placeholder",
                params={"unknown": ", ".join(f"{{{u}}}" for u in unknown),
                        "known": ", ".join(f"{{{p}}}" for p in emails.PLACEHOLDERS)},
            )
        return text

    def clean_subject(self) -> str:
        subject = self._placeholders("subject")
        if "{link}" in subject or "{opt_out_link}" in subject:
            raise forms.ValidationError("Links belong in the body, not the subject.", code="link_in_subject")
        return subject

    def clean_body(self) -> str:
        body = self._placeholders("body")
        if "{link}" not in body:
            raise forms.ValidationError("The body must contain the invitee's {link}.", code="missing_link")
        return body


@admin.register(EmailTemplate)
class EmailTemplateAdmin(SurveyScopedAdmin, admin.ModelAdmin):
    form = EmailTemplateForm
    list_display = ("survey", "kind", "subject", "updated_at")
    list_filter = (("survey", EditableSurveyFilter), "kind")
    readonly_fields = ("preview",)

    class Media:
        # The preview's layout: a style attribute would be blocked by the Content-Security-Policy.
        css = {"all": ["css/admin.css"]}

    def get_fields(self, request, obj=None):
        fields = ["survey", "kind", "subject", "body"]
        return fields + ["preview"] if obj else fields

    def get_changeform_initial_data(self, request):
        # A new template starts from the built-in text, which already works.
        initial = super().get_changeform_initial_data(request)
        kind = initial.get("kind", EmailKind.INVITATION)
        if kind in emails.DEFAULTS:
            subject, body = emails.DEFAULTS[kind]
            initial.setdefault("kind", kind)
            initial.setdefault("subject", subject.replace("{survey}", "our survey"))
            initial.setdefault("body", body)
        return initial

    @admin.display(description="Preview (saved text, with a sample invitee)")
    def preview(self, obj: EmailTemplate) -> str:
        content = emails.content_for(
            emails.Content(obj.subject, obj.body), survey=obj.survey, name=SAMPLE_NAME, token=SAMPLE_TOKEN,
            base_url=settings.SITE_URL or "https://surveys.example.org",
        )
        # Escaped: the preview shows the text exactly as the invitee's mail program will.
        return format_html(
            '<div class="email-preview"><p><strong>Subject:</strong> {}</p>'
            '<pre>{}</pre></div>',
            content.subject, content.body,
        )
