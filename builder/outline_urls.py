"""The outline editor of one survey's structure, under /build/<slug>/ (builder.views.outline)."""

from django.urls import path

from builder.views import outline

urlpatterns = [
    path("", outline.survey_outline, name="outline"),
    path("texts/", outline.texts_update, name="texts_update"),
    path("pages/add/", outline.page_add, name="page_add"),
    path("pages/<int:page_id>/", outline.page_update, name="page_update"),
    path("pages/<int:page_id>/move/", outline.page_move, name="page_move"),
    path("pages/<int:page_id>/delete/", outline.page_delete, name="page_delete"),
    path("pages/<int:page_id>/questions/add/", outline.question_add, name="question_add"),
    path("questions/<int:question_id>/", outline.question_edit, name="question_edit"),
    path("questions/<int:question_id>/move/", outline.question_move, name="question_move"),
    path("questions/<int:question_id>/duplicate/", outline.question_duplicate, name="question_duplicate"),
    path("questions/<int:question_id>/delete/", outline.question_delete, name="question_delete"),
    path("undo/", outline.deleted_restore, name="deleted_restore"),
    path("check/condition/", outline.condition_check, name="condition_check"),
]
