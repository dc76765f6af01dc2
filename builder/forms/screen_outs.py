"""The form of one screen-out on the builder's "Screen-outs" page (builder.views.screen_outs):
its code, its condition (who is screened out) and the message those respondents read.

The checks are the service's (`surveys.screen_out_editing.code_problem`,
`condition_problem`), so the form shows at its field exactly what the service would refuse."""

from __future__ import annotations

from django import forms

from surveys.models import ScreenOut, SurveyVersion
from surveys.screen_out_editing import code_problem, condition_problem

FIELDS = ("code", "condition", "message")
_MONO = {"class": "font-monospace", "autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"}


class ScreenOutForm(forms.Form):
    code = forms.CharField(
        max_length=64, label="Code",
        help_text="Recorded on the responses it ends, and exported.",
        error_messages={"max_length": "A code is at most 64 characters."},
        widget=forms.TextInput(attrs=_MONO),
    )
    condition = forms.CharField(
        label="Condition",
        help_text="Who is screened out, e.g. age < 18. It may name any question or hidden field; "
        "it is decided once all it names has been answered.",
        error_messages={"required": "Give the condition of the respondents to screen out, e.g. age < 18."},
        widget=forms.TextInput(attrs=_MONO),
    )
    message = forms.CharField(
        label="Message", widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What a screened-out respondent reads (unless the screened-out redirect sends them on).",
        error_messages={"required": "Give the message a screened-out respondent reads."},
    )

    def __init__(self, *args, version: SurveyVersion, screen_out: ScreenOut | None = None, **kwargs):
        if screen_out is not None:
            kwargs.setdefault("initial", {name: getattr(screen_out, name) for name in FIELDS})
        kwargs.setdefault("prefix", f"screenout{screen_out.pk}" if screen_out is not None else "screenout-new")
        super().__init__(*args, **kwargs)
        self.version, self.screen_out = version, screen_out

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        problem = code_problem(self.version, code, exclude=self.screen_out.pk if self.screen_out else None)
        if problem:
            raise forms.ValidationError(problem, code="code")
        return code

    def clean_condition(self) -> str:
        condition = self.cleaned_data["condition"].strip()
        problem = condition_problem(self.version, condition)
        if problem:
            raise forms.ValidationError(problem, code="condition")
        return condition

    def clean_message(self) -> str:
        return self.cleaned_data["message"].strip()
