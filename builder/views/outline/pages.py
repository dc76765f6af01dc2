"""Page actions of the outline: add, settings (title and condition), move, delete."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from builder.access import builder_view, editable_survey
from builder.views.outline.deleted import remember
from builder.views.outline.respond import Outline, again, done, once, page_form, refused, render_outline
from builder.views.outline.structure import outline_pages, page_in, version_for_change
from surveys import editing
from surveys.editing import EditError
from surveys.models import FrozenVersionError


def _messages(exc: Exception) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


@builder_view
@require_POST
def page_add(request: HttpRequest, slug: str) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    version = version_for_change(survey)
    if not once(request):
        return again(request, survey, version)
    try:
        page = editing.page_add(version=version, title=request.POST.get("title", "")[:200])
    except (EditError, FrozenVersionError) as exc:
        return refused(request, survey, version, _messages(exc))
    return done(request, survey, version, anchor=f"page-{page.pk}", focus=(f"page-{page.pk}-heading",))


@builder_view
@require_POST
def page_update(request: HttpRequest, slug: str, page_id: int) -> HttpResponse:
    """Title (and on a draft the condition), checked against the questions before the page."""
    survey = editable_survey(request.user, slug)
    version = version_for_change(survey)
    page = page_in(version, page_id)
    if not once(request):
        return again(request, survey, version)
    pages = outline_pages(version)
    form = page_form(page, pages, request.POST)
    if form.is_valid():
        try:
            editing.page_update(
                page=page, title=form.cleaned_data["title"], condition=form.cleaned_data.get("condition")
            )
        except (EditError, FrozenVersionError) as exc:
            form.add_error(None, _messages(exc))
        else:
            return done(request, survey, version, anchor=f"page-{page.pk}", focus=(f"page-{page.pk}-heading",))
    first_error = next((name for name in form.errors if name != "__all__"), "title")
    return render_outline(request, Outline(survey, version, editable=True, pages=pages, page_form=form,
                                           focus=(f"page{page.pk}-{first_error}",)))


@builder_view
@require_POST
def page_move(request: HttpRequest, slug: str, page_id: int) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    version = version_for_change(survey)
    page = page_in(version, page_id)
    if not once(request):
        return again(request, survey, version)
    try:
        position = int(request.POST.get("position", ""))
    except ValueError:
        return refused(request, survey, version, "Choose where to move the page.", anchor=f"page-{page.pk}")
    direction = "up" if position < page.position else "down"
    try:
        editing.page_move(page=page, position=position)
    except (EditError, FrozenVersionError) as exc:
        return refused(request, survey, version, _messages(exc), anchor=f"page-{page.pk}")
    return done(request, survey, version, anchor=f"page-{page.pk}",
                focus=(f"page-{page.pk}-{direction}", f"page-{page.pk}-heading"))


@builder_view
@require_POST
def page_delete(request: HttpRequest, slug: str, page_id: int) -> HttpResponse:
    """Delete a page with its questions; the outline then offers Undo."""
    survey = editable_survey(request.user, slug)
    version = version_for_change(survey)
    page = page_in(version, page_id)
    if not once(request):
        return again(request, survey, version)
    name = f"Page “{page.title}”" if page.title else f"Page {page.position + 1}"
    try:
        data = editing.page_delete(page=page)
    except (EditError, FrozenVersionError) as exc:
        return refused(request, survey, version, _messages(exc), anchor=f"page-{page.pk}")
    count = len(data["questions"])
    label = f"{name} and its {count} question{'s' if count != 1 else ''}" if count else name
    token = remember(request, version, "page", label, data)
    return done(request, survey, version, anchor="outline-undo", focus=("outline-undo",), deleted=token)
