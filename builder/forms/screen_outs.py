"""The form of one screen-out on the builder's "Screen-outs" page (builder.views.screen_outs):
its code, its condition (who is screened out) and the message those respondents read.

The condition comes from a condition picker (builder.condition_display.Picker, made by the
view with `picker_prefix`), picked row by row or typed in its text mode; the `condition`
field is not an input: it carries the picker's text (cleaned) and its errors. The checks
are the service's (`surveys.screen_out_editing.code_problem`, `condition_problem`), so the
form shows at its field exactly what the service would refuse."""

from __future__ import annotations

from django import forms

from builder.condition_display import Picker
from builder.condition_picker import picker_action
from surveys.models import ScreenOut, SurveyVersion
from surveys.screen_out_editing import code_problem, condition_problem

FIELDS = ("code", "condition", "message")
_MONO = {"class": "font-monospace", "autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"}


def form_prefix(screen_out: ScreenOut | None) -> str:
    return f"screenout{screen_out.pk}" if screen_out is not None else "screenout-new"


def picker_prefix(screen_out: ScreenOut | None) -> str:
    """The prefix of the form's condition picker: "screenout-new-condition"."""
    return f"{form_prefix(screen_out)}-condition"


class ScreenOutForm(forms.Form):
    code = forms.CharField(
        max_length=64, label="Code",
        help_text="Recorded on the responses it ends, and exported.",
        error_messages={"max_length": "A code is at most 64 characters."},
        widget=forms.TextInput(attrs=_MONO),
    )
    condition = forms.CharField(
        label="Condition", required=False,
        help_text="Who is screened out: pick a question (or a hidden field), how it is compared and the value, "
        "or type the condition (e.g. age < 18). It is decided once all it names has been answered.",
    )
    message = forms.CharField(
        label="Message", widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What a screened-out respondent reads (unless the screened-out redirect sends them on).",
        error_messages={"required": "Give the message a screened-out respondent reads."},
    )

    def __init__(self, *args, version: SurveyVersion, picker: Picker, screen_out: ScreenOut | None = None, **kwargs):
        if screen_out is not None:
            kwargs.setdefault("initial", {name: getattr(screen_out, name) for name in FIELDS})
        kwargs.setdefault("prefix", form_prefix(screen_out))
        super().__init__(*args, **kwargs)
        self.version, self.screen_out, self.picker = version, screen_out, picker

    @property
    def picker_pressed(self) -> bool:
        """The picker's own button (add, remove, switch modes, Update) was pressed: the
        form is shown again with its change, nothing saved."""
        return self.is_bound and picker_action(self.data, self.picker.prefix) is not None

    def as_typed(self) -> ScreenOutForm:
        """The form unbound, showing what was typed (unchecked) and the picker as posted:
        after a picker's button, nothing is refused yet."""
        typed = {name: self.data.get(self.add_prefix(name), "") for name in ("code", "message")}
        return ScreenOutForm(initial=typed, version=self.version, screen_out=self.screen_out, picker=self.picker)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        problem = code_problem(self.version, code, exclude=self.screen_out.pk if self.screen_out else None)
        if problem:
            raise forms.ValidationError(problem, code="code")
        return code

    def clean_condition(self) -> str:
        picker = self.picker
        if picker.text_error is not None or picker.mode == "text":
            condition = picker.text.strip()  # typed: the service's message, with its character
        elif not picker.valid:
            raise forms.ValidationError("The condition is not complete: see the problems marked in it.",
                                        code="incomplete")
        else:
            condition = picker.saved_text
        problem = condition_problem(self.version, condition)
        if problem:
            raise forms.ValidationError(problem, code="condition")
        return condition

    def clean_message(self) -> str:
        return self.cleaned_data["message"].strip()
