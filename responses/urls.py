from django.urls import path

from responses import views

app_name = "responses"
urlpatterns = [
    # Personal invitation links; invitations.urls serves i/<token>/opt-out/.
    path("i/<str:token>/", views.invitation_form, name="invitation"),
    path("i/<str:token>/thanks/", views.invitation_thanks, name="invitation_thanks"),
    path("s/<slug:slug>/", views.survey_form, name="form"),
    path("s/<slug:slug>/thanks/", views.survey_thanks, name="thanks"),
    path("s/<slug:slug>/resume/<str:token>/", views.survey_resume, name="resume"),
    path("s/<slug:slug>/preview/<int:version_id>/", views.survey_preview, name="preview"),
    path("s/<slug:slug>/preview/<int:version_id>/thanks/", views.preview_thanks, name="preview_thanks"),
    path("s/<slug:slug>/preview/<int:version_id>/resume/<str:token>/", views.preview_resume, name="preview_resume"),
    path("s/<slug:slug>/preview/<int:version_id>/restart/", views.preview_restart, name="preview_restart"),
    path(
        "s/<slug:slug>/preview/<int:version_id>/delete-test-responses/",
        views.delete_test_responses,
        name="delete_test_responses",
    ),
]
