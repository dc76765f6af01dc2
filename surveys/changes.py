"""What changes between two definitions of a survey, e.g. the open version and the draft
about to replace it: pages and questions added, removed or changed, choices and rows
added, removed or relabelled, conditions changed, hidden fields and screen-outs added, removed or changed
(matched by code, as links and conditions name them).

Pure functions on `SurveyDef`s, no database: the builder's publish page shows the result,
and the relabelled choices and rows are the ones it asks about ("same answer, or a new
one?"). Questions, choices and rows are matched by code (codes are what answers and counts
refer to). Pages have no code: a page is matched with the old page it shares most
questions with, else with one of the same title; anything unmatched was added or removed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from surveys.codes import code_from_label
from surveys.definition import ChoiceDef, HiddenFieldDef, PageDef, QuestionDef, RowDef, ScreenOutDef, SurveyDef

# The question's own fields that a change can touch, in the order a summary lists them.
QUESTION_FIELDS = (
    "label", "type", "required", "condition", "help_text", "segment", "personal_data",
    "min_value", "max_value", "max_length", "step", "low_label", "high_label", "display", "shuffle",
)
CHOICE, ROW = "choice", "row"

Option = ChoiceDef | RowDef


@dataclass(frozen=True)
class Relabel:
    """A choice or row whose code stays while its label changes: answers given to the old
    label would be counted, and shown, under the new one."""

    kind: str  # CHOICE or ROW
    question: str
    code: str
    old_label: str
    new_label: str

    @property
    def key(self) -> str:
        """Names this relabel in a form (codes hold only letters, digits, '_' and '-')."""
        return f"{self.kind}.{self.question}.{self.code}"


@dataclass(frozen=True)
class FieldChange:
    name: str  # one of QUESTION_FIELDS
    old: Any
    new: Any


@dataclass(frozen=True)
class OptionChanges:
    """The choices (or rows) of one question, old against new."""

    added: tuple[Option, ...] = ()
    removed: tuple[Option, ...] = ()
    relabelled: tuple[Relabel, ...] = ()
    # Choices whose "exclusive" flag changed (rows have none), as they are now.
    exclusive_changed: tuple[ChoiceDef, ...] = ()
    # Choices whose text box ("please specify") changed, as they are now.
    specify_changed: tuple[ChoiceDef, ...] = ()
    # Choices (rows) anchored or no longer (their place when shuffled), as they are now.
    anchor_changed: tuple[Option, ...] = ()
    # Rows whose attention check (the answer expected on them) changed, as they are now.
    attention_changed: tuple[RowDef, ...] = ()
    reordered: bool = False

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.relabelled or self.exclusive_changed or self.specify_changed
                    or self.anchor_changed or self.attention_changed or self.reordered)


@dataclass(frozen=True)
class QuestionChange:
    code: str
    old: QuestionDef
    new: QuestionDef
    fields: tuple[FieldChange, ...]
    choices: OptionChanges
    rows: OptionChanges
    old_page: int  # indexes into the old and the new definition's pages
    new_page: int
    moved: bool  # to another page (not the one matched with its old page)

    def field(self, name: str) -> FieldChange | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class PageChange:
    old_index: int
    new_index: int
    old: PageDef
    new: PageDef

    @property
    def retitled(self) -> bool:
        return self.old.title != self.new.title

    @property
    def condition_changed(self) -> bool:
        return self.old.condition != self.new.condition

    @property
    def shuffle_changed(self) -> bool:
        """Its questions shuffled, or no longer."""
        return self.old.shuffle_questions != self.new.shuffle_questions

    @property
    def block_changed(self) -> bool:
        """In another random-order block (or in one, or no longer)."""
        return self.old.shuffle_block != self.new.shuffle_block


@dataclass(frozen=True)
class ConditionChange:
    """A display condition of a page or question found in both definitions."""

    page: int  # index in the new definition
    question: QuestionDef | None  # None: the page's own condition
    old: str
    new: str


@dataclass(frozen=True)
class HiddenFieldChange:
    """A hidden field found in both definitions whose description or allowed values changed."""

    old: HiddenFieldDef
    new: HiddenFieldDef

    @property
    def values_changed(self) -> bool:
        return self.old.values != self.new.values

    @property
    def description_changed(self) -> bool:
        return self.old.description != self.new.description


@dataclass(frozen=True)
class ScreenOutChange:
    """A screen-out found in both definitions (by code) whose condition or message changed."""

    old: ScreenOutDef
    new: ScreenOutDef

    @property
    def condition_changed(self) -> bool:
        return self.old.condition != self.new.condition

    @property
    def message_changed(self) -> bool:
        return self.old.message != self.new.message


@dataclass(frozen=True)
class DefinitionChanges:
    pages_added: tuple[tuple[int, PageDef], ...]  # (index in the new definition, page)
    pages_removed: tuple[tuple[int, PageDef], ...]  # (index in the old definition, page)
    pages_changed: tuple[PageChange, ...]  # retitled, with another condition or random order
    pages_reordered: bool
    questions_added: tuple[tuple[int, QuestionDef], ...]  # (new page index, question)
    questions_removed: tuple[tuple[int, QuestionDef], ...]  # (old page index, question)
    questions_changed: tuple[QuestionChange, ...]
    questions_reordered: bool  # the questions kept are asked in another order
    intro_changed: bool
    thank_you_changed: bool
    hidden_added: tuple[HiddenFieldDef, ...] = ()
    hidden_removed: tuple[HiddenFieldDef, ...] = ()
    hidden_changed: tuple[HiddenFieldChange, ...] = ()
    screen_outs_added: tuple[ScreenOutDef, ...] = ()
    screen_outs_removed: tuple[ScreenOutDef, ...] = ()
    screen_outs_changed: tuple[ScreenOutChange, ...] = ()

    @cached_property
    def relabels(self) -> tuple[Relabel, ...]:
        return tuple(r for q in self.questions_changed for r in (*q.rows.relabelled, *q.choices.relabelled))

    @cached_property
    def conditions_changed(self) -> tuple[ConditionChange, ...]:
        pages = tuple(
            ConditionChange(page=p.new_index, question=None, old=p.old.condition, new=p.new.condition)
            for p in self.pages_changed
            if p.condition_changed
        )
        questions = tuple(
            ConditionChange(page=q.new_page, question=q.new, old=f.old, new=f.new)
            for q in self.questions_changed
            if (f := q.field("condition"))
        )
        return pages + questions

    def __bool__(self) -> bool:
        return bool(
            self.pages_added or self.pages_removed or self.pages_changed or self.pages_reordered
            or self.questions_added or self.questions_removed or self.questions_changed
            or self.questions_reordered or self.intro_changed or self.thank_you_changed
            or self.hidden_added or self.hidden_removed or self.hidden_changed
            or self.screen_outs_added or self.screen_outs_removed or self.screen_outs_changed
        )


def definition_changes(old: SurveyDef, new: SurveyDef) -> DefinitionChanges:
    """What publishing `new` in place of `old` changes for respondents and results."""
    old_of_new = pair_pages(old.pages, new.pages)  # new page index -> old page index
    new_of_old = {o: n for n, o in old_of_new.items()}
    old_where = {q.code: (i, q) for i, page in enumerate(old.pages) for q in page.questions}
    new_where = {q.code: (i, q) for i, page in enumerate(new.pages) for q in page.questions}

    changed = []
    for code, (new_page, question) in new_where.items():
        if code not in old_where:
            continue
        old_page, before = old_where[code]
        moved = new_of_old.get(old_page) != new_page
        change = _question_change(before, question, old_page=old_page, new_page=new_page, moved=moved)
        if change is not None:
            changed.append(change)

    old_hidden = {h.code: h for h in old.hidden_fields}
    new_hidden = {h.code: h for h in new.hidden_fields}
    old_screen = {so.code: so for so in old.screen_outs}
    new_screen = {so.code: so for so in new.screen_outs}
    kept_old_order = [code for code in old_where if code in new_where]
    kept_new_order = [code for code in new_where if code in old_where]
    paired_old = [old_of_new[n] for n in sorted(old_of_new)]
    return DefinitionChanges(
        pages_added=tuple((i, p) for i, p in enumerate(new.pages) if i not in old_of_new),
        pages_removed=tuple((i, p) for i, p in enumerate(old.pages) if i not in new_of_old),
        pages_changed=tuple(
            PageChange(old_index=o, new_index=n, old=old.pages[o], new=new.pages[n])
            for n, o in sorted(old_of_new.items())
            if _page_settings(old.pages[o]) != _page_settings(new.pages[n])
        ),
        pages_reordered=paired_old != sorted(paired_old),
        questions_added=tuple((i, q) for code, (i, q) in new_where.items() if code not in old_where),
        questions_removed=tuple((i, q) for code, (i, q) in old_where.items() if code not in new_where),
        questions_changed=tuple(changed),
        questions_reordered=kept_old_order != kept_new_order,
        intro_changed=old.intro != new.intro,
        thank_you_changed=old.thank_you != new.thank_you,
        hidden_added=tuple(h for code, h in new_hidden.items() if code not in old_hidden),
        hidden_removed=tuple(h for code, h in old_hidden.items() if code not in new_hidden),
        hidden_changed=tuple(
            HiddenFieldChange(old=old_hidden[code], new=h)
            for code, h in new_hidden.items()
            if code in old_hidden and old_hidden[code] != h
        ),
        screen_outs_added=tuple(so for code, so in new_screen.items() if code not in old_screen),
        screen_outs_removed=tuple(so for code, so in old_screen.items() if code not in new_screen),
        screen_outs_changed=tuple(
            ScreenOutChange(old=old_screen[code], new=so)
            for code, so in new_screen.items()
            if code in old_screen and old_screen[code] != so
        ),
    )


def pair_pages(old: tuple[PageDef, ...], new: tuple[PageDef, ...]) -> dict[int, int]:
    """New page index -> the old page index it continues.

    First by the questions they share (most first; among equals the nearest position), then
    pages left over by equal titles, then equal (empty, untitled) pages, in order. The rest
    were added or removed.
    """
    old_codes = [{q.code for q in page.questions} for page in old]
    new_codes = [{q.code for q in page.questions} for page in new]
    candidates = sorted(

            (-len(new_codes[n] & old_codes[o]), abs(n - o), n, o)
            for n in range(len(new))
            for o in range(len(old))
            if new_codes[n] & old_codes[o]

    )
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for _, _, n, o in candidates:
        if n not in pairs and o not in taken:
            pairs[n] = o
            taken.add(o)
    for same in (lambda a, b: bool(a.title) and a.title == b.title, lambda a, b: a == b):
        for n, page in enumerate(new):
            if n in pairs:
                continue
            o = next((o for o, p in enumerate(old) if o not in taken and same(page, p)), None)
            if o is not None:
                pairs[n] = o
                taken.add(o)
    return pairs


def _question_change(
    old: QuestionDef, new: QuestionDef, *, old_page: int, new_page: int, moved: bool
) -> QuestionChange | None:
    fields = tuple(
        FieldChange(name, getattr(old, name), getattr(new, name))
        for name in QUESTION_FIELDS
        if getattr(old, name) != getattr(new, name)
    )
    choices = _option_changes(CHOICE, new.code, old.choices, new.choices)
    rows = _option_changes(ROW, new.code, old.rows, new.rows)
    if not (fields or choices or rows or moved):
        return None
    return QuestionChange(
        code=new.code, old=old, new=new, fields=fields, choices=choices, rows=rows,
        old_page=old_page, new_page=new_page, moved=moved,
    )


def _page_settings(page: PageDef) -> tuple:
    return page.title, page.condition, page.shuffle_questions, page.shuffle_block


def _option_changes(kind: str, question: str, old: tuple[Option, ...], new: tuple[Option, ...]) -> OptionChanges:
    before = {o.code: o for o in old}
    after = {o.code: o for o in new}
    kept_old = [code for code in before if code in after]
    kept_new = [code for code in after if code in before]
    return OptionChanges(
        added=tuple(o for o in new if o.code not in before),
        removed=tuple(o for o in old if o.code not in after),
        relabelled=tuple(
            Relabel(kind=kind, question=question, code=o.code, old_label=before[o.code].label, new_label=o.label)
            for o in new
            if o.code in before and before[o.code].label != o.label
        ),
        exclusive_changed=tuple(
            o for o in new
            if isinstance(o, ChoiceDef) and o.code in before and before[o.code].exclusive != o.exclusive
        ),
        specify_changed=tuple(
            o for o in new
            if isinstance(o, ChoiceDef) and o.code in before and before[o.code].specify != o.specify
        ),
        anchor_changed=tuple(o for o in new if o.code in before and before[o.code].anchor != o.anchor),
        attention_changed=tuple(
            o for o in new
            if isinstance(o, RowDef) and o.code in before and before[o.code].attention_check != o.attention_check
        ),
        reordered=kept_old != kept_new,
    )


# --- "New answer": a relabelled choice or row gets a code of its own -----------------------


def new_codes(old: SurveyDef, new: SurveyDef, relabels: Iterable[Relabel]) -> dict[str, str]:
    """A new code for each relabel (by its key), made from its new label: unique among the
    question's choices (or rows) in both definitions, so that nothing answered to the old
    version is counted under it, and unique among the other relabels of the question."""
    taken: dict[tuple[str, str], set[str]] = {}
    codes: dict[str, str] = {}
    for relabel in relabels:
        question_taken = taken.setdefault(
            (relabel.kind, relabel.question),
            _option_codes(old, relabel.kind, relabel.question) | _option_codes(new, relabel.kind, relabel.question),
        )
        code = code_from_label(relabel.new_label, question_taken, fallback=relabel.kind)
        question_taken.add(code)
        codes[relabel.key] = code
    return codes


def _option_codes(definition: SurveyDef, kind: str, question: str) -> set[str]:
    q = definition.questions.get(question)
    if q is None:
        return set()
    return set(q.choice_codes if kind == CHOICE else q.row_codes)


def definition_with_codes(definition: SurveyDef, codes: Mapping[str, str]) -> SurveyDef:
    """The definition with the choices and rows named by relabel keys given their new codes
    (to check, before anything is written, that nothing else still uses the old ones)."""
    if not codes:
        return definition

    def renamed(kind: str, question: str, options: tuple) -> tuple:
        return tuple(
            replace(o, code=codes.get(f"{kind}.{question}.{o.code}", o.code)) for o in options
        )

    return replace(
        definition,
        pages=tuple(
            replace(
                page,
                questions=tuple(
                    replace(q, choices=renamed(CHOICE, q.code, q.choices), rows=renamed(ROW, q.code, q.rows))
                    for q in page.questions
                ),
            )
            for page in definition.pages
        ),
    )
