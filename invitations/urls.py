from django.urls import path

from invitations import views

app_name = "invitations"
urlpatterns = [
    path("i/<str:token>/opt-out/", views.opt_out, name="opt_out"),
]
