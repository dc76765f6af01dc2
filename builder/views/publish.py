from django.http import Http404

from builder.access import builder_view


@builder_view
def publish_review(request, slug: str):
    raise Http404("Not built yet.")


@builder_view
def draft_create(request, slug: str):
    raise Http404("Not built yet.")
