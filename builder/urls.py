"""The survey builder's pages, under /build/ (see builder.views)."""

from django.urls import include, path

from builder.views import create, home, publish

app_name = "builder"
urlpatterns = [
    path("", home.surveys_home, name="home"),
    path("new/", create.survey_create, name="create"),
    path("<slug:slug>/publish/", publish.publish_review, name="publish"),
    path("<slug:slug>/new-draft/", publish.draft_create, name="new_draft"),
    path("<slug:slug>/conditions/", include("builder.condition_urls")),
    path("<slug:slug>/", include("builder.outline_urls")),
]
