from django.urls import path

from responses import api

app_name = "api"
urlpatterns = [
    path("surveys/<slug:slug>/", api.SurveyDefinitionView.as_view(), name="survey"),
    path("surveys/<slug:slug>/responses/", api.ResponseCreateView.as_view(), name="responses"),
]
