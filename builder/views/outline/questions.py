"""Question actions of the outline: add from the palette, edit (with its choices and rows),
move (buttons, drag, to another page), duplicate, delete."""

from __future__ import annotations

from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from builder.access import builder_view, editable_survey
from builder.forms.entries import ListOp
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
from builder.views.outline.structure import find_question, outline_pages, page_in, question_in, version_for_change
from surveys import editing
from surveys.editing import EditError
from surveys.models import FrozenVersionError
from surveys.types import TYPES

MAX_POSITION = 100_000


def _messages(exc: Exception) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


def _name(question) -> str:
    return f"Question “{question.label}”" if question.label else f"Question {question.code}"


@builder_view
@require_POST
def question_add(request: HttpRequest, slug: str, page_id: int) -> HttpResponse:
    """A question of the chosen type at the end of the page, opened in its edit form."""
    survey = editable_survey(request.user, slug)
    version = version_for_change(survey)
    page = page_in(version, page_id)
    if not once(request):
        return again(request, survey, version)
    kind = request.POST.get("type", "")
    if kind not in TYPES:
        return refused(request, survey, version, "Choose a type of question.", anchor=f"page-{page.pk}")
    try:
        question = editing.question_add(version=version, page=page, type=kind)
    except (EditError, FrozenVersionError) as exc:
        return refused(request, survey, version, _messages(exc), anchor=f"page-{page.pk}")
    return done(request, survey, version, anchor=f"question-{question.pk}", focus=(f"q{question.pk}-label",),
                edit=question.pk)


@builder_view
def question_edit(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    """Save the question's form, or (`op` = e.g. `choices-add`, `rows-up-2`) change its
    lists and show the form again without saving."""
    survey = editable_survey(request.user, slug)
    version = version_for_change(survey)
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
    if form.is_valid() and None not in cleaned.values():
        try:
            editing.question_update(question=question, **form.changes(), **cleaned)
        except (EditError, FrozenVersionError) as exc:
            form.add_error(None, _messages(exc))
        except IntegrityError:  # another editor took the code meanwhile
            form.add_error("code", "Another question already has this code.")
        else:
            return done(request, survey, version, anchor=f"question-{question.pk}",
                        focus=(f"question-{question.pk}-heading",))
    outline.question_edit = edit
    outline.focus = (_first_error(edit),)
    return render_outline(request, outline)


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


@builder_view
@require_POST
def question_move(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    """To `position` (default: the end) on `page` (default: its own): the Move up / Move
    down buttons, the "Move to page" select and a drag all post here."""
    survey = editable_survey(request.user, slug)
    version = version_for_change(survey)
    question = question_in(version, question_id)
    if not once(request):
        return again(request, survey, version)
    page_id, position = request.POST.get("page", ""), request.POST.get("position", "")
    page = page_in(version, int(page_id)) if page_id.isdigit() else question.page
    target = min(int(position), MAX_POSITION) if position.isdigit() else MAX_POSITION
    before = (question.page.position, question.position)
    try:
        moved = editing.question_move(question=question, page=page, position=target)
    except (EditError, FrozenVersionError) as exc:
        return refused(request, survey, version, _messages(exc), anchor=f"question-{question.pk}")
    # Keep the focus on the button pressed, so that pressing it again moves on.
    button = request.POST.get("button", "")
    if button not in ("up", "down"):
        button = "up" if (page.position, moved.position) < before else "down"
    return done(request, survey, version, anchor=f"question-{question.pk}",
                focus=(f"question-{question.pk}-{button}", f"question-{question.pk}-heading"))


@builder_view
@require_POST
def question_duplicate(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    version = version_for_change(survey)
    question = question_in(version, question_id)
    if not once(request):
        return again(request, survey, version)
    try:
        copy = editing.question_duplicate(question=question)
    except (EditError, FrozenVersionError) as exc:
        return refused(request, survey, version, _messages(exc), anchor=f"question-{question.pk}")
    return done(request, survey, version, anchor=f"question-{copy.pk}", focus=(f"question-{copy.pk}-heading",))


@builder_view
@require_POST
def question_delete(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    """Delete the question; the outline then offers Undo (which puts it back exactly)."""
    survey = editable_survey(request.user, slug)
    version = version_for_change(survey)
    question = question_in(version, question_id)
    if not once(request):
        return again(request, survey, version)
    try:
        data = editing.question_delete(question=question)
    except (EditError, FrozenVersionError) as exc:
        return refused(request, survey, version, _messages(exc), anchor=f"question-{question.pk}")
    token = remember(request, version, "question", _name(question), data)
    return done(request, survey, version, anchor="outline-undo", focus=("outline-undo-button",), deleted=token)
