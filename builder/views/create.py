from django.http import Http404

from builder.access import builder_view


@builder_view
def survey_create(request):
    raise Http404("Not built yet.")
