"""What every change to the outline starts with: an editor of the survey (else 403 or
404, `builder.access`), a POST, the version being edited, and the form's `once` token
(a form posted a second time answers with the outline, changing nothing)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from builder.access import builder_view, editable_survey
from builder.views.outline.respond import again, once
from builder.views.outline.structure import version_for_change
from surveys.models import Survey, SurveyVersion


def edited(request: HttpRequest, slug: str) -> tuple[Survey, SurveyVersion]:
    """The survey (which the user must be allowed to change) and the version the outline edits."""
    survey = editable_survey(request.user, slug)
    return survey, version_for_change(survey)


def outline_change(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`view(request, survey, version, **url_kwargs)`, for a POST of a form shown once."""

    @builder_view
    @require_POST
    @wraps(view)
    def wrapped(request: HttpRequest, slug: str, **kwargs) -> HttpResponse:
        survey, version = edited(request, slug)
        if not once(request):
            return again(request, survey, version)
        return view(request, survey, version, **kwargs)

    return wrapped
