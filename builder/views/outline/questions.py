"""Question actions of the outline: add from the palette, edit (with its choices and rows),
move (buttons, drag, to another page), duplicate, delete."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from builder.access import builder_view
from builder.forms.entries import ListOp
from builder.outline_history import page_name, question_changes, question_name, question_state, record, stale_edit
from builder.stamps import stamp_of
from builder.views.outline.change import edited, outline_change
from builder.views.outline.deleted import remember
from builder.views.outline.respond import (
    Outline,
    again,
    done,
    once,
    outline_url,
    question_edit_state,
    refused,
    render_outline,
)
from builder.views.outline.structure import find_question, outline_pages, page_in, question_in
from surveys import editing
from surveys.editing import EditError
from surveys.history import target_of
from surveys.models import FrozenVersionError, Question, Survey, SurveyVersion
from surveys.types import TYPES

MAX_POSITION = 100_000


def _messages(exc: Exception) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


def _name(question) -> str:
    return f"Question “{question.label}”" if question.label else f"Question {question.code}"


@outline_change
def question_add(request: HttpRequest, survey: Survey, version: SurveyVersion, page_id: int) -> HttpResponse:
    """A question of the chosen type at the end of the page, opened in its edit form."""
    page = page_in(version, page_id)
    kind = request.POST.get("type", "")
    if kind not in TYPES:
        return refused(request, survey, version, "Choose a type of question.", anchor=f"page-{page.pk}")
    try:
        with transaction.atomic():
            question = editing.question_add(version=version, page=page, type=kind)
            record(request, version, "question_added",
                   f"Added a question ({TYPES[kind].label}) on {page_name(page)}", question)
    except (EditError, FrozenVersionError) as exc:
        return refused(request, survey, version, _messages(exc), anchor=f"page-{page.pk}")
    return done(request, survey, version, anchor=f"question-{question.pk}", focus=(f"q{question.pk}-label",),
                edit=question.pk)


@builder_view
def question_edit(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    """Save the question's form, or (`op` = e.g. `choices-add`, `rows-up-2`) change its
    lists and show the form again without saving."""
    survey, version = edited(request, slug)
    question_in(version, question_id)
    if request.method != "POST":
        return redirect(outline_url(survey, f"question-{question_id}", edit=question_id))
    pages = outline_pages(version)
    question = find_question(pages, question_id)
    outline = Outline(survey, version, editable=True, pages=pages)
    op = ListOp.parse(request.POST.get("op", ""))
    if op is not None and not version.is_frozen:
        edit = question_edit_state(question, pages, request.POST, check=False)
        lists = {entries.kind: entries for entries in edit.lists}
        focus = lists[op.kind].apply(op) if op.kind in lists else f"q{question.pk}-label"
        outline.question_edit, outline.focus = edit, (focus,)
        return render_outline(request, outline)
    if not once(request):
        return again(request, survey, version)
    edit = question_edit_state(question, pages, request.POST)
    form = edit.form
    cleaned = {entries.kind: entries.clean() for entries in edit.lists}
    status = 200
    if form.is_valid() and None not in cleaned.values():
        try:
            with transaction.atomic():
                stale = stale_edit(version, question, request.POST.get("stamp"))
                if stale is None:
                    before = question_state(question)
                    editing.question_update(question=question, **form.changes(), **cleaned)
                    _record_update(request, version, question, before)
        except (EditError, FrozenVersionError) as exc:
            form.add_error(None, _messages(exc))
        except IntegrityError:  # another editor took the code meanwhile
            form.add_error("code", "Another question already has this code.")
        else:
            if stale is None:
                return done(request, survey, version, anchor=f"question-{question.pk}",
                            focus=(f"question-{question.pk}-heading",))
            # Another editor saved this question since the form was shown: theirs stays,
            # the typed values come back with their change named, and the stamp of now.
            form.add_error(None, f"Nothing was saved. {stale.describe('this question', viewer=request.user)} "
                                 "Your changes are still in the form below: save again to replace theirs with "
                                 "yours, or cancel to see theirs.")
            edit.stamp = stamp_of(Question.objects.get(pk=question.pk))
            status = 200 if request.htmx else 409  # htmx swaps in only successful answers
    outline.question_edit = edit
    outline.focus = (_first_error(edit),)
    return render_outline(request, outline, status=status)


def _record_update(request: HttpRequest, version, question: Question, before: dict) -> None:
    after = Question.objects.prefetch_related("choices", "rows").get(pk=question.pk)
    fields = question_changes(before, question_state(after))
    if fields:
        what = ", ".join(f["label"].lower() for f in fields)
        record(request, version, "question_changed",
               f"Changed {question_name(after)} on {page_name(question.page)}: {what}", after, {"fields": fields},
               before)


def _first_error(edit) -> str:
    for name in edit.form.errors:
        return f"q{edit.question.pk}-{name}" if name != "__all__" else f"q{edit.question.pk}-errors"
    for entries in edit.lists:
        if entries.errors:
            return f"{entries.prefix}-add"
        for i, row in enumerate(entries.rows):
            if row.errors:
                return entries.field_id(i, "label")
    return f"q{edit.question.pk}-label"


@outline_change
def question_move(request: HttpRequest, survey: Survey, version: SurveyVersion, question_id: int) -> HttpResponse:
    """To `position` (default: the end) on `page` (default: its own): the Move up / Move
    down buttons, the "Move to page" select and a drag all post here."""
    question = question_in(version, question_id)
    page_id, position = request.POST.get("page", ""), request.POST.get("position", "")
    page = page_in(version, int(page_id)) if page_id.isdigit() else question.page
    target = min(int(position), MAX_POSITION) if position.isdigit() else MAX_POSITION
    before = (question.page.position, question.position)
    try:
        with transaction.atomic():
            moved = editing.question_move(question=question, page=page, position=target)
            _record_move(request, version, moved, before)
    except (EditError, FrozenVersionError) as exc:
        return refused(request, survey, version, _messages(exc), anchor=f"question-{question.pk}")
    # Keep the focus on the button pressed, so that pressing it again moves on.
    button = request.POST.get("button", "")
    if button not in ("up", "down"):
        button = "up" if (page.position, moved.position) < before else "down"
    return done(request, survey, version, anchor=f"question-{question.pk}",
                focus=(f"question-{question.pk}-{button}", f"question-{question.pk}-heading"))


def _record_move(request: HttpRequest, version, moved: Question, before: tuple[int, int]) -> None:
    after = (moved.page.position, moved.position)
    if after == before:  # the same move posted twice: the second changes nothing
        return
    fields = [
        {"name": "page", "label": "Page", "before": str(before[0] + 1), "after": str(after[0] + 1)},
        {"name": "position", "label": "Place on the page", "before": str(before[1] + 1), "after": str(after[1] + 1)},
    ]
    where = f"to place {after[1] + 1} on page {after[0] + 1} (was place {before[1] + 1} on page {before[0] + 1})"
    record(request, version, "question_moved", f"Moved {question_name(moved)} {where}", moved,
           {"fields": [f for f in fields if f["before"] != f["after"]]})


@outline_change
def question_duplicate(request: HttpRequest, survey: Survey, version: SurveyVersion, question_id: int) -> HttpResponse:
    question = question_in(version, question_id)
    try:
        with transaction.atomic():
            copy = editing.question_duplicate(question=question)
            record(request, version, "question_duplicated",
                   f"Duplicated {question_name(question)} as {copy.code}, just after it", copy)
    except (EditError, FrozenVersionError) as exc:
        return refused(request, survey, version, _messages(exc), anchor=f"question-{question.pk}")
    return done(request, survey, version, anchor=f"question-{copy.pk}", focus=(f"question-{copy.pk}-heading",))


@outline_change
def question_delete(request: HttpRequest, survey: Survey, version: SurveyVersion, question_id: int) -> HttpResponse:
    """Delete the question; the outline then offers Undo (which puts it back exactly)."""
    question = question_in(version, question_id)
    named, target = f"{question_name(question)} from {page_name(question.page)}", target_of(question)
    try:
        with transaction.atomic():
            data = editing.question_delete(question=question)
            record(request, version, "question_deleted", f"Deleted {named}", target, {"question": data})
    except (EditError, FrozenVersionError) as exc:
        return refused(request, survey, version, _messages(exc), anchor=f"question-{question.pk}")
    token = remember(request, version, "question", _name(question), data)
    return done(request, survey, version, anchor="outline-undo", focus=("outline-undo-button",), deleted=token)
