"""The respondent's page form: presentation and POST parsing only.

Validation is `validate_answers`, shared with the JSON API, so that both accept exactly
the same answers. The Django form here builds one field per question (one per row for a
matrix, named `code.row`) so that crispy-forms can render it and so that the validator's
error keys map straight onto fields; it never runs Django's own field validation. Each
question's type (`surveys.types`) gives its fields, its layout pieces and template, and
reads its posted values.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, LayoutObject
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.forms.utils import ErrorDict
from django.template.loader import render_to_string

from surveys import conditions
from surveys.definition import QuestionDef
from surveys.piping import PipedPage
from surveys.types.base import one_or_many

# --- Display conditions for the browser -----------------------------------------------


def combine(key: str, parts: list) -> dict | bool | None:
    """`parts` joined by "and" or "or" (`key`), settled where their constants decide: a
    False part makes an "and" false, a True one an "or" true, and the constants that do
    not decide drop out. Parts may also be None (not known yet, for the progress count):
    unknowns alone stay unknown, as in three-valued logic."""
    decisive = key == "or"
    if decisive in parts:
        return decisive
    rest = [p for p in parts if p is not (not decisive)]
    if not rest:
        return not decisive
    if all(p is None for p in rest):
        return None
    return rest[0] if len(rest) == 1 else {key: rest}


def browser_leaf(node: conditions.Leaf, questions: Mapping[str, QuestionDef]) -> dict:
    """A comparison for the browser's evaluator (static/js/conditions.js), with the
    condition value in the question type's encoding (numbers as numbers)."""
    ref = node.ref
    js_value = questions[ref.question].question_type.js_value
    leaf: dict[str, Any] = {"q": ref.question}
    if ref.row is not None:
        leaf["row"] = ref.row
    match node:
        case conditions.Compare(_, op, value):
            leaf.update(op=op, v=js_value(value))
        case conditions.In(_, values, negated):
            leaf.update(op="not in" if negated else "in", v=[js_value(v) for v in values])
        case conditions.Has(_, value):
            leaf.update(op="has", v=value)
    return leaf


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
            case conditions.And(operands):
                return combine("and", [convert(o) for o in operands])
            case conditions.Or(operands):
                return combine("or", [convert(o) for o in operands])
        if n.ref.question not in page_codes:
            return conditions.evaluate(n, known)
        return browser_leaf(n, questions)

    return convert(node)


# --- Layout ---------------------------------------------------------------------------


class QuestionBlock(LayoutObject):
    """One question: a wrapper carrying its code and display condition, in its type's
    template (for a matrix, the outer fieldset whose legend is the question label).
    Labels are escaped by the template (crispy's own Fieldset would treat a legend as
    template code)."""

    def __init__(self, question: QuestionDef, *fields, condition: dict | None = None):
        self.question = question
        self.template = question.question_type.template
        self.fields = list(fields)
        self.condition = json.dumps(condition, separators=(",", ":")) if condition else ""

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        rendered = self.get_rendered_fields(form, context, template_pack, **kwargs)
        return render_to_string(self.template, {**self.question.question_type.block_context(self.question),
                                                "question": self.question, "fields": rendered,
                                                "condition": self.condition})


# --- The form -------------------------------------------------------------------------


class SurveyPageForm(forms.Form):
    """The questions of one page, named by code (`code.row` for matrix rows)."""

    def __init__(self, *args, questions: list[QuestionDef], conditions_json: Mapping[str, dict] | None = None,
                 piped: PipedPage | None = None, random_order: bool = False, **kwargs):
        """`piped`, when given, holds the questions to show (with earlier answers piped
        into their texts: `surveys.piping.pipe_page`) in place of `questions`.
        `random_order`: the questions, choices or rows are in an order drawn for this
        respondent (surveys.ordering), which responses.rendering does not cache."""
        super().__init__(*args, **kwargs)
        self.random_order = random_order
        self.piped = piped or PipedPage(list(questions))
        questions = self.piped.questions
        self.questions = questions
        conditions_json = conditions_json or {}
        blocks = []
        for question in questions:
            kind = question.question_type
            self.fields.update(kind.form_fields(question))
            blocks.append(QuestionBlock(question, *kind.layout(question), condition=conditions_json.get(question.code)))
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
        raw: dict[str, Any] = {}
        for question in self.questions:
            kind = question.question_type
            value = kind.from_post(question, self.data)
            if value is not None:
                raw[question.code] = value
            for key in kind.extra_keys(question):  # "please specify" boxes
                extra = one_or_many(self.data.getlist(key))
                if extra is not None:
                    raw[key] = extra
        return raw

    def add_validation_errors(self, errors: Mapping[str, list[str]]) -> list[str]:
        """Attach the validator's errors to their fields, each worded by its question's
        type for the respondent (the API's words stay the API's); return those without
        a field."""
        unplaced = []
        for key, messages in errors.items():
            question = next((q for q in self.questions if q.code == key.partition(".")[0]), None)
            name = question.question_type.error_field(question, key) if question is not None else key
            if name in self.fields:
                question, row_label = self._field_owner(name)
                for message in messages:
                    self.add_error(name, question.question_type.form_message(question, message, row_label))
            else:
                unplaced.extend(messages)
        return unplaced

    def _field_owner(self, name: str) -> tuple[QuestionDef, str | None]:
        """The question of a field, and the row's label for a matrix row's field."""
        code, _, row_code = name.partition(".")
        question = next(q for q in self.questions if q.code == code)
        row_label = next((row.label for row in question.rows if row.code == row_code), None) if row_code else None
        return question, row_label

    def error_summary(self) -> list[tuple[str, str]]:
        """(field id, message naming its question) for each error, in page order. A matrix
        row's message names its row already; the question is added only when another
        matrix on the page has a row of the same label."""
        row_labels = [row.label for q in self.questions if q.question_type.has_rows for row in q.rows]
        summary = []
        for name in self.fields:
            question, row_label = self._field_owner(name)
            for message in self.errors.get(name, []):
                shared = row_label is not None and row_labels.count(row_label) > 1
                text = _joined(question.label, message) if row_label is None or shared else message
                summary.append((self[name].auto_id, self.piped.text(text)))
        return summary


def _joined(label: str, message: str) -> str:
    """"Your role? Choose an answer." and "Wikis: Choose an answer."."""
    return f"{label} {message}" if label.rstrip().endswith(("?", ".", ":", "!")) else f"{label}: {message}"


def initial_values(questions: Iterable[QuestionDef], raw: Mapping[str, Any]) -> dict[str, Any]:
    """Stored answers (in raw JSON shape) as initial field values."""
    initial: dict[str, Any] = {}
    for question in questions:
        value = raw.get(question.code)
        if value is not None:
            initial.update(question.question_type.initial(question, value))
        initial.update((key, raw[key]) for key in question.question_type.extra_keys(question) if key in raw)
    return initial
