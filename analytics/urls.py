"""Results pages, under /results/ (see analytics.views)."""

from django.urls import path

from analytics import views

app_name = "analytics"
urlpatterns = [
    path("methods/", views.methods, name="methods"),
    path("<slug:slug>/", views.overview, name="overview"),
    path("<slug:slug>/questions/", views.questions, name="questions"),
    path("<slug:slug>/questions/<slug:code>/", views.question, name="question"),
    path("<slug:slug>/compare/", views.compare, name="compare"),
    path("<slug:slug>/crosstab/", views.crosstab_view, name="crosstab"),
    path("<slug:slug>/version/", views.live_version, name="version"),
]
