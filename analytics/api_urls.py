from django.urls import path

from analytics import api

app_name = "analytics_api"
urlpatterns = [
    path("surveys/<slug:slug>/findings/", api.FindingsView.as_view(), name="findings"),
]
