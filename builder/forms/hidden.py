"""The form of one hidden field on the builder's "Hidden fields" page (builder.views.hidden):
its code, a description for the survey's editors and, optionally, the values it accepts.

The checks are the service's (`surveys.hidden_editing.code_problem`, `values_problem`), so
the form shows at its field exactly what the service would refuse."""

from __future__ import annotations

import re

from django import forms

from surveys.definition_files import HIDDEN_DESCRIPTION_MAX
from surveys.hidden_editing import code_problem, values_problem
from surveys.models import HiddenField, SurveyVersion

FIELDS = ("code", "description", "values")
_SEPARATORS = re.compile(r"[\s,;]+")


class HiddenFieldForm(forms.Form):
    code = forms.CharField(
        max_length=64, label="Code",
        help_text="The parameter's name in the link (?rid=…), the invitee list's column and the API's key.",
        error_messages={"max_length": "A code is at most 64 characters."},
        widget=forms.TextInput(attrs={"class": "font-monospace", "autocomplete": "off", "spellcheck": "false",
                                      "autocapitalize": "off"}),
    )
    description = forms.CharField(
        max_length=HIDDEN_DESCRIPTION_MAX, required=False, label="Description",
        help_text="What it holds and who fills it in, for the survey's editors (respondents do not see it).",
        error_messages={"max_length": f"A description is at most {HIDDEN_DESCRIPTION_MAX} characters."},
    )
    values = forms.CharField(
        required=False, label="Allowed values",
        help_text="Separated by commas or spaces. Any other value is ignored. Empty: any value is kept. "
        "With a list, the field can be used like a single-choice question in conditions.",
        widget=forms.TextInput(attrs={"class": "font-monospace", "autocomplete": "off", "spellcheck": "false",
                                      "autocapitalize": "off"}),
    )

    def __init__(self, *args, version: SurveyVersion, field: HiddenField | None = None, **kwargs):
        if field is not None:
            kwargs.setdefault("initial", {"code": field.code, "description": field.description,
                                          "values": ", ".join(field.values)})
        kwargs.setdefault("prefix", f"hidden{field.pk}" if field is not None else "hidden-new")
        super().__init__(*args, **kwargs)
        self.version, self.field = version, field

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        problem = code_problem(self.version, code, exclude=self.field.pk if self.field else None)
        if problem:
            raise forms.ValidationError(problem, code="code")
        return code

    def clean_description(self) -> str:
        return " ".join(self.cleaned_data["description"].split())

    def clean_values(self) -> list[str]:
        values = [v for v in _SEPARATORS.split(self.cleaned_data["values"]) if v]
        problem = values_problem(values)
        if problem:
            raise forms.ValidationError(problem, code="values")
        return values
