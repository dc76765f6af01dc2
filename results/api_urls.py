from django.urls import path

from results import api

app_name = "results_api"
urlpatterns = [
    path("surveys/<slug:slug>/findings/", api.FindingsView.as_view(), name="findings"),
]
