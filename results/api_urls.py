from django.urls import path

from results import api, responses_api

app_name = "results_api"
urlpatterns = [
    path("surveys/<slug:slug>/findings/", api.FindingsView.as_view(), name="findings"),
    # The intake's address: this view also takes its POSTs (see results.responses_api).
    path("surveys/<slug:slug>/responses/", responses_api.ResponsesView.as_view(), name="responses"),
]
