from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from core.framing import framed_by_app
from surveys.models import SurveyVersion
from surveys.piping import readable_survey
from surveys.selectors import listed_surveys, version_definition


def home(request):
    # A public page: it names only the surveys chosen to be listed, never an invitation-only one.
    return render(request, "surveys/home.html", {"surveys": listed_surveys()})


@framed_by_app
@staff_member_required
@permission_required("surveys.view_survey", raise_exception=True)
def version_preview(request, version_id: int):
    """A read-only rendering of a version's structure for the survey's editors."""
    version = get_object_or_404(SurveyVersion.objects.select_related("survey"), pk=version_id)
    if not version.survey.is_editable_by(request.user):
        raise Http404("No such version.")
    return render(
        request,
        "surveys/preview.html",
        {"version": version, "definition": readable_survey(version_definition(version))},
    )
