"""Writes of the structure editor: pages, questions, choices and rows of one version.

Each service locks the version's row first (`SELECT ... FOR UPDATE`), so that two edits of
one version (two editors, or one impatient double click) run one after the other and
positions stay dense: 0..n-1 on every page and for the pages of a version, renumbered in
the same transaction as the change. A published version's structure is refused here
before anything is written (`FrozenVersionError`, as the models would), while its labels
and help texts stay editable ("label-only fixes").

Deleting returns a plain, JSON-serialisable snapshot (the builder keeps it in the
session) that `question_restore` / `page_restore` put back exactly: same codes,
positions, choices and rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from surveys import piping
from surveys.codes import code_from_label, unique_code
from surveys.models import Choice, FrozenVersionError, MatrixRow, Page, Question, SurveyVersion
from surveys.selectors import version_definition
from surveys.services import version_validate
from surveys.types import TYPES

__all__ = [
    "EditError",
    "Entry",
    "OrderRefused",
    "choices_replace",
    "page_add",
    "page_delete",
    "page_move",
    "page_restore",
    "page_update",
    "question_add",
    "question_delete",
    "question_duplicate",
    "question_move",
    "question_restore",
    "question_update",
    "rows_replace",
    "version_texts_update",
]

# What `question_update` may set. Label, help text and the personal-data flag may change on a
# published version too; the models refuse the rest there.
QUESTION_FIELDS = frozenset({
    "label", "help_text", "required", "code", "condition", "min_value", "max_value", "max_length", "step",
    "is_segment", "personal_data", "low_label", "high_label", "display", "shuffle", "attention_check",
})
# A rating's end labels are wording too: what a point means does not change with them.
WORDING_FIELDS = frozenset({"label", "help_text", "personal_data", "low_label", "high_label"})
NEW_QUESTION_CODE = "question"  # the code of a question added before it has a label


class EditError(ValueError):
    """A change the editor refuses (not about a published version): the message says why."""


class OrderRefused(EditError):
    """A random order refused as the import refuses it (a condition or a piped text naming a
    question of the same shuffled page or block, a block whose pages do not follow one
    another): `errors` are the import's, with their places (`pages[1].questions[0].condition`)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Entry:
    """One choice or matrix row as the editor sends it: `id` is the row it edits (None: a
    new one); `exclusive` and `specify` (its text box) apply to choices only, `attention_check`
    (the choice a careful respondent picks on the row) to a matrix's rows only; an `anchor`
    keeps its place when the choices (rows) are shuffled."""

    code: str
    label: str
    id: int | None = None
    exclusive: bool = False
    specify: str = ""
    anchor: bool = False
    attention_check: str = ""


def _locked(version: SurveyVersion) -> SurveyVersion:
    return SurveyVersion.objects.select_for_update().select_related("survey").get(pk=version.pk)


def _refuse_if_frozen(version: SurveyVersion) -> None:
    if version.is_frozen:
        raise FrozenVersionError(
            f"Version {version.number} is published and frozen: only labels and help texts can be corrected. "
            "Edit it as a new draft to change its structure.",
            code="frozen",
        )


def structure_locked(version: SurveyVersion) -> SurveyVersion:
    """The version, locked, for a structural change (refused on a published version)."""
    version = _locked(version)
    _refuse_if_frozen(version)
    return version


def version_touch(version: SurveyVersion) -> None:
    # Bulk updates skip the models' save(), which bumps the stamp that cached compiled
    # definitions are keyed on.
    SurveyVersion.objects.filter(pk=version.pk).update(updated_at=timezone.now())


def positions_renumber(model: type[Model], ordered_ids: Sequence[int], **extra: Any) -> None:
    """Positions 0..n-1 in this order (and `extra` fields, e.g. a new page), in one query."""
    rows = [model(pk=pk, position=i, **extra) for i, pk in enumerate(ordered_ids)]
    model.objects.bulk_update(rows, ["position", *extra])


def _page_question_ids(page_id: int) -> list[int]:
    return list(Question.objects.filter(page_id=page_id).order_by("position", "pk").values_list("pk", flat=True))


def _version_page_ids(version: SurveyVersion) -> list[int]:
    return list(Page.objects.filter(version=version).order_by("position", "pk").values_list("pk", flat=True))


def _taken_codes(version: SurveyVersion) -> set[str]:
    return set(Question.objects.filter(version=version).values_list("code", flat=True))


def _page_of(version: SurveyVersion, page: Page) -> Page:
    if page.version_id != version.pk:
        raise EditError("That page belongs to another version.")
    return page


# --- Pages ---------------------------------------------------------------------------------


@transaction.atomic
def page_add(*, version: SurveyVersion, title: str = "") -> Page:
    """A new page at the end of the version."""
    version = structure_locked(version)
    position = Page.objects.filter(version=version).count()
    return Page.objects.create(version=version, position=position, title=title.strip())


@transaction.atomic
def page_update(*, page: Page, title: str, condition: str | None = None, shuffle_questions: bool | None = None,
                shuffle_block: str | None = None) -> Page:
    """A page's title (editable on a published version too) and, on a draft, its condition
    and random order: its questions shuffled, or the page in a block of consecutive pages
    shown in a random order (`OrderRefused` when a condition or piped text would name a
    question of the same shuffled page or block, as the import refuses it)."""
    version = _locked(page.version)
    page.title = title.strip()
    if condition is not None:
        page.condition = condition.strip()
    order = {"shuffle_questions": shuffle_questions, "shuffle_block": shuffle_block}
    order = {name: value for name, value in order.items() if value is not None and value != getattr(page, name)}
    known = version_validate(version=version) if order else []
    for name, value in order.items():
        setattr(page, name, value)
    page.save()
    if order:
        new = [problem for problem in version_validate(version=version) if problem not in known]
        if new:
            raise OrderRefused(new)
    return page


@transaction.atomic
def page_move(*, page: Page, position: int) -> Page:
    """The page at `position` (clamped to the version's pages), the others closing up."""
    version = structure_locked(page.version)
    ids = [pk for pk in _version_page_ids(version) if pk != page.pk]
    ids.insert(max(0, min(position, len(ids))), page.pk)
    positions_renumber(Page, ids)
    version_touch(version)
    page.position = ids.index(page.pk)
    return page


@transaction.atomic
def page_delete(*, page: Page) -> dict:
    """Delete a page and its questions; returns what `page_restore` needs to put it back."""
    version = structure_locked(page.version)
    if Page.objects.filter(version=version).count() <= 1:
        raise EditError("A survey needs at least one page: add another page before deleting this one.")
    position = _version_page_ids(version).index(page.pk)
    data = {
        "title": page.title,
        "condition": page.condition,
        "shuffle_questions": page.shuffle_questions,
        "shuffle_block": page.shuffle_block,
        "position": position,
        "questions": [_question_data(q) for q in _questions_with_options(page.questions.order_by("position", "pk"))],
    }
    page.delete()
    positions_renumber(Page, _version_page_ids(version))
    version_touch(version)
    return data


@transaction.atomic
def page_restore(*, version: SurveyVersion, data: dict) -> Page:
    """Put a deleted page back where it was, with its questions (refused if one of their
    codes has been used since)."""
    version = structure_locked(version)
    taken = _taken_codes(version)
    clashes = [q["code"] for q in data["questions"] if q["code"] in taken]
    if clashes:
        raise EditError(
            f"The page cannot be restored: its question code {clashes[0]!r} is now used by another question."
        )
    page = Page.objects.create(version=version, position=0, title=data["title"], condition=data["condition"],
                               shuffle_questions=data.get("shuffle_questions", False),
                               shuffle_block=data.get("shuffle_block", ""))
    ids = [pk for pk in _version_page_ids(version) if pk != page.pk]
    ids.insert(max(0, min(data["position"], len(ids))), page.pk)
    positions_renumber(Page, ids)
    for position, question in enumerate(data["questions"]):
        _question_create(version=version, page=page, position=position, data=question)
    version_touch(version)
    page.position = ids.index(page.pk)
    return page


# --- Questions -----------------------------------------------------------------------------


@transaction.atomic
def question_add(*, version: SurveyVersion, page: Page, type: str, label: str = "") -> Question:
    """A new question at the end of the page, its code made from the label (unique in the
    version). Choices and rows come later, in the question's edit form."""
    version = structure_locked(version)
    _page_of(version, page)
    if type not in TYPES:
        raise EditError(f"Unknown question type {type!r}.")
    code = code_from_label(label, _taken_codes(version), fallback=NEW_QUESTION_CODE)
    position = Question.objects.filter(page=page).count()
    return Question.objects.create(
        version=version, page=page, position=position, code=code, type=type, label=label.strip()
    )


@transaction.atomic
def question_update(
    *,
    question: Question,
    choices: Sequence[Entry] | None = None,
    rows: Sequence[Entry] | None = None,
    **fields: Any,
) -> Question:
    """Set the question's fields (any of QUESTION_FIELDS) and, when given, replace its
    choices and rows, in one transaction. On a published version only wording may change:
    anything else raises FrozenVersionError and nothing is written."""
    unknown = set(fields) - QUESTION_FIELDS
    if unknown:
        raise TypeError(f"question_update() got unexpected fields: {', '.join(sorted(unknown))}")
    version = _locked(question.version)
    for name, value in fields.items():
        setattr(question, name, value)
    question.save()  # FrozenStructure refuses a structural change of a published version
    if choices is not None:
        _options_replace(Choice, question, choices, version)
    if rows is not None:
        _options_replace(MatrixRow, question, rows, version)
    if version.is_frozen:
        _refuse_bad_piping(version, question.code)
    return question


def _refuse_bad_piping(version: SurveyVersion, code: str) -> None:
    """A wording fix on a published version is not checked by a publish: the references to
    answers in the question's texts (surveys.piping) are checked here, and a fix with a
    wrong one refused whole (another question's texts are not this fix's business)."""
    definition = version_definition(version)
    place = next(f"pages[{p}].questions[{q}]." for p, page in enumerate(definition.pages)
                 for q, question in enumerate(page.questions) if question.code == code)
    problems = [message for at, message in piping.problems(definition.pages, definition.hidden)
                if at.startswith(place)]
    if problems:
        raise EditError(problems[0])


@transaction.atomic
def choices_replace(*, question: Question, entries: Sequence[Entry]) -> None:
    """The question's choices become `entries`, in that order (see `_options_replace`)."""
    _options_replace(Choice, question, entries, _locked(question.version))


@transaction.atomic
def rows_replace(*, question: Question, entries: Sequence[Entry]) -> None:
    """The matrix question's rows become `entries`, in that order."""
    _options_replace(MatrixRow, question, entries, _locked(question.version))


def _options_replace(model: type[Choice] | type[MatrixRow], question: Question, entries: Sequence[Entry],
                     version: SurveyVersion) -> None:
    """Update the rows named by id, create the new ones, delete the others.

    Rows are updated in place rather than recreated: a draft's test-mode answers point at
    them. On a published version only labels may differ (same ids, codes, order and
    exclusive flags), which the models check row by row.
    """
    if not question.question_type.has_rows and model is MatrixRow and entries:
        raise EditError(f"A {question.question_type.label} question has no rows.")
    if not question.question_type.has_choices and model is Choice and entries:
        raise EditError(f"A {question.question_type.label} question has no choices.")
    codes = [e.code for e in entries]
    if len(set(codes)) != len(codes):
        raise EditError("Two entries have the same code.")
    existing = {row.pk: row for row in model.objects.filter(question=question)}
    kept = {e.id for e in entries if e.id is not None}
    if not kept <= set(existing):
        raise EditError("An entry belongs to another question.")
    if version.is_frozen:
        unchanged = [(e.id, e.code) for e in entries] == [
            (row.pk, row.code) for row in sorted(existing.values(), key=lambda r: (r.position, r.pk))
        ]
        if not unchanged:
            _refuse_if_frozen(version)
    for pk, row in existing.items():
        if pk not in kept:
            row.delete()
    # A code moved from one row to another must not meet itself in the unique constraint.
    renamed = [existing[e.id] for e in entries if e.id is not None and existing[e.id].code != e.code]
    if renamed and not version.is_frozen:
        for row in renamed:
            row.code = f"~{row.pk}"
        model.objects.bulk_update(renamed, ["code"])
    for position, entry in enumerate(entries):
        row = existing[entry.id] if entry.id is not None else model(question=question)
        values = {"position": position, "code": entry.code, "label": entry.label.strip(), "anchor": entry.anchor}
        if model is Choice:
            values["exclusive"] = entry.exclusive and question.question_type.exclusive_choices
            values["specify"] = entry.specify if question.question_type.specify_choices else ""
        else:
            values["attention_check"] = entry.attention_check
        if row.pk is None or any(getattr(row, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.save()


@transaction.atomic
def question_move(
    *, question: Question, page: Page | None = None, position: int | None = None, direction: int | None = None
) -> Question:
    """Move a question to `position` on `page` (default: its own page), or one place up
    (`direction=-1`) or down (`direction=1`) on its page. Positions are clamped, so that
    posting the same move twice changes nothing the second time."""
    version = structure_locked(question.version)
    question = Question.objects.get(pk=question.pk)
    target = _page_of(version, page) if page is not None else question.page
    source_ids = _page_question_ids(question.page_id)
    if position is None:
        if direction is None:
            raise TypeError("question_move() needs a position or a direction")
        position = source_ids.index(question.pk) + direction
    ids = [pk for pk in _page_question_ids(target.pk) if pk != question.pk]
    ids.insert(max(0, min(position, len(ids))), question.pk)
    if target.pk != question.page_id:
        positions_renumber(Question, [pk for pk in source_ids if pk != question.pk])
        Question.objects.filter(pk=question.pk).update(page=target)
    positions_renumber(Question, ids)
    version_touch(version)
    question.page, question.position = target, ids.index(question.pk)
    return question


@transaction.atomic
def question_duplicate(*, question: Question) -> Question:
    """A copy of the question (choices and rows too) just after it, with a new unique code."""
    version = structure_locked(question.version)
    data = _question_data(_questions_with_options(Question.objects.filter(pk=question.pk))[0])
    data["code"] = unique_code(data["code"], _taken_codes(version))
    ids = _page_question_ids(question.page_id)
    copy = _question_create(version=version, page=question.page, position=len(ids), data=data)
    ids.insert(ids.index(question.pk) + 1, copy.pk)
    positions_renumber(Question, ids)
    copy.position = ids.index(copy.pk)
    return copy


@transaction.atomic
def question_delete(*, question: Question) -> dict:
    """Delete the question; returns what `question_restore` needs to put it back."""
    version = structure_locked(question.version)
    question = _questions_with_options(Question.objects.filter(pk=question.pk))[0]
    ids = _page_question_ids(question.page_id)
    deleted = question.pk
    data = {**_question_data(question), "page": question.page_id, "position": ids.index(deleted)}
    question.delete()
    positions_renumber(Question, [pk for pk in ids if pk != deleted])
    version_touch(version)
    return data


@transaction.atomic
def question_restore(*, version: SurveyVersion, data: dict) -> Question:
    """Put a deleted question back on its page at its position, with its code, choices and
    rows (refused if its page is gone or its code has been used since)."""
    version = structure_locked(version)
    page = Page.objects.filter(version=version, pk=data["page"]).first()
    if page is None:
        raise EditError("The question cannot be restored: its page has been deleted.")
    if data["code"] in _taken_codes(version):
        raise EditError(f"The question cannot be restored: its code {data['code']!r} is now used by another question.")
    question = _question_create(version=version, page=page, position=0, data=data)
    ids = [pk for pk in _page_question_ids(page.pk) if pk != question.pk]
    ids.insert(max(0, min(data["position"], len(ids))), question.pk)
    positions_renumber(Question, ids)
    version_touch(version)
    question.position = ids.index(question.pk)
    return question


@transaction.atomic
def version_texts_update(*, version: SurveyVersion, intro: str | None = None, thank_you: str | None = None) -> None:
    """The text above the first page and after the last (wording: a published version's too)."""
    version = _locked(version)
    changed = []
    for name, value in (("intro", intro), ("thank_you", thank_you)):
        if value is not None:
            setattr(version, name, value.strip())
            changed.append(name)
    if changed:
        version.save(update_fields=[*changed, "updated_at"])


# --- Snapshots -----------------------------------------------------------------------------


def _questions_with_options(queryset) -> list[Question]:
    return list(queryset.prefetch_related("choices", "rows"))


def _number(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _question_data(question: Question) -> dict:
    """A question with its choices and rows as plain JSON values (Decimals as text)."""
    return {
        "code": question.code,
        "type": question.type,
        "label": question.label,
        "help_text": question.help_text,
        "required": question.required,
        "is_segment": question.is_segment,
        "personal_data": question.personal_data,
        "condition": question.condition,
        "min_value": _number(question.min_value),
        "max_value": _number(question.max_value),
        "max_length": question.max_length,
        "low_label": question.low_label,
        "high_label": question.high_label,
        "display": question.display,
        "step": _number(question.step),
        "shuffle": question.shuffle,
        "choices": [
            {"code": c.code, "label": c.label, "exclusive": c.exclusive, "specify": c.specify, "anchor": c.anchor}
            for c in sorted(question.choices.all(), key=lambda c: (c.position, c.pk))
        ],
        "rows": [
            {"code": r.code, "label": r.label, "anchor": r.anchor}
            for r in sorted(question.rows.all(), key=lambda r: (r.position, r.pk))
        ],
    }


def _question_create(*, version: SurveyVersion, page: Page, position: int, data: dict) -> Question:
    question = Question.objects.create(
        version=version,
        page=page,
        position=position,
        code=data["code"],
        type=data["type"],
        label=data["label"],
        help_text=data["help_text"],
        required=data["required"],
        is_segment=data["is_segment"],
        personal_data=data["personal_data"],
        condition=data["condition"],
        min_value=None if data["min_value"] is None else Decimal(data["min_value"]),
        max_value=None if data["max_value"] is None else Decimal(data["max_value"]),
        max_length=data["max_length"],
        # Snapshots taken before rating scales had settings lack these keys.
        low_label=data.get("low_label", ""),
        high_label=data.get("high_label", ""),
        display=data.get("display", ""),
        step=None if data.get("step") is None else Decimal(data["step"]),
        shuffle=data.get("shuffle", ""),
    )
    Choice.objects.bulk_create(
        Choice(question=question, position=i, code=c["code"], label=c["label"], exclusive=c["exclusive"],
               specify=c.get("specify", ""), anchor=c.get("anchor", False))
        for i, c in enumerate(data["choices"])
    )
    MatrixRow.objects.bulk_create(
        MatrixRow(question=question, position=i, code=r["code"], label=r["label"], anchor=r.get("anchor", False))
        for i, r in enumerate(data["rows"])
    )
    return question
