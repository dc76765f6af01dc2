from django.urls import path

from responses import views

app_name = "responses"
urlpatterns = [
    path("s/<slug:slug>/", views.survey_form, name="form"),
]
