"""The condition picker's pages, under /build/<slug>/conditions/ (names prefixed `condition_`)."""

from django.urls import path

from builder.views import conditions

urlpatterns = [
    path("question/<int:pk>/", conditions.question_condition, name="condition_question"),
    path("page/<int:pk>/", conditions.page_condition, name="condition_page"),
    path("preview/", conditions.condition_preview, name="condition_preview"),
]
