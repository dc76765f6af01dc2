"""Who may see a survey's results: the results permission, and the survey shared with the
user (directly or through a group) or the global "view all results" permission.

Unknown survey or not shared: 404 (its existence is not revealed); no results permission
at all: 403."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from surveys.models import Survey


def survey_for_results(user, slug: str) -> Survey:
    survey = Survey.objects.filter(slug=slug).first()
    if not (user.has_perm("surveys.view_results") or user.has_perm("surveys.view_all_results")):
        raise PermissionDenied("You do not have permission to view results.")
    if survey is None or not survey.is_shared_with(user):
        raise Http404("No such survey.")
    return survey
