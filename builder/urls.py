"""The survey builder's pages, under /build/ (see builder.views)."""

from django.urls import include, path

from builder.views import create, definition, hidden, history, home, preview, publish, screen_outs, settings

app_name = "builder"
urlpatterns = [
    path("", home.surveys_home, name="home"),
    path("new/", create.survey_create, name="create"),
    path("<slug:slug>/publish/", publish.publish_review, name="publish"),
    path("<slug:slug>/new-draft/", publish.draft_create, name="new_draft"),
    path("<slug:slug>/settings/", settings.survey_settings, name="settings"),
    path("<slug:slug>/settings/quota-add/", settings.quota_add, name="settings_quota_add"),
    path("<slug:slug>/settings/quotas/<slug:code>/", settings.quota_update, name="settings_quota"),
    path("<slug:slug>/settings/quotas/<slug:code>/remove/", settings.quota_remove, name="settings_quota_remove"),
    path("<slug:slug>/settings/close/", settings.version_close, name="settings_close"),
    path("<slug:slug>/settings/reopen/", settings.version_reopen, name="settings_reopen"),
    path("<slug:slug>/settings/archive/", settings.archive, name="settings_archive"),
    path("<slug:slug>/settings/unarchive/", settings.unarchive, name="settings_unarchive"),
    path("<slug:slug>/hidden/", hidden.hidden_fields, name="hidden"),
    path("<slug:slug>/hidden/add/", hidden.hidden_add, name="hidden_add"),
    path("<slug:slug>/hidden/<int:pk>/", hidden.hidden_update, name="hidden_update"),
    path("<slug:slug>/hidden/<int:pk>/delete/", hidden.hidden_delete, name="hidden_delete"),
    path("<slug:slug>/screen-outs/", screen_outs.screen_outs, name="screen_outs"),
    path("<slug:slug>/screen-outs/add/", screen_outs.screen_out_add, name="screen_out_add"),
    path("<slug:slug>/screen-outs/<int:pk>/", screen_outs.screen_out_update, name="screen_out_update"),
    path("<slug:slug>/screen-outs/<int:pk>/delete/", screen_outs.screen_out_delete, name="screen_out_delete"),
    path("<slug:slug>/yaml/", definition.definition_file, name="yaml"),
    path("<slug:slug>/yaml/download/", definition.definition_download, name="yaml_download"),
    path("<slug:slug>/preview/", preview.survey_preview, name="preview"),
    path("<slug:slug>/conditions/", include("builder.condition_urls")),
    path("<slug:slug>/findings/", include("builder.findings_urls")),
    path("<slug:slug>/history/", history.survey_history, name="history"),
    path("<slug:slug>/history/<int:change_id>/undo/", history.history_undo, name="history_undo"),
    path("<slug:slug>/", include("builder.outline_urls")),
]
