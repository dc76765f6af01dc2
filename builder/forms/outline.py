"""Forms of the outline editor: a question (its fields chosen by its type's flags, never by
its name), a page, the version's texts; the question's choices and rows are in `entries`.

Codes are suggested from labels (`surveys.codes`) as long as the author has not changed
them: static/js/outline.js does it as they type, and `QuestionForm.clean` does the same
for a browser without JavaScript. Conditions are checked as the respondent meets them:
against the questions asked before their place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django import forms

from surveys import conditions
from surveys.codes import code_from_label
from surveys.definition import SHUFFLE_CHOICES, SHUFFLE_ROWS, ChoiceDef, PageDef, QuestionDef, RowDef
from surveys.definition_files import CODE_RE
from surveys.editing import NEW_QUESTION_CODE
from surveys.models import HiddenField, Page, Question
from surveys.piping import codes_before

CODE_FORMAT = "Use letters, digits, '_' and '-' (at most 64, not starting with '-')."


# --- Conditions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ConditionScope:
    """What a condition at one place may refer to: every question of the version (for the
    messages), and the codes of those asked before that place."""

    questions: Mapping[str, QuestionDef]
    available: frozenset[str]

    @classmethod
    def at(cls, pages: Iterable[Page], *, question: Question | None = None, page: Page | None = None
           ) -> ConditionScope:
        """The scope of a question's condition (the questions before it) or of a page's (the
        questions on earlier pages), outside its shuffled page or block as the import checks.
        `pages` in order, with their questions, choices and rows prefetched (see
        builder.views.outline.structure)."""
        layout: list[PageDef] = []
        place: tuple[int, int | None] = (0, None)
        for i, p in enumerate(pages):
            asked = list(p.questions.all())
            layout.append(PageDef(title=p.title, questions=tuple(map(_definition, asked)),
                                  shuffle_questions=p.shuffle_questions, shuffle_block=p.shuffle_block))
            if page is not None and p.pk == page.pk:
                place = (i, None)
            for j, q in enumerate(asked):
                if question is not None and q.pk == question.pk:
                    place = (i, j)
        questions = {q.code: q for p in layout for q in p.questions}
        return cls(questions, frozenset(codes_before(layout, *place)) if layout else frozenset())


def _definition(question: Question) -> QuestionDef:
    return QuestionDef(
        code=question.code, type=question.type, label=question.label,
        choices=tuple(ChoiceDef(code=c.code, label=c.label) for c in question.choices.all()),
        rows=tuple(RowDef(code=r.code, label=r.label) for r in question.rows.all()),
    )


def condition_problem(text: str, scope: ConditionScope) -> conditions.ConditionError | None:
    """The parser's (or the check's) first problem with the condition, None if it fits."""
    if not text.strip():
        return None
    try:
        conditions.check(conditions.parse(text), scope.questions, available=scope.available)
    except conditions.ConditionError as exc:
        return exc
    return None


def condition_message(problem: conditions.ConditionError) -> str:
    if problem.position >= 0:
        return f"{problem.reason[:1].upper()}{problem.reason[1:]} (at character {problem.position + 1})."
    return f"{problem.reason[:1].upper()}{problem.reason[1:]}."


def _clean_condition(text: str, scope: ConditionScope | None) -> str:
    text = text.strip()
    if scope is not None:
        problem = condition_problem(text, scope)
        if problem is not None:
            raise forms.ValidationError(condition_message(problem), code="condition")
    return text


# --- A question ----------------------------------------------------------------------------


def suggested_code(label: str, taken: Iterable[str]) -> str:
    return code_from_label(label, set(taken), fallback=NEW_QUESTION_CODE)


def validate_code(code: str, taken: Iterable[str], what: str = "question") -> None:
    if not CODE_RE.match(code):
        raise forms.ValidationError(f"“{code}” is not a valid code. {CODE_FORMAT}", code="code_format")
    if code in taken:
        raise forms.ValidationError(f"Another {what} already has the code “{code}”.", code="code_taken")


def styled(form: forms.Form) -> None:
    """Bootstrap's classes on the widgets (the templates render fields one by one)."""
    for bound in form:
        widget = bound.field.widget
        css = "form-check-input" if getattr(widget, "input_type", "") == "checkbox" else "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def _scale_value(scale: tuple[int, int] | None) -> str:
    return "" if scale is None else f"{scale[0]}-{scale[1]}"


class QuestionForm(forms.Form):
    """One question's settings. Which fields exist depends on its type's flags and on
    whether its version is published (then only the wording)."""

    label = forms.CharField(
        label="Question", widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Write the question."},
    )
    help_text = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown under the question, e.g. what to count in.",
    )

    def __init__(self, *args, question: Question, taken: Iterable[str], scope: ConditionScope | None = None,
                 **kwargs) -> None:
        """`taken`: the codes of the version's other questions; `scope`: what its
        condition may refer to (None: not checked, e.g. while the list is being edited)."""
        kwargs.setdefault("initial", {
            "label": question.label, "help_text": question.help_text, "required": question.required,
            "code": question.code, "condition": question.condition, "min_value": question.min_value,
            "max_value": question.max_value, "max_length": question.max_length, "is_segment": question.is_segment,
            "personal_data": question.personal_data, "low_label": question.low_label,
            "high_label": question.high_label, "display": question.question_type.display(question),
            "scale": _scale_value(question.question_type.scale(question)), "step": question.step,
            "shuffle": question.shuffle,
            "attention_check": question.attention_check,
        })
        super().__init__(*args, **kwargs)
        self.question = question
        self.kind = question.question_type
        self.frozen = question.version.is_frozen
        self.taken = frozenset(taken)
        self.scope = scope
        # The author has not chosen the code while it is the one their label suggests.
        self.code_auto = question.code == suggested_code(question.label, self.taken)
        if self.kind.scales:
            low, high = self.kind.scale(question)
            self.scale_summary = f"{low} to {high}, shown as {self.kind.display(question)}"
            # End labels are wording: they may be corrected on a published version too.
            for name, label, example in (("low_label", "Label of the lowest point", "Not at all likely"),
                                         ("high_label", "Label of the highest point", "Extremely likely")):
                self.fields[name] = forms.CharField(
                    required=False, max_length=200, label=label, help_text=f"Shown under that end, e.g. “{example}”.",
                )
        if self.kind.can_be_personal:
            self.fields["personal_data"] = forms.BooleanField(
                required=False, label="Personal data",
                help_text="Answers identify the respondent (a name, a phone number): erasure blanks them and "
                "exports leave them out unless asked for.",
            )
        if not self.frozen:
            self._structure_fields()
        styled(self)
        for name in ("scale", "display", "shuffle", "attention_check"):
            if name in self.fields:  # selects, with Bootstrap's arrow
                self.fields[name].widget.attrs["class"] = "form-select"

    def _structure_fields(self) -> None:
        self.fields["required"] = forms.BooleanField(required=False, label="Required")
        self.fields["code"] = forms.CharField(
            required=False, max_length=64,
            help_text="Names the question in exports, conditions and the API. Made from the label until you "
            "change it.",
        )
        self.fields["condition"] = forms.CharField(
            required=False, label="Show only if",
            help_text="Empty: always shown. E.g. age >= 18 and country in (fr, de).",
        )
        if self.kind.bounds:
            step = "1" if self.kind.whole_numbers else "any"
            for name, label in (("min_value", "Smallest answer"), ("max_value", "Largest answer")):
                self.fields[name] = forms.DecimalField(
                    required=self.kind.stepped, label=label, max_digits=20, decimal_places=6,
                    widget=forms.NumberInput(attrs={"step": step}),
                    error_messages={"required": "A slider needs both ends of its scale."},
                )
        if self.kind.sums_to_total:
            self.fields["max_value"] = forms.DecimalField(
                required=False, label="Total", max_digits=20, decimal_places=6, min_value=1,
                help_text="The rows' numbers must add up to this. Empty: 100.",
                widget=forms.NumberInput(attrs={"step": "1", "placeholder": 100}),
            )
        if self.kind.ranks:
            self.fields["max_value"] = forms.IntegerField(
                required=False, min_value=1, label="Rank the top",
                help_text="How many answers each respondent ranks, e.g. 3 for “your top 3”. Empty: every answer.",
                widget=forms.NumberInput(attrs={"step": 1, "placeholder": "All"}),
            )
        if self.kind.scales:
            self.fields["scale"] = forms.ChoiceField(
                label="Scale", choices=[(_scale_value(s), f"{s[0]} to {s[1]}") for s in sorted(self.kind.scales)],
                help_text="Results show the NPS for 0 to 10, the mean with its interval for the others.",
            )
            self.fields["display"] = forms.ChoiceField(
                label="Show as", choices=[(d, d.capitalize()) for d in self.kind.displays],
            )
        if self.kind.stepped:
            self.fields["step"] = forms.DecimalField(
                required=False, label="Step", max_digits=20, decimal_places=6, min_value=Decimal("0.000001"),
                help_text="The distance between two values of the slider. Empty: 1.",
                widget=forms.NumberInput(attrs={"step": "any", "placeholder": 1}),
            )
        if self.kind.default_max_length is not None:
            self.fields["max_length"] = forms.IntegerField(
                required=False, min_value=1, label="Longest answer (characters)",
                help_text=f"Empty: {self.kind.default_max_length}.",
                widget=forms.NumberInput(attrs={"placeholder": self.kind.default_max_length}),
            )
        orders = [(SHUFFLE_CHOICES, "Answers in a random order")] if self.kind.has_choices else []
        if self.kind.has_rows:
            orders.append((SHUFFLE_ROWS, "Rows in a random order"))
        if orders:
            self.fields["shuffle"] = forms.ChoiceField(
                required=False, label="Order", choices=[("", "As listed"), *orders],
                help_text="A random order is drawn for each respondent; an answer or row marked “Fixed place” "
                "(“Other”, “None of these”) keeps its place.",
            )
        if self.kind.has_choices and not (self.kind.picks_many or self.kind.ranks or self.kind.has_rows):
            # The import's rule (surveys.definition_files): one choice picked, no rows.
            self.fields["attention_check"] = forms.ChoiceField(
                required=False, label="Attention check: expected answer",
                choices=[("", "None: not an attention check"),
                         *((c.code, f"{c.label} ({c.code})") for c in self.question.choices.all())],
                help_text="A careful respondent picks this answer; any other flags the response "
                "(“attention check failed”).",
            )
        if self.kind.can_be_segment:
            self.fields["is_segment"] = forms.BooleanField(
                required=False, label="Segment", help_text="Results can be broken down by its answers."
            )

    def clean_label(self) -> str:
        return self.cleaned_data["label"].strip()

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if code:
            validate_code(code, self.taken)
            # Hidden fields share the questions' codes (conditions and exports name both):
            # looked up only when the code changes, so an ordinary save costs no query more.
            if code != self.question.code and HiddenField.objects.filter(
                    version_id=self.question.version_id, code=code).exists():
                raise forms.ValidationError(
                    f"“{code}” is the code of a hidden field: hidden fields and questions share their codes.",
                    code="code_taken")
        return code

    def clean_condition(self) -> str:
        return _clean_condition(self.cleaned_data["condition"], self.scope)

    def clean(self) -> dict:
        data = super().clean()
        if self.frozen:
            return data
        label = data.get("label", self.question.label)
        if "code" in data and (not data["code"] or (self.code_auto and data["code"] == self.question.code)):
            data["code"] = suggested_code(label or "", self.taken)
        low, high = data.get("min_value"), data.get("max_value")
        for name, value in (("min_value", low), ("max_value", high)):
            if value is not None and self.kind.whole_numbers and value != int(value):
                self.add_error(name, forms.ValidationError("Enter a whole number.", code="whole"))
                low = high = None
        if low is not None and high is not None and low > high:
            self.add_error("max_value", forms.ValidationError(
                "The largest answer must not be smaller than the smallest.", code="bounds"
            ))
        if "scale" in self.fields and "scale" in data:
            self._clean_scale(data)
        if self.kind.ranks and data.get("max_value") is not None:
            count = len(self.question.choices.all())
            if count and data["max_value"] > count:
                self.add_error("max_value", forms.ValidationError(
                    f"At most {count}: the question has {count} answers to rank.", code="top"))
            else:
                data["max_value"] = Decimal(data["max_value"])
        return data

    def _clean_scale(self, data: dict) -> None:
        """A rating's scale chosen in the select becomes its min and max, and both are left
        empty for the type's default scale and display, so that a question saved here is
        written in the definition file as one imported without them."""
        low, high = (int(n) for n in data.pop("scale").split("-"))
        default_low, default_high = self.kind.scales[0]
        default = (low, high) == (default_low, default_high)
        data["min_value"], data["max_value"] = (None, None) if default else (low, high)
        if data.get("display") == self.kind.displays[0]:
            data["display"] = ""
        probe = QuestionDef(code="", type=self.kind.name, label="", min_value=data["min_value"],
                            max_value=data["max_value"], display=data.get("display", ""))
        for setting, message in self.kind.scale_problems(probe):
            field = "scale" if setting == "scale" else "display"
            self.add_error(field, forms.ValidationError(f"{message[:1].upper()}{message[1:]}.", code=message.code))

    def changes(self) -> dict:
        """The cleaned fields as `question_update` takes them (a scale as its min and max)."""
        names = [name for name in self.fields if name != "scale"]
        if "scale" in self.fields:
            names += ["min_value", "max_value"]
        return {name: self.cleaned_data[name] for name in names}


# --- A page and the version's texts ----------------------------------------------------------


class PageForm(forms.Form):
    """A page's title and, on a draft, its condition and random order (its questions
    shuffled; the page in a block of consecutive pages shown in a random order)."""

    title = forms.CharField(required=False, max_length=200, help_text="Shown above the page's questions.")

    def __init__(self, *args, page: Page, scope: ConditionScope | None = None, **kwargs) -> None:
        kwargs.setdefault("initial", {"title": page.title, "condition": page.condition,
                                      "shuffle_questions": page.shuffle_questions,
                                      "shuffle_block": page.shuffle_block})
        super().__init__(*args, **kwargs)
        self.page = page
        self.scope = scope
        if not page.version.is_frozen:
            self.fields["condition"] = forms.CharField(
                required=False, label="Show this page only if",
                help_text="Empty: always shown. It may refer to questions on earlier pages.",
            )
            self.fields["shuffle_questions"] = forms.BooleanField(
                required=False, label="Questions in a random order",
                help_text="A random order is drawn for each respondent: no question of the page may then be named "
                "by another's condition or text on it.",
            )
            self.fields["shuffle_block"] = forms.CharField(
                required=False, max_length=64, label="Random-order block",
                help_text="Consecutive pages given the same block name (e.g. b1) are shown in a random order among "
                "themselves; not the first page. Empty: in its place.",
            )
        styled(self)

    def clean_shuffle_block(self) -> str:
        block = self.cleaned_data["shuffle_block"].strip()
        if block and not CODE_RE.match(block):
            raise forms.ValidationError("A block name holds only letters, digits, “_” and “-” (not starting with "
                                        "“-”).", code="block")
        return block

    def clean_title(self) -> str:
        return self.cleaned_data["title"].strip()

    def clean_condition(self) -> str:
        return _clean_condition(self.cleaned_data["condition"], self.scope)


class TextsForm(forms.Form):
    """The intro or the thank-you text (each has its own small form in the outline)."""

    intro = forms.CharField(required=False, label="Introduction", widget=forms.Textarea(attrs={"rows": 2}),
                            help_text="Shown above the first page.")
    thank_you = forms.CharField(required=False, label="Thank-you text", widget=forms.Textarea(attrs={"rows": 2}),
                                help_text="Shown after the last page is submitted.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        styled(self)

