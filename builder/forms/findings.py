"""The forms of the findings page (builder.views.reporting): a finding, a NET of one
question, a saved view.

The checks are the services' (`surveys.reporting_editing.*_problems`), so a form shows at
its fields exactly what the service would refuse. Codes left empty are made from the
statement or label (as static/js/findings.js does while they are typed); nobody has to
type a question or choice code: a finding's base and target are built in condition
pickers (or typed in their text mode), NETs tick choices by their labels, views choose
questions and matrix rows from selects.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping

from django import forms

from builder.condition_display import Picker
from builder.condition_picker import picker_action
from surveys.codes import code_from_label
from surveys.definition import QuestionDef
from surveys.reporting_editing import (
    finding_problems,
    net_code,
    net_problems,
    view_problems,
)

Questions = Mapping[str, QuestionDef]


def _code_attrs(form: forms.Form, source: str, taken: Collection[str], what: str, prefix: str = "") -> None:
    """What static/js/findings.js needs to suggest the code from `source` as it is typed
    and to check it: the source field's id, the codes taken, the code's prefix word."""
    attrs = {
        "class": "code-input font-monospace",
        "data-code-from": form[source].auto_id,
        "data-taken": json.dumps(sorted(taken)),
        "data-what": what,
        "autocomplete": "off",
        "spellcheck": "false",
        "autocapitalize": "off",
    }
    if prefix:
        attrs["data-code-prefix"] = prefix
    form.fields["code"].widget.attrs.update(attrs)


def _place(form: forms.Form, problems: Mapping[str, str]) -> None:
    """Each problem on its field, unless the field already has one of its own."""
    for field, message in problems.items():
        name = field if field in form.fields else None
        if name is None or name not in form.errors:
            form.add_error(name, forms.ValidationError(message, code="invalid"))


CODE_HELP = "Its name in exports and the API. Made from the {source} as you type it; you may change it."


def _code_field(source: str) -> forms.CharField:
    return forms.CharField(label="Code", max_length=64, required=False, help_text=CODE_HELP.format(source=source))


# --- Findings -------------------------------------------------------------------------


# A finding's two conditions: the form field that carries each one's text and errors, the
# last word of its picker's prefix, and the picker's legend.
CONDITIONS = {
    "base_condition": ("base", "Base: who is counted"),
    "target_condition": ("target", "Target: who, within the base, is counted"),
}
CONDITION_HELP = {
    "base_condition": "The respondents the percentage is of (its denominator), e.g. those whose role is IT.",
    "target_condition": "The respondents of the base counted in the numerator, e.g. those who never use Twitter.",
}
CONDITION_MISSING = {
    "base_condition": "Add a condition: a finding needs a base (who the percentage is of).",
    "target_condition": "Add a condition: a finding needs a target (who, within the base, is counted).",
}
CONDITION_INCOMPLETE = {
    "base_condition": "The base is not complete: see the problems marked in it.",
    "target_condition": "The target is not complete: see the problems marked in it.",
}


def picker_prefix(form_prefix: str, name: str) -> str:
    """The prefix of a finding form's picker for `name`: "finding-new-base"."""
    return f"{form_prefix}-{CONDITIONS[name][0]}"


class FindingForm(forms.Form):
    """A finding's statement and code, and its base and target from two condition pickers
    (builder.condition_display.Picker, made by the view with this form's prefix: see
    `picker_prefix`). The two condition fields are not inputs: the pickers post the
    conditions, and the fields carry their text (cleaned) and their errors."""

    statement = forms.CharField(
        max_length=300,
        help_text="What the number says, e.g. “IT leaders who never use Twitter professionally”: the results "
        "then read “63% of IT leaders never use Twitter professionally”.",
        error_messages={"required": "Write what the number says."},
    )
    code = _code_field("statement")
    base_condition = forms.CharField(label=CONDITIONS["base_condition"][1], required=False,
                                     help_text=CONDITION_HELP["base_condition"])
    target_condition = forms.CharField(label=CONDITIONS["target_condition"][1], required=False,
                                       help_text=CONDITION_HELP["target_condition"])

    def __init__(self, *args, questions: Questions | None, taken: Collection[str], pickers: Mapping[str, Picker],
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.taken = set(taken)
        self.pickers = dict(pickers)
        _code_attrs(self, "statement", self.taken, "finding")

    @property
    def base_picker(self) -> Picker:
        return self.pickers["base_condition"]

    @property
    def target_picker(self) -> Picker:
        return self.pickers["target_condition"]

    @property
    def picker_pressed(self) -> bool:
        """A picker's own button (add, remove, switch modes, Update) was pressed: the
        form is shown again with its change, nothing saved."""
        return self.is_bound and any(picker_action(self.data, picker.prefix) is not None
                                     for picker in self.pickers.values())

    def as_typed(self) -> dict[str, str]:
        """The posted statement and code, as a form's initial values (shown again, unchecked)."""
        return {name: self.data.get(self.add_prefix(name), "") for name in ("statement", "code")}

    @property
    def condition_texts(self) -> tuple[str, str] | None:
        """The base's and the target's text when both pickers hold a condition that fits."""
        texts = []
        for picker in self.pickers.values():
            if not picker.valid or picker.node is None:
                return None
            texts.append(picker.saved_text)
        return texts[0], texts[1]

    def clean(self):
        cleaned = super().clean()
        for name, picker in self.pickers.items():
            cleaned[name] = picker.saved_text if picker.valid else ""
        texts = {name: cleaned[name] for name in self.pickers}  # add_error drops a field's cleaned value
        for name, picker in self.pickers.items():
            if not picker.valid:
                self.add_error(name, forms.ValidationError(CONDITION_INCOMPLETE[name], code="incomplete"))
            elif picker.node is None:
                self.add_error(name, forms.ValidationError(CONDITION_MISSING[name], code="required"))
        statement = cleaned.get("statement", "")
        if "code" in cleaned and not cleaned["code"].strip() and statement:
            cleaned["code"] = code_from_label(statement, self.taken, fallback="finding")
        problems = finding_problems(
            statement=statement, code=cleaned.get("code", ""), base_condition=texts["base_condition"],
            target_condition=texts["target_condition"], questions=self.questions, taken=self.taken,
        )
        # A missing value already has its own message (the statement's field, the picker's).
        _place(self, {name: message for name, message in problems.items() if cleaned.get(name)})
        return cleaned


# --- NETs -----------------------------------------------------------------------------

CHOSEN, ALL_BUT = "chosen", "all_but"


class NetForm(forms.Form):
    """A NET of `question`: its choices ticked by their labels."""

    label = forms.CharField(
        max_length=300, help_text="Shown after “NET:” in the results, e.g. “Weekly or more”.",
        error_messages={"required": "Give the NET a label, e.g. “Weekly or more”."},
    )
    code = _code_field("label")
    choices = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Tick at least one choice.",
            "invalid_choice": "“%(value)s” is not a choice of this question (any longer): reload the page.",
        },
    )
    holds = forms.ChoiceField(
        label="The NET holds", widget=forms.RadioSelect, initial=CHOSEN,
        choices=[(CHOSEN, "the ticked choices"), (ALL_BUT, "all but these: every choice except the ticked ones")],
        help_text="“All but” one choice makes that choice the scale's zero point (crosstabs compare it with "
        "McNemar's test).",
    )

    def __init__(self, *args, question: QuestionDef, questions: Questions, taken: Collection[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.question = question
        self.questions = questions
        self.taken = set(taken)
        self.fields["choices"].choices = [(choice.code, choice.label) for choice in question.choices]
        self.fields["choices"].label = f"Choices of “{question.label}”"
        _code_attrs(self, "label", self.taken | set(question.choice_codes), "NET of this question", prefix="net")

    def clean(self):
        cleaned = super().clean()
        label = cleaned.get("label", "")
        if "code" in cleaned and not cleaned["code"].strip() and label:
            cleaned["code"] = net_code(label, self.question, self.taken)
        cleaned["all_but"] = cleaned.get("holds") == ALL_BUT
        problems = net_problems(
            question_code=self.question.code, label=label, code=cleaned.get("code", ""),
            choices=cleaned.get("choices", []), all_but=cleaned["all_but"], questions=self.questions,
            taken=self.taken,
        )
        # A missing label (and so no code) already has the label's own message.
        _place(self, {name: message for name, message in problems.items() if name != "code" or cleaned.get("code")})
        return cleaned


def holds(all_but: bool) -> str:
    return ALL_BUT if all_but else CHOSEN


# --- Saved views ----------------------------------------------------------------------


def _short(label: str, limit: int = 60) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def variable_options(questions: Questions) -> list[tuple[str, str]]:
    """What a crosstab crosses (the check's rule, `supports_nets`): single-choice questions
    and each row of a matrix, by their labels ("Company usage — Twitter")."""
    options = []
    for question in questions.values():
        kind = question.question_type
        if not kind.supports_nets:
            continue
        if kind.has_rows:
            options.extend((f"{question.code}.{row.code}", f"{_short(question.label)} — {row.label}")
                           for row in question.rows)
        else:
            options.append((question.code, _short(question.label)))
    return options


def variable_question(questions: Questions, variable: str) -> QuestionDef | None:
    """The question whose choices a variable takes, if it is one a view may name."""
    question_code, _, row_code = (variable or "").partition(".")
    question = questions.get(question_code)
    if question is None or not question.question_type.supports_nets:
        return None
    if question.rows and row_code not in question.row_codes:
        return None
    if not question.rows and row_code:
        return None
    return question


def segment_options(questions: Questions) -> list[tuple[str, str]]:
    return [
        (f"{question.code}:{choice.code}", f"{_short(question.label, 40)} — {choice.label}")
        for question in questions.values() if question.segment
        for choice in question.choices
    ]


def choice_options(questions: Questions, variable: str) -> list[tuple[str, str]]:
    question = variable_question(questions, variable)
    return [(choice.code, choice.label) for choice in question.choices] if question else []


VIEW_NAMES = ("label", "description", "row_variable", "column_variable", "segment", "highlight_row",
              "highlight_column_not")


class SavedViewForm(forms.Form):
    """A crosstab worth a link from the results overview."""

    label = forms.CharField(
        max_length=200, help_text="The link's text on the results overview, e.g. “The paradox”.",
        error_messages={"required": "Give the view a label: it is the link's text on the results overview."},
    )
    code = _code_field("label")
    description = forms.CharField(max_length=300, required=False, help_text="Follows the link on the overview.")
    row_variable = forms.ChoiceField(
        label="Rows", error_messages={"required": "Choose the question (or matrix row) for the rows."},
    )
    column_variable = forms.ChoiceField(
        label="Columns", error_messages={"required": "Choose the question (or matrix row) for the columns."},
    )
    segment = forms.ChoiceField(
        label="Only respondents in", required=False, help_text="A segment to look within, or everyone.",
    )
    highlight_row = forms.CharField(
        label="Rows answering", required=False, max_length=64, widget=forms.Select,
    )
    highlight_column_not = forms.CharField(
        label="Columns answering anything but", required=False, max_length=64, widget=forms.Select,
    )

    def __init__(self, *args, questions: Questions, taken: Collection[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.taken = set(taken)
        invalid = {"invalid_choice": "That is not a question (or matrix row) this survey can cross: choose another."}
        for name in ("row_variable", "column_variable"):
            self.fields[name].choices = [("", "Choose…"), *variable_options(questions)]
            self.fields[name].error_messages.update(invalid)
        self.fields["segment"].choices = [("", "Everyone"), *segment_options(questions)]
        self.fields["segment"].error_messages["invalid_choice"] = "That is not a segment of this survey any longer."
        self.fields["highlight_row"].widget.choices = [
            ("", "No highlighted cell"), *choice_options(questions, self.chosen("row_variable"))
        ]
        self.fields["highlight_column_not"].widget.choices = [
            ("", "No highlighted cell"), *choice_options(questions, self.chosen("column_variable"))
        ]
        _code_attrs(self, "label", self.taken, "saved view")

    def chosen(self, name: str) -> str:
        """The variable chosen for `name`, as posted or as stored."""
        if self.is_bound:
            return self.data.get(self.add_prefix(name), "")
        return self.initial.get(name, "") or ""

    def clean(self):
        cleaned = super().clean()
        label = cleaned.get("label", "")
        if "code" in cleaned and not cleaned["code"].strip() and label:
            cleaned["code"] = code_from_label(label, self.taken, fallback="view")
        values = {name: cleaned.get(name) or "" for name in VIEW_NAMES}
        problems = view_problems(code=cleaned.get("code", ""), **values, questions=self.questions, taken=self.taken)
        # A missing label (and so no code) already has the label's own message.
        _place(self, {name: message for name, message in problems.items() if name != "code" or cleaned.get("code")})
        return cleaned

    def values(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in VIEW_NAMES}
