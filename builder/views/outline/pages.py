"""Page actions of the outline: add, settings (title, condition and random order), move, delete."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from builder.forms.outline import PageForm
from builder.outline_history import page_changes, page_name, record, stale_edit
from builder.problems import ProblemPlaces
from builder.stamps import stamp_of
from builder.views.outline.change import outline_change
from builder.views.outline.deleted import remember
from builder.views.outline.respond import Outline, done, page_form, refused, render_outline
from builder.views.outline.structure import outline_pages, page_in
from surveys import editing
from surveys.editing import EditError, OrderRefused
from surveys.history import target_of
from surveys.models import FrozenVersionError, Page, Survey, SurveyVersion


def _messages(exc: Exception) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


@outline_change
def page_add(request: HttpRequest, survey: Survey, version: SurveyVersion) -> HttpResponse:
    try:
        with transaction.atomic():
            page = editing.page_add(version=version, title=request.POST.get("title", "")[:200])
            record(request, version, "page_added", f"Added {page_name(page)}", page)
    except (EditError, FrozenVersionError) as exc:
        return refused(request, survey, version, _messages(exc))
    return done(request, survey, version, anchor=f"page-{page.pk}", focus=(f"page-{page.pk}-heading",))


@outline_change
def page_update(request: HttpRequest, survey: Survey, version: SurveyVersion, page_id: int) -> HttpResponse:
    """Title (and on a draft the condition), checked against the questions before the page."""
    page = page_in(version, page_id)
    pages = outline_pages(version)
    form = page_form(page, pages, request.POST)
    status = 200
    if form.is_valid():
        try:
            with transaction.atomic():
                stale = stale_edit(version, page, request.POST.get("stamp"))
                if stale is None:
                    before = Page.objects.get(pk=page.pk)
                    editing.page_update(
                        page=page, title=form.cleaned_data["title"], condition=form.cleaned_data.get("condition"),
                        shuffle_questions=form.cleaned_data.get("shuffle_questions"),
                        shuffle_block=form.cleaned_data.get("shuffle_block"),
                    )
                    fields = page_changes(before, page)
                    if fields:
                        what = ", ".join(f["label"].lower() for f in fields)
                        record(request, version, "page_changed", f"Changed {page_name(before)}: {what}", page,
                               {"fields": fields})
        except OrderRefused as exc:
            _order_refused(form, survey, version, before, exc)
        except (EditError, FrozenVersionError) as exc:
            form.add_error(None, _messages(exc))
        else:
            if stale is None:
                return done(request, survey, version, anchor=f"page-{page.pk}", focus=(f"page-{page.pk}-heading",))
            form.add_error(None, f"Nothing was saved. {stale.describe('this page', viewer=request.user)} Your "
                                 "changes are still in the form below: save again to replace theirs with yours, or "
                                 "cancel to see theirs.")
            form.edit_stamp = stamp_of(Page.objects.get(pk=page.pk))
            status = 200 if request.htmx else 409  # htmx swaps in only successful answers
    first_error = next((name for name in form.errors if name != "__all__"), "title")
    return render_outline(request, Outline(survey, version, editable=True, pages=pages, page_form=form,
                                           focus=(f"page{page.pk}-{first_error}",)), status=status)


def _order_refused(form: PageForm, survey: Survey, version: SurveyVersion, before: Page, exc: OrderRefused) -> None:
    """The import's refusals of a random order at the field that asked for it, each naming
    the question (or page) whose condition or text names a question drawn with it."""
    places = ProblemPlaces(survey, version)
    field = "shuffle_block" if form.cleaned_data.get("shuffle_block") != before.shuffle_block else "shuffle_questions"
    for error in exc.errors:
        form.add_error(field, f"Not in a random order: {places.problem(error)}")


@outline_change
def page_move(request: HttpRequest, survey: Survey, version: SurveyVersion, page_id: int) -> HttpResponse:
    page = page_in(version, page_id)
    try:
        position = int(request.POST.get("position", ""))
    except ValueError:
        return refused(request, survey, version, "Choose where to move the page.", anchor=f"page-{page.pk}")
    direction = "up" if position < page.position else "down"
    name, before = page_name(page), page.position
    try:
        with transaction.atomic():
            moved = editing.page_move(page=page, position=position)
            if moved.position != before:  # the same move posted twice changes nothing
                record(request, version, "page_moved", f"Moved {name} to place {moved.position + 1}", moved,
                       {"fields": [{"name": "position", "label": "Place", "before": str(before + 1),
                                    "after": str(moved.position + 1)}]})
    except (EditError, FrozenVersionError) as exc:
        return refused(request, survey, version, _messages(exc), anchor=f"page-{page.pk}")
    return done(request, survey, version, anchor=f"page-{page.pk}",
                focus=(f"page-{page.pk}-{direction}", f"page-{page.pk}-heading"))


@outline_change
def page_delete(request: HttpRequest, survey: Survey, version: SurveyVersion, page_id: int) -> HttpResponse:
    """Delete a page with its questions; the outline then offers Undo."""
    page = page_in(version, page_id)
    name = f"Page “{page.title}”" if page.title else f"Page {page.position + 1}"
    # Read before the delete, which empties the page's primary key.
    named, target = page_name(page), target_of(page)
    try:
        with transaction.atomic():
            data = editing.page_delete(page=page)
            count = len(data["questions"])
            questions = f" and its {count} question{'s' if count != 1 else ''}" if count else ""
            label = f"{name}{questions}"
            record(request, version, "page_deleted", f"Deleted {named}{questions}", target, {"page": data})
    except (EditError, FrozenVersionError) as exc:
        return refused(request, survey, version, _messages(exc), anchor=f"page-{page.pk}")
    token = remember(request, version, "page", label, data)
    return done(request, survey, version, anchor="outline-undo", focus=("outline-undo",), deleted=token)
