"""The outline page itself, and the version's intro and thank-you texts."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from builder.access import builder_view, survey_for_builder
from builder.outline_history import record
from builder.stamps import StaleEdit, check_stamp, stamp_of, text_snapshot, text_target
from builder.views.outline import deleted as kept_deleted
from builder.views.outline.change import outline_change
from builder.views.outline.respond import (
    Outline,
    done,
    page_form,
    question_edit_state,
    render_outline,
    texts_forms,
)
from builder.views.outline.structure import edited_version, outline_pages
from surveys.editing import version_texts_update
from surveys.history import field_changes
from surveys.models import Survey, SurveyVersion

TEXT_NAMES = {"intro": "Introduction", "thank_you": "Thank-you text"}


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@builder_view
def survey_outline(request: HttpRequest, slug: str) -> HttpResponse:
    """`?edit=<question>` opens a question's form, `?page=<page>` a page's settings,
    `?deleted=<token>` offers to undo that delete."""
    survey, editable = survey_for_builder(request.user, slug)
    version = edited_version(survey)
    if version is None:
        return render(request, "builder/outline_empty.html", {"survey": survey, "editable": editable,
                                                               "active": "home"})
    version.survey = survey
    outline = Outline(survey, version, editable=editable, pages=outline_pages(version))
    focus = request.GET.get("focus", "")
    outline.focus = (focus,) if focus else ()
    if editable:
        edit, page_id = _int(request.GET.get("edit")), _int(request.GET.get("page"))
        question = next((q for p in outline.pages for q in p.questions.all() if q.pk == edit), None)
        if question is not None:
            outline.question_edit = question_edit_state(question, outline.pages)
            outline.focus = (f"q{question.pk}-label",)
        page = next((p for p in outline.pages if p.pk == page_id), None)
        if page is not None:
            outline.page_form = page_form(page, outline.pages)
            outline.focus = (f"page{page.pk}-title",)
        token = request.GET.get("deleted")
        if token:
            outline.deleted = kept_deleted.recall(request, version, token)
            if outline.deleted:
                outline.focus = ("outline-undo",)
    return render_outline(request, outline)


@outline_change
def texts_update(request: HttpRequest, survey: Survey, version: SurveyVersion) -> HttpResponse:
    """The intro or the thank-you text (wording: saved on a published version too)."""
    which = "thank_you" if "thank_you" in request.POST else "intro"
    forms = texts_forms(version, request.POST, which)
    if not forms[which].is_valid():
        return render_outline(request, Outline(survey, version, editable=True, texts=forms,
                                               focus=(f"texts-{which}-{which}",)))
    with transaction.atomic():
        before = getattr(SurveyVersion.objects.select_for_update().get(pk=version.pk), which)
        stale = check_stamp(text_snapshot(version, which, before), request.POST.get("stamp"))
        if stale is not None:
            return _text_refused(request, survey, version, which, stale)
        version_texts_update(version=version, **{which: forms[which].cleaned_data[which]})
        after = getattr(SurveyVersion.objects.get(pk=version.pk), which)
        fields = field_changes({which: before}, {which: after}, {which: TEXT_NAMES[which]})
        if fields:
            record(request, version, "texts_changed", f"Changed the {TEXT_NAMES[which].lower()} of version "
                   f"{version.number}", text_target(version, which), {"fields": fields})
    # The service wrote a locked copy of the row: the outline shown next (htmx) must show
    # the text as saved, not as read before.
    version.refresh_from_db(fields=["intro", "thank_you", "updated_at"])
    return done(request, survey, version, anchor=f"texts-{which}", focus=(f"texts-{which}-heading",))


def _text_refused(request: HttpRequest, survey, version: SurveyVersion, which: str, stale: StaleEdit) -> HttpResponse:
    """Another editor saved this text since its form was shown: theirs stays, the typed
    text comes back with their change named and the stamp of now (saving again is a choice)."""
    version.refresh_from_db(fields=["intro", "thank_you", "updated_at"])
    forms = texts_forms(version, request.POST, which)
    form = forms[which]
    form.is_valid()
    told = stale.describe(f"the {TEXT_NAMES[which].lower()}", viewer=request.user)
    form.add_error(which, f"Nothing was saved. {told} Your text is still in the box: save again to replace theirs "
                          "with yours.")
    form.edit_stamp = stamp_of(text_snapshot(version, which))
    outline = Outline(survey, version, editable=True, texts=forms, focus=(f"texts-{which}-{which}",))
    return render_outline(request, outline, status=200 if request.htmx else 409)  # htmx swaps in only successes
