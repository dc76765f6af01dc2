from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, render

from surveys.models import Survey, SurveyVersion
from surveys.selectors import version_definition


def home(request):
    surveys = Survey.objects.filter(versions__status=SurveyVersion.Status.OPEN).distinct()
    return render(request, "surveys/home.html", {"surveys": surveys})


@staff_member_required
@permission_required("surveys.view_survey", raise_exception=True)
def version_preview(request, version_id: int):
    """A read-only rendering of a version's structure for survey managers."""
    version = get_object_or_404(SurveyVersion.objects.select_related("survey"), pk=version_id)
    return render(
        request,
        "surveys/preview.html",
        {"version": version, "definition": version_definition(version)},
    )
