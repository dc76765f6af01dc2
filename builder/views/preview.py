"""The preview beside the editor (/build/<slug>/preview/): the version being edited in
test mode, at a phone's width and a desktop's, in frames of this page (the framed views
allow it: core.framing). `?show=questions` shows the structure preview (every question
on one page) instead of the form.

Test mode is for a survey's editors (responses.views.preview), so this page is too.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from builder.access import builder_view, editable_survey
from surveys.models import Survey, SurveyVersion
from surveys.selectors import latest_version

FORM, QUESTIONS = "form", "questions"


def preview_version(survey: Survey) -> SurveyVersion | None:
    """The version the outline edits: the draft, else the open one, else the newest."""
    return survey.draft_version() or latest_version(survey)


@builder_view
@require_GET
def survey_preview(request: HttpRequest, slug: str) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    show = QUESTIONS if request.GET.get("show") == QUESTIONS else FORM
    return render(request, "builder/preview.html", {
        "survey": survey,
        "preview_version": preview_version(survey),
        "preview_show": show,
    })
