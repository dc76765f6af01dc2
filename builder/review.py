"""The publish review of a draft: its problems, what it changes against the version that is
open (else the latest published one), and the "same answer, or a new one?" question for
each choice or row whose label changes under the same code.

The review is computed afresh for every request: the GET shows it with a stamp of the
draft's content, and the POST recomputes it and refuses when the stamp differs (the draft
changed since it was reviewed) or when anything stops publishing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property

from django import forms
from django.utils.text import Truncator

from builder.problems import Problem, ProblemPlaces
from responses.models import Response
from surveys.changes import (
    CHOICE,
    DefinitionChanges,
    OptionChanges,
    QuestionChange,
    Relabel,
    definition_changes,
    definition_with_codes,
    new_codes,
)
from surveys.definition import QuestionDef, SurveyDef
from surveys.definition_files import DefinitionError, definition_from_data, definition_to_data
from surveys.models import Survey, SurveyVersion
from surveys.selectors import compiled_version, version_definition
from surveys.types import question_type

SAME, NEW = "same", "new"


def definition_errors(definition: SurveyDef) -> list[str]:
    """What `surveys.services.version_validate` says of a version, for a definition in hand
    (the draft's, or the draft's with new codes that nothing is written for yet)."""
    try:
        definition_from_data(definition_to_data(definition))
    except DefinitionError as exc:
        return exc.errors
    return []


def definition_stamp(version: SurveyVersion, definition: SurveyDef) -> str:
    """Changes with anything the review shows: the draft's content, not its `updated_at`
    (which deleting a question does not move)."""
    content = json.dumps(definition_to_data(definition), sort_keys=True, default=str)
    return f"{version.pk}-{hashlib.sha256(content.encode()).hexdigest()[:20]}"


def published_base(survey: Survey) -> SurveyVersion | None:
    """What the draft replaces: the open version, else the newest closed one."""
    return survey.open_version() or (
        survey.versions.exclude(status=SurveyVersion.Status.DRAFT).order_by("-number").first()
    )


class PublishForm(forms.Form):
    """The stamp of the reviewed draft and, for each relabel, "same answer" or "new answer"."""

    stamp = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, relabels: tuple[Relabel, ...] = (), codes: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.relabels = relabels
        self.codes = codes or {}
        for relabel in relabels:
            self.fields[self.field_name(relabel)] = forms.ChoiceField(
                label=f"“{relabel.new_label}”",
                choices=[(SAME, "Same answer"), (NEW, "New answer")],
                initial=SAME,
                widget=forms.RadioSelect,
            )

    @staticmethod
    def field_name(relabel: Relabel) -> str:
        return f"answer-{relabel.key}"

    def chosen_codes(self) -> dict[str, str]:
        """The new codes of the relabels answered "new answer" (cleaned forms only)."""
        return {
            r.key: self.codes[r.key] for r in self.relabels if self.cleaned_data.get(self.field_name(r)) == NEW
        }


@dataclass(frozen=True)
class Line:
    """One line of a question's changes: a text, and maybe what it was and is now."""

    text: str
    old: str | None = None
    new: str | None = None
    code: bool = False  # old and new are conditions, shown as code


@dataclass
class RelabelQuestion:
    """A relabel with what the page needs to ask about it."""

    relabel: Relabel
    question: QuestionDef
    field: forms.BoundField
    new_code: str
    breaks: list[Problem]  # what giving it a new code would break (conditions, findings...)

    @property
    def kind_name(self) -> str:
        return "choice" if self.relabel.kind == CHOICE else "row"


@dataclass
class Review:
    survey: Survey
    draft: SurveyVersion
    base: SurveyVersion | None
    definition: SurveyDef
    base_definition: SurveyDef | None
    changes: DefinitionChanges | None
    errors: list[str]
    form: PublishForm
    stamp: str
    places: ProblemPlaces
    responses_so_far: int
    codes: dict[str, str] = field(default_factory=dict)

    @cached_property
    def problems(self) -> list[Problem]:
        return self.places.problems(self.errors)

    @property
    def archived(self) -> bool:
        return self.survey.archived_at is not None

    @property
    def ready(self) -> bool:
        return not self.errors and not self.archived

    @cached_property
    def question_count(self) -> int:
        return len(self.definition.questions)

    @cached_property
    def relabel_questions(self) -> list[RelabelQuestion]:
        if self.changes is None:
            return []
        items = []
        for relabel in self.changes.relabels:
            renamed = definition_with_codes(self.definition, {relabel.key: self.codes[relabel.key]})
            items.append(
                RelabelQuestion(
                    relabel=relabel,
                    question=self.definition.questions[relabel.question],
                    field=self.form[PublishForm.field_name(relabel)],
                    new_code=self.codes[relabel.key],
                    breaks=self.new_problems(renamed),
                )
            )
        return items

    def new_problems(self, definition: SurveyDef) -> list[Problem]:
        """The problems of `definition` (the draft with new codes) that the draft does not have."""
        known = set(self.errors)
        return self.places.problems([e for e in definition_errors(definition) if e not in known])

    @cached_property
    def questions_changed(self) -> list[tuple[QuestionChange, list[Line], str | None]]:
        if self.changes is None:
            return []
        return [
            (change, question_lines(change), self.places.question_url(change.code))
            for change in self.changes.questions_changed
        ]

    @cached_property
    def questions_added(self) -> list[tuple[int, QuestionDef, str | None]]:
        if self.changes is None:
            return []
        return [(page, q, self.places.question_url(q.code)) for page, q in self.changes.questions_added]

    @cached_property
    def summary(self) -> list[str]:
        """Counts of what changes, e.g. ["2 questions added", "1 changed"]."""
        c = self.changes
        if c is None:
            return []
        parts = [
            (len(c.pages_added), "page added", "pages added"),
            (len(c.pages_removed), "page removed", "pages removed"),
            (len(c.questions_added), "question added", "questions added"),
            (len(c.questions_removed), "question removed", "questions removed"),
            (len(c.questions_changed), "question changed", "questions changed"),
            (len(c.conditions_changed), "condition changed", "conditions changed"),
            (len(c.relabels), "choice or row relabelled", "choices or rows relabelled"),
            (len(c.hidden_added), "hidden field added", "hidden fields added"),
            (len(c.hidden_removed), "hidden field removed", "hidden fields removed"),
            (len(c.hidden_changed), "hidden field changed", "hidden fields changed"),
            (len(c.screen_outs_added), "screen-out added", "screen-outs added"),
            (len(c.screen_outs_removed), "screen-out removed", "screen-outs removed"),
            (len(c.screen_outs_changed), "screen-out changed", "screen-outs changed"),
        ]
        return [f"{n} {one if n == 1 else many}" for n, one, many in parts if n]


def review_build(survey: Survey, draft: SurveyVersion, data=None) -> Review:
    """The review of `draft`, its form bound to `data` (a POST) if given."""
    definition = version_definition(draft)
    base = published_base(survey)
    # A published version's definition is compiled once per process (and again after a fix).
    base_definition = compiled_version(base).definition if base is not None else None
    changes = definition_changes(base_definition, definition) if base_definition is not None else None
    relabels = changes.relabels if changes is not None else ()
    codes = new_codes(base_definition, definition, relabels) if base_definition is not None else {}
    stamp = definition_stamp(draft, definition)
    places = ProblemPlaces(survey, draft, definition)
    form = PublishForm(data, relabels=relabels, codes=codes, initial={"stamp": stamp})
    return Review(
        survey=survey,
        draft=draft,
        base=base,
        definition=definition,
        base_definition=base_definition,
        changes=changes,
        errors=definition_errors(definition),
        form=form,
        stamp=stamp,
        places=places,
        responses_so_far=Response.objects.filter(survey=survey, is_test=False).count() if base else 0,
        codes=codes,
    )


# --- What a question's changes look like in words ----------------------------------------


def _shown(value, empty: str = "(empty)") -> str:
    return empty if value in (None, "") else str(value)


def _flag(change, now: str, no_longer: str) -> Line:
    return Line(now if change.new else no_longer)


def question_lines(change: QuestionChange) -> list[Line]:
    lines: list[Line] = []
    for f in change.fields:
        if f.name == "label":
            lines.append(Line("Question text", f.old, f.new))
        elif f.name == "type":
            lines.append(Line("Type", question_type(f.old).label, question_type(f.new).label))
        elif f.name == "required":
            lines.append(_flag(f, "Now required", "No longer required"))
        elif f.name == "condition":
            lines.append(Line("Display condition", _shown(f.old, "always shown"), _shown(f.new, "always shown"),
                              code=True))
        elif f.name == "help_text":
            lines.append(Line("Help text", _shown(f.old), _shown(f.new)))
        elif f.name == "segment":
            lines.append(_flag(f, "Now a segment in the results", "No longer a segment in the results"))
        elif f.name == "personal_data":
            lines.append(_flag(f, "Now marked personal data", "No longer marked personal data"))
        else:
            name = {"min_value": "Minimum", "max_value": "Maximum", "max_length": "Maximum length",
                    "low_label": "Label of the lowest point", "high_label": "Label of the highest point",
                    "display": "Shown as", "step": "Step", "shuffle": "Shown in a random order"}[f.name]
            if f.name == "max_value" and change.new.question_type.sums_to_total:
                name = "Total"
            lines.append(Line(name, _shown(f.old), _shown(f.new)))
    if change.moved:
        lines.append(Line(f"Moved from page {change.old_page + 1} to page {change.new_page + 1}"))
    lines += _option_lines(change.rows, "row", "rows")
    lines += _option_lines(change.choices, "choice", "choices")
    return lines


def _labels(options) -> str:
    return ", ".join(f"“{Truncator(o.label).chars(50)}”" for o in options)


def _option_lines(changes: OptionChanges, one: str, many: str) -> list[Line]:
    lines = []
    if changes.added:
        lines.append(Line(f"{(one if len(changes.added) == 1 else many).capitalize()} added: {_labels(changes.added)}"))
    if changes.removed:
        lines.append(
            Line(f"{(one if len(changes.removed) == 1 else many).capitalize()} removed: {_labels(changes.removed)}")
        )
    for relabel in changes.relabelled:
        lines.append(Line(f"{one.capitalize()} relabelled", relabel.old_label, relabel.new_label))
    for choice in changes.exclusive_changed:
        lines.append(Line(f"“{choice.label}” {'is now' if choice.exclusive else 'is no longer'} exclusive"))
    for choice in changes.specify_changed:
        box = f"has {'a required' if choice.specify == 'required' else 'an optional'} text box"
        lines.append(Line(f"“{choice.label}” {box if choice.specify else 'has no text box any more'}"))
    for option in changes.anchor_changed:
        place = "now keeps its place" if option.anchor else "no longer keeps its place"
        lines.append(Line(f"“{option.label}” {place} when the {many} are shown in a random order"))
    for row in changes.attention_changed:
        check = f"is now an attention check (expected answer: {row.attention_check})" if row.attention_check else (
            "is no longer an attention check")
        lines.append(Line(f"“{row.label}” {check}"))
    if changes.reordered:
        lines.append(Line(f"{many.capitalize()} in another order"))
    return lines
