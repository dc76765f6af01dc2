from django.urls import path

from responses.views import invitation, preview, public, resume

app_name = "responses"
urlpatterns = [
    # Personal invitation links; invitations.urls serves i/<token>/opt-out/.
    path("i/<str:token>/", invitation.invitation_form, name="invitation"),
    path("i/<str:token>/p/<int:page>/", invitation.invitation_form, name="invitation_page"),
    path("i/<str:token>/saved/", invitation.invitation_saved, name="invitation_saved"),
    path("i/<str:token>/thanks/", invitation.invitation_thanks, name="invitation_thanks"),
    path("s/<slug:slug>/", public.survey_form, name="form"),
    path("s/<slug:slug>/p/<int:page>/", public.survey_form, name="page"),
    path("s/<slug:slug>/saved/", public.survey_saved, name="saved"),
    path("s/<slug:slug>/thanks/", public.survey_thanks, name="thanks"),
    # Before resume/<token>/, which "email" would match.
    path("s/<slug:slug>/resume/email/", resume.resume_email, name="resume_email"),
    path("s/<slug:slug>/resume/email/sent/", resume.resume_email_sent, name="resume_email_sent"),
    path("s/<slug:slug>/resume/<str:token>/", public.survey_resume, name="resume"),
    path("r/<str:token>/", resume.resume_short, name="resume_short"),
    path("s/<slug:slug>/preview/<int:version_id>/", preview.survey_preview, name="preview"),
    path("s/<slug:slug>/preview/<int:version_id>/p/<int:page>/", preview.survey_preview, name="preview_page"),
    path("s/<slug:slug>/preview/<int:version_id>/saved/", preview.preview_saved, name="preview_saved"),
    path("s/<slug:slug>/preview/<int:version_id>/thanks/", preview.preview_thanks, name="preview_thanks"),
    path("s/<slug:slug>/preview/<int:version_id>/resume/<str:token>/", preview.preview_resume, name="preview_resume"),
    path("s/<slug:slug>/preview/<int:version_id>/restart/", preview.preview_restart, name="preview_restart"),
    path(
        "s/<slug:slug>/preview/<int:version_id>/delete-test-responses/",
        preview.delete_test_responses,
        name="delete_test_responses",
    ),
]
