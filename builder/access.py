"""Who reaches the survey builder (README, "Roles").

- Anonymous users go to the sign-in page.
- Signed-in users without the permission to see survey definitions (results viewers,
  outsiders) get 403: the builder is not theirs.
- A survey they may edit (an editor of it with the change permission, or a superuser)
  opens editable; one they may only see (shared with them for results) opens read-only;
  any other survey is 404, as if it did not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from surveys.models import Survey

BUILDER_PERMISSION = "surveys.view_survey"


def builder_view(view: Callable) -> Callable:
    """A builder page: signed in (else the sign-in page) with the builder permission (else 403)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm(BUILDER_PERMISSION):
            raise PermissionDenied("The survey builder is for survey managers.")
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def can_edit(user, survey: Survey) -> bool:
    return user.has_perm("surveys.change_survey") and survey.is_editable_by(user)


def survey_for_builder(user, slug: str) -> tuple[Survey, bool]:
    """The survey and whether the user may change it (False: read-only); 404 if unseen."""
    survey = Survey.objects.filter(slug=slug).first()
    if survey is None:
        raise Http404("No such survey.")
    if can_edit(user, survey):
        return survey, True
    if survey.is_shared_with(user) and user.has_perm("surveys.view_results"):
        return survey, False
    raise Http404("No such survey.")


def editable_survey(user, slug: str) -> Survey:
    """The survey for a change: 404 if unseen, 403 if the user may only look at it."""
    survey, editable = survey_for_builder(user, slug)
    if not editable:
        raise PermissionDenied("You may look at this survey but not change it.")
    return survey
