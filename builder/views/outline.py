from django.http import Http404

from builder.access import builder_view


@builder_view
def survey_outline(request, slug: str):
    raise Http404("Not built yet.")
