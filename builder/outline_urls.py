"""The outline editor of one survey's structure, under /build/<slug>/."""

from django.urls import path

from builder.views import outline

urlpatterns = [
    path("", outline.survey_outline, name="outline"),
]
