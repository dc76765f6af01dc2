"""Results pages, under /results/ (see results.views)."""

from django.urls import path

from results import views

app_name = "results"
urlpatterns = [
    path("", views.survey_index, name="index"),
    path("methods/", views.methods, name="methods"),
    path("<slug:slug>/", views.overview, name="overview"),
    path("<slug:slug>/questions/", views.questions, name="questions"),
    path("<slug:slug>/questions/<slug:code>/", views.question, name="question"),
    path("<slug:slug>/compare/", views.compare, name="compare"),
    path("<slug:slug>/crosstab/", views.crosstab_view, name="crosstab"),
    path("<slug:slug>/version/", views.live_version, name="version"),
    path("<slug:slug>/filters/save/", views.saved_filter_save, name="filter_save"),
    path("<slug:slug>/filters/<int:pk>/delete/", views.saved_filter_delete_view, name="filter_delete"),
]
