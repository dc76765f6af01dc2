"""The forms of the survey settings page, one per section (builder.views.settings): each
holds only its section's fields, so that saving one never writes another's."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from builder.forms.fraction import FractionField
from surveys.definition import BUILTIN_HIDDEN
from surveys.definition_files import placeholder_problems
from surveys.lifecycle import would_edit
from surveys.models import QUALITY_FLAGS, HiddenField, Survey

REDIRECT_FIELDS = ("redirect_complete", "redirect_screened_out", "redirect_quota_full", "redirect_closed")


def survey_hidden_codes(survey: Survey) -> list[str]:
    """The codes a redirect may name: the built-in one and those of any of the survey's
    versions (a redirect outlives versions; a value missing from a response is left empty)."""
    declared = HiddenField.objects.filter(version__survey=survey).values_list("code", flat=True).distinct()
    return [BUILTIN_HIDDEN, *sorted(set(declared))] if survey.pk else [BUILTIN_HIDDEN]

User = get_user_model()

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows


def _with_permission(app_label: str, codename: str) -> QuerySet:
    """Active users who hold the permission through a group or directly (superusers hold
    every permission but are not offered: they see and edit every survey anyway)."""
    through_groups = User.objects.filter(
        groups__permissions__content_type__app_label=app_label, groups__permissions__codename=codename
    ).values("pk")
    directly = User.objects.filter(
        user_permissions__content_type__app_label=app_label, user_permissions__codename=codename
    ).values("pk")
    return User.objects.filter(Q(pk__in=through_groups) | Q(pk__in=directly), is_active=True)


def _offered(candidates: QuerySet, current: QuerySet) -> QuerySet:
    # The users chosen today are offered even if they no longer qualify: a box left out
    # would silently drop them on the next save of the section.
    return User.objects.filter(Q(pk__in=candidates.values("pk")) | Q(pk__in=current.values("pk"))).order_by(
        "username"
    )


class UserChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        full_name = obj.get_full_name()
        return f"{full_name} ({obj.username})" if full_name else obj.username


def _users_field(label: str, help_text: str) -> UserChoiceField:
    return UserChoiceField(
        queryset=User.objects.none(), required=False, label=label, help_text=help_text,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "There is no such user to choose (%(value)s)."},
    )


def _groups_field(label: str, help_text: str) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Group.objects.order_by("name"), required=False, label=label, help_text=help_text,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "There is no such group to choose (%(value)s)."},
    )


def _formfield(db_field, **kwargs):
    # Links typed without a scheme are read as https (as in the admin).
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


class AboutForm(forms.ModelForm):
    """The survey's title and description (survey-wide: no new version needed)."""

    class Meta:
        model = Survey
        fields = ["title", "description"]
        help_texts = {
            "title": "Respondents see it at the top of the form.",
            "description": "What the survey is about, for its editors and results readers (and in its "
            "definition file). Respondents do not see it: the introduction is theirs, in the outline.",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"title": {"required": "Give the survey a title."}}

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give the survey a title.", code="required")
        return title

    def clean_description(self) -> str:
        return self.cleaned_data["description"].strip()


class AccessForm(forms.ModelForm):
    """Who may answer, whether the survey is listed, when it takes responses, its cap and
    where panel respondents are sent."""

    response_cap = forms.IntegerField(
        required=False, min_value=1, label="Response cap",
        help_text="Completed responses (test responses do not count). Empty: no cap.",
        error_messages={"min_value": "A cap is at least 1; leave it empty for no cap."},
    )

    class Meta:
        model = Survey
        formfield_callback = _formfield
        fields = [
            "access", "listed", "opens_at", "closes_at", "response_cap", *REDIRECT_FIELDS,
        ]
        labels = {
            "access": "Who may answer",
            "listed": "List it on the public home page",
            "opens_at": "Opens",
            "closes_at": "Closes",
            "redirect_complete": "After completing, send panel respondents to",
            "redirect_screened_out": "When screened out, send them to",
            "redirect_quota_full": "When their quota is full, send them to",
            "redirect_closed": "When it takes no more responses, send them to",
        }
        widgets = {
            "access": forms.RadioSelect,
            "opens_at": forms.DateTimeInput(format=DATETIME_FORMAT, attrs={"type": "datetime-local"}),
            "closes_at": forms.DateTimeInput(format=DATETIME_FORMAT, attrs={"type": "datetime-local"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Typed times are read in the site's zone (the current one): say which it is.
        zone = timezone.get_current_timezone_name()
        self.fields["opens_at"].help_text = f"Time zone: {zone}. Empty: open as soon as a version is published."
        self.fields["closes_at"].help_text = f"Time zone: {zone}. Empty: open until closed here."
        self.fields["access"].choices = Survey.Access.choices  # without the empty choice
        self.fields["access"].help_text = "Invitees answer through the personal links of their invitations."

    def clean(self):
        cleaned = super().clean()
        codes = survey_hidden_codes(self.instance)
        for field in REDIRECT_FIELDS:
            for problem in placeholder_problems(cleaned.get(field) or "", codes):
                self.add_error(field, forms.ValidationError(f"{problem[0].upper()}{problem[1:]}.", code="placeholder"))
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", forms.ValidationError(
                "The closing time must be after the opening time.", code="closes_before_opens"
            ))
        return cleaned


class SharingForm(forms.Form):
    """Who may see the survey's results, chosen among the users who have the results
    permission and the groups."""

    viewers = _users_field(
        "Users", "Users with the results permission. The survey's editors see its results anyway."
    )
    viewer_groups = _groups_field("Groups", "Every member (with the results permission) sees the results.")

    def __init__(self, *args, survey: Survey, **kwargs):
        kwargs.setdefault("initial", {"viewers": survey.viewers.all(), "viewer_groups": survey.viewer_groups.all()})
        super().__init__(*args, **kwargs)
        self.fields["viewers"].queryset = _offered(_with_permission("surveys", "view_results"), survey.viewers.all())


class EditorsForm(forms.Form):
    """Who may edit the survey, chosen among staff users with the permission to change
    surveys and the groups; taking away one's own access needs a confirmation."""

    editors = _users_field(
        "Users", "Survey managers (staff users who may change surveys). Superusers edit every survey."
    )
    editor_groups = _groups_field("Groups", "Every member (a survey manager) may edit this survey.")
    confirm_lose_access = forms.BooleanField(
        required=False, label="Yes, remove my own access to this survey",
    )

    def __init__(self, *args, survey: Survey, user, **kwargs):
        kwargs.setdefault("initial", {"editors": survey.editors.all(), "editor_groups": survey.editor_groups.all()})
        super().__init__(*args, **kwargs)
        self.user = user
        staff_managers = _with_permission("surveys", "change_survey").filter(is_staff=True)
        self.fields["editors"].queryset = _offered(staff_managers, survey.editors.all())

    @property
    def asks_confirmation(self) -> bool:
        return self.has_error("confirm_lose_access", code="lose_access")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        keeps = would_edit(self.user, editors=cleaned["editors"], editor_groups=cleaned["editor_groups"])
        if not keeps and not cleaned.get("confirm_lose_access"):
            self.add_error("confirm_lose_access", forms.ValidationError(
                "You would lose access: you are neither among these users nor in one of these groups, so you could "
                "no longer edit this survey. Tick the box to confirm, or keep yourself or one of your groups.",
                code="lose_access",
            ))
        return cleaned


class QualityForm(forms.ModelForm):
    """The survey's data-quality thresholds and which flags exclude a complete at once (the
    admin's "Data quality" fieldset; the model's validators are the checks)."""

    auto_exclude_flags = forms.TypedMultipleChoiceField(
        choices=list(QUALITY_FLAGS.items()), required=False, widget=forms.CheckboxSelectMultiple,
        label="Exclude automatically", help_text=Survey._meta.get_field("auto_exclude_flags").help_text,
    )
    speeder_fraction = FractionField(
        label="Speeder fraction", min_value=0, max_value=1,
        help_text=f"{Survey._meta.get_field('speeder_fraction').help_text} As a fraction, a decimal or a "
        "percentage: 1/3, 0.33 or 33%.",
    )

    class Meta:
        model = Survey
        fields = ["page_time_floor", "speeder_fraction", "duplicate_window_hours", "auto_exclude_flags"]
        labels = {"page_time_floor": "Page time floor (seconds)", "duplicate_window_hours": "Duplicate window (hours)"}
        widgets = {"page_time_floor": forms.NumberInput(attrs={"step": "0.1", "min": "0"})}
