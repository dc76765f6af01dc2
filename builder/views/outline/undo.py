"""Undo of a deleted question or page: `surveys.editing` puts back what its delete
returned, kept in the session (`deleted`)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from builder.outline_history import page_name, question_name, record
from builder.views.outline.change import outline_change
from builder.views.outline.deleted import forget, recall
from builder.views.outline.respond import done, refused
from surveys.editing import EditError, page_restore, question_restore
from surveys.models import FrozenVersionError, Survey, SurveyVersion


@outline_change
def deleted_restore(request: HttpRequest, survey: Survey, version: SurveyVersion) -> HttpResponse:
    deleted = recall(request, version, request.POST.get("token", ""))
    if deleted is None:
        return refused(request, survey, version, "There is nothing to undo any more.")
    try:
        with transaction.atomic():
            if deleted["kind"] == "page":
                restored = page_restore(version=version, data=deleted["data"])
                anchor, focus = f"page-{restored.pk}", f"page-{restored.pk}-heading"
                count = len(deleted["data"]["questions"])
                questions = f" with its {count} question{'s' if count != 1 else ''}" if count else ""
                record(request, version, "page_restored", f"Restored the deleted {page_name(restored)}{questions}",
                       restored)
            else:
                restored = question_restore(version=version, data=deleted["data"])
                anchor, focus = f"question-{restored.pk}", f"question-{restored.pk}-heading"
                record(request, version, "question_restored",
                       f"Restored the deleted {question_name(restored)} on {page_name(restored.page)}", restored)
    except (EditError, FrozenVersionError) as exc:
        return refused(request, survey, version, " ".join(getattr(exc, "messages", [str(exc)])))
    forget(request, deleted["token"])
    messages.success(request, f"{deleted['label']} restored.")
    return done(request, survey, version, anchor=anchor, focus=(focus,))
