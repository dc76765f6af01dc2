"""The respondent's page form: presentation and POST parsing only.

Validation is `validate_answers`, shared with the JSON API, so that both accept exactly
the same answers. The Django form here builds one field per question (one per row for a
matrix, named `code.row`) so that crispy-forms can render it and so that the validator's
error keys map straight onto fields; it never runs Django's own field validation.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, LayoutObject
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.forms.utils import ErrorDict
from django.template.loader import render_to_string
from django.utils.html import conditional_escape

from surveys import conditions
from surveys.definition import NUMERIC_TYPES, QuestionDef

DEFAULT_MAX_LENGTH = {"short_text": 500, "long_text": 10000, "email": 254}
RATING_CHOICES = [(str(n), str(n)) for n in range(11)]


class _FirstOptionKeepsId:
    """The first option of a radio or checkbox group gets the field's own id (`id_role`
    rather than `id_role_0`), so that an error summary link `#id_<field>` lands on it."""

    def id_for_label(self, id_, index=None):
        if index == "0":
            return id_
        return super().id_for_label(id_, index)


class RadioGroup(_FirstOptionKeepsId, forms.RadioSelect):
    pass


class CheckboxGroup(_FirstOptionKeepsId, forms.CheckboxSelectMultiple):
    pass


# --- Display conditions for the browser -----------------------------------------------


def condition_json(node: conditions.Node, page_codes: Iterable[str], known: Mapping[str, Any],
                   questions: Mapping[str, QuestionDef]) -> dict | bool:
    """The condition as a small JSON tree for `form.js`, or a plain bool when it only
    depends on questions of other pages (whose answers the server already has: their
    comparisons are replaced by their truth, so earlier answers never reach the page)."""
    page_codes = set(page_codes)

    def convert(n: conditions.Node) -> dict | bool:
        match n:
            case conditions.Not(operand):
                inner = convert(operand)
                return (not inner) if isinstance(inner, bool) else {"not": inner}
            case conditions.And(operands) | conditions.Or(operands):
                key = "and" if isinstance(n, conditions.And) else "or"
                parts = [convert(o) for o in operands]
                consts = [p for p in parts if isinstance(p, bool)]
                rest = [p for p in parts if not isinstance(p, bool)]
                if (key == "and" and False in consts) or (key == "or" and True in consts):
                    return key == "or"
                if not rest:
                    return key == "and"
                return rest[0] if len(rest) == 1 else {key: rest}
        ref = n.ref
        if ref.question not in page_codes:
            return conditions.evaluate(n, known)
        question = questions[ref.question]
        leaf: dict[str, Any] = {"q": ref.question}
        if ref.row is not None:
            leaf["row"] = ref.row
        numeric = question.type in NUMERIC_TYPES
        match n:
            case conditions.Compare(_, op, value):
                leaf.update(op=op, v=_json_value(value, numeric))
            case conditions.In(_, values, negated):
                leaf.update(op="not in" if negated else "in", v=[_json_value(v, numeric) for v in values])
            case conditions.Has(_, value):
                leaf.update(op="has", v=value)
        return leaf

    return convert(node)


def _json_value(value: str | Decimal, numeric: bool) -> str | float:
    if isinstance(value, Decimal):
        return float(value) if numeric else format(value, "f")
    return value


# --- Layout ---------------------------------------------------------------------------


class QuestionBlock(LayoutObject):
    """One question: a wrapper carrying its code and display condition, and for a matrix
    the outer fieldset whose legend is the question label. Labels are escaped by the
    template (crispy's own Fieldset would treat a legend as template code)."""

    template = "responses/layout/question.html"

    def __init__(self, question: QuestionDef, *fields, condition: dict | None = None):
        self.question = question
        self.fields = list(fields)
        self.condition = json.dumps(condition, separators=(",", ":")) if condition else ""

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        rendered = self.get_rendered_fields(form, context, template_pack, **kwargs)
        return render_to_string(self.template, {"question": self.question, "fields": rendered,
                                                "condition": self.condition})


# --- The form -------------------------------------------------------------------------


def _field(question: QuestionDef) -> forms.Field:
    """A presentation-only field (see the module docstring)."""
    common = {
        "label": question.label,
        "required": question.required,
        # crispy renders help text with |safe: escape it here.
        "help_text": conditional_escape(question.help_text) if question.help_text else "",
    }
    kind = question.type
    choices = [(c.code, c.label) for c in question.choices]
    if kind == "single":
        return forms.ChoiceField(choices=choices, widget=RadioGroup, **common)
    if kind == "dropdown":
        return forms.ChoiceField(choices=[("", "Choose an answer")] + choices, **common)
    if kind == "multiple":
        return forms.MultipleChoiceField(choices=choices, widget=CheckboxGroup, **common)
    if kind == "rating":
        return forms.ChoiceField(choices=RATING_CHOICES, widget=RadioGroup, **common)
    if kind in ("integer", "decimal"):
        integer = kind == "integer"
        attrs = {"step": "1" if integer else "any", "inputmode": "numeric" if integer else "decimal"}
        if question.min_value is not None:
            attrs["min"] = format(question.min_value, "f")
        if question.max_value is not None:
            attrs["max"] = format(question.max_value, "f")
        return forms.CharField(widget=forms.NumberInput(attrs=attrs), **common)
    if kind == "date":
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common)
    limit = question.max_length or DEFAULT_MAX_LENGTH[kind]
    if kind == "email":
        return forms.CharField(widget=forms.EmailInput(attrs={"maxlength": limit, "autocomplete": "email"}), **common)
    if kind == "long_text":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "maxlength": limit}), **common)
    return forms.CharField(widget=forms.TextInput(attrs={"maxlength": limit}), **common)


class SurveyPageForm(forms.Form):
    """The questions of one page, named by code (`code.row` for matrix rows)."""

    def __init__(self, *args, questions: list[QuestionDef], conditions_json: Mapping[str, dict] | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        conditions_json = conditions_json or {}
        blocks = []
        for question in questions:
            if question.type == "matrix":
                names = []
                for row in question.rows:
                    name = f"{question.code}.{row.code}"
                    # The outer legend carries the question label and its required mark.
                    self.fields[name] = forms.ChoiceField(
                        label=row.label, required=False, choices=[(c.code, c.label) for c in question.choices],
                        widget=RadioGroup,
                    )
                    names.append(Field(name, template="responses/layout/matrix_row.html"))
                blocks.append(QuestionBlock(question, *names, condition=conditions_json.get(question.code)))
                continue
            self.fields[question.code] = _field(question)
            inner = InlineRadios(question.code) if question.type == "rating" else Field(question.code)
            blocks.append(QuestionBlock(question, inner, condition=conditions_json.get(question.code)))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page template holds the one form tag and token
        self.helper.form_show_errors = True
        self.helper.layout = Layout(*blocks)

    def full_clean(self) -> None:
        # Validation belongs to validate_answers; errors come in through add_error.
        self._errors = ErrorDict(renderer=self.renderer)
        self.cleaned_data = {}

    def raw_answers(self) -> dict[str, Any]:
        """The posted answers in the JSON shape `validate_answers` takes. Two values posted
        for a one-answer field stay a list, so that the validator refuses them; names that
        are not fields of this page are ignored, as any HTML form ignores them."""
        data = self.data
        raw: dict[str, Any] = {}

        def one_or_many(name: str) -> Any:
            values = data.getlist(name)
            return values[0] if len(values) == 1 else values

        for question in self.questions:
            code = question.code
            if question.type == "matrix":
                rows = {row.code: one_or_many(f"{code}.{row.code}") for row in question.rows}
                rows = {row: value for row, value in rows.items() if value != []}
                if rows:
                    raw[code] = rows
            elif question.type == "multiple":
                if values := data.getlist(code):
                    raw[code] = values
            else:
                value = one_or_many(code)
                if value != []:
                    raw[code] = value
        return raw

    def add_validation_errors(self, errors: Mapping[str, list[str]]) -> list[str]:
        """Attach the validator's errors to their fields; return those without a field."""
        unplaced = []
        for key, messages in errors.items():
            if key in self.fields:
                for message in messages:
                    self.add_error(key, message)
            else:
                unplaced.extend(messages)
        return unplaced

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(field id, message naming its question) for each error, in page order."""
        labels = {}
        row_labels = [row.label for q in self.questions if q.type == "matrix" for row in q.rows]
        for question in self.questions:
            if question.type == "matrix":
                for row in question.rows:
                    # A row label alone is clear unless another matrix on the page shares it.
                    shared = row_labels.count(row.label) > 1
                    labels[f"{question.code}.{row.code}"] = f"{question.label} – {row.label}" if shared else row.label
            else:
                labels[question.code] = question.label
        return [
            (self[name].auto_id, _joined(labels.get(name, name), message))
            for name in self.fields
            for message in self.errors.get(name, [])
        ]


def _joined(label: str, message: str) -> str:
    """"Your role? This question is required." and "Wikis: This question is required."."""
    return f"{label} {message}" if label.rstrip().endswith(("?", ".", ":", "!")) else f"{label}: {message}"


def initial_values(questions: Iterable[QuestionDef], raw: Mapping[str, Any]) -> dict[str, Any]:
    """Stored answers (in raw JSON shape) as initial field values."""
    initial: dict[str, Any] = {}
    for question in questions:
        value = raw.get(question.code)
        if value is None:
            continue
        if question.type == "matrix" and isinstance(value, Mapping):
            for row, choice in value.items():
                initial[f"{question.code}.{row}"] = choice
        else:
            initial[question.code] = str(value) if isinstance(value, int | float) else value
    return initial
