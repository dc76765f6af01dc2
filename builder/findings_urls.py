"""The findings page of one survey, under /build/<slug>/findings/: findings, NETs and
saved views (builder.views.reporting)."""

from django.urls import path

from builder.views.reporting import findings, nets, page, saved_views

urlpatterns = [
    path("", page.findings_page, name="findings"),
    path("add/", findings.finding_add, name="findings_add"),
    path("preview/", findings.preview, name="findings_preview"),
    path("<int:pk>/", findings.finding_update, name="findings_update"),
    path("<int:pk>/move/", findings.finding_move, name="findings_move"),
    path("<int:pk>/delete/", findings.finding_delete, name="findings_delete"),
    path("nets/add/<slug:question>/", nets.net_add, name="nets_add"),
    path("nets/<int:pk>/", nets.net_update, name="nets_update"),
    path("nets/<int:pk>/move/", nets.net_move, name="nets_move"),
    path("nets/<int:pk>/delete/", nets.net_delete, name="nets_delete"),
    path("views/add/", saved_views.view_add, name="views_add"),
    path("views/highlight/", saved_views.highlight_choices, name="views_highlight"),
    path("views/<int:pk>/", saved_views.view_update, name="views_update"),
    path("views/<int:pk>/move/", saved_views.view_move, name="views_move"),
    path("views/<int:pk>/delete/", saved_views.view_delete, name="views_delete"),
]
