"""Undo of a deleted question or page: `surveys.editing` puts back what its delete
returned, kept in the session (`deleted`)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from builder.access import builder_view, editable_survey
from builder.views.outline.deleted import forget, recall
from builder.views.outline.respond import again, done, once, refused
from builder.views.outline.structure import version_for_change
from surveys.editing import EditError, page_restore, question_restore
from surveys.models import FrozenVersionError


@require_POST
@builder_view
def deleted_restore(request: HttpRequest, slug: str) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    version = version_for_change(survey)
    if not once(request):
        return again(request, survey, version)
    deleted = recall(request, version, request.POST.get("token", ""))
    if deleted is None:
        return refused(request, survey, version, "There is nothing to undo any more.")
    try:
        if deleted["kind"] == "page":
            restored = page_restore(version=version, data=deleted["data"])
            anchor, focus = f"page-{restored.pk}", f"page-{restored.pk}-heading"
        else:
            restored = question_restore(version=version, data=deleted["data"])
            anchor, focus = f"question-{restored.pk}", f"question-{restored.pk}-heading"
    except (EditError, FrozenVersionError) as exc:
        return refused(request, survey, version, " ".join(getattr(exc, "messages", [str(exc)])))
    forget(request, deleted["token"])
    messages.success(request, f"{deleted['label']} restored.")
    return done(request, survey, version, anchor=anchor, focus=(focus,))
