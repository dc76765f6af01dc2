from django.http import Http404

from builder.access import builder_view


@builder_view
def surveys_home(request):
    raise Http404("Not built yet.")
