"""The quota forms of the settings page: one quota's limit and whether it is closed, and a
new quota (code, label, condition and limit)."""

from __future__ import annotations

from django import forms

from surveys.models import Survey
from surveys.quota_editing import LABEL_MAX, code_problem, condition_problem

LIMIT_MAX = 10_000_000


class QuotaLimitForm(forms.Form):
    limit = forms.IntegerField(
        min_value=0, max_value=LIMIT_MAX, label="Limit",
        help_text="Completes this quota takes. Raising it takes more at once; lowering it under the count only "
        "stops new ones.",
    )
    closed = forms.BooleanField(required=False, label="Closed", help_text="Takes no more completes.")


class QuotaAddForm(forms.Form):
    """A new quota: its code, label, condition (checked as the definition file checks it,
    by `surveys.quota_editing`) and limit."""

    code = forms.CharField(
        max_length=64, label="Code", help_text="Names the quota in the definition file and the API.",
        error_messages={"max_length": "A code is at most 64 characters."},
        widget=forms.TextInput(attrs={"class": "font-monospace", "autocomplete": "off", "spellcheck": "false",
                                      "autocapitalize": "off"}),
    )
    label = forms.CharField(max_length=LABEL_MAX, required=False, label="Label",
                            help_text="Shown in the quota table; the code when empty.")
    condition = forms.CharField(
        label="Condition", help_text="Which completes it counts, e.g. region = north (any question or hidden field).",
        error_messages={"required": "Give the condition of the completes the quota counts, e.g. region = north."},
        widget=forms.TextInput(attrs={"class": "font-monospace", "autocomplete": "off", "spellcheck": "false",
                                      "autocapitalize": "off"}),
    )
    limit = forms.IntegerField(min_value=0, max_value=LIMIT_MAX, label="Limit",
                               help_text="Completes it takes; a full quota ends further ones as quota full.")

    def __init__(self, *args, survey: Survey, **kwargs):
        kwargs.setdefault("prefix", "quota-new")
        super().__init__(*args, **kwargs)
        self.survey = survey

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        problem = code_problem(self.survey, code)
        if problem:
            raise forms.ValidationError(problem, code="code")
        return code

    def clean_label(self) -> str:
        return " ".join(self.cleaned_data["label"].split())

    def clean_condition(self) -> str:
        condition = self.cleaned_data["condition"].strip()
        problem = condition_problem(self.survey, condition)
        if problem:
            raise forms.ValidationError(problem, code="condition")
        return condition
