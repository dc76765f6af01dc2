from django.urls import path

from surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.home, name="home"),
    path("preview/<int:version_id>/", views.version_preview, name="preview"),
]
