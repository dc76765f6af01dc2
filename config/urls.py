from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from ops.views import healthz

urlpatterns = [
    path("admin/", include("nested_admin.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/v1/", include("responses.api_urls")),
    path("api/v1/", include("analytics.api_urls")),
    path("results/", include("analytics.export_urls")),
    path("results/", include("analytics.urls")),
    path("", include("invitations.urls")),
    path("", include("responses.urls")),
    path("", include("surveys.urls")),
]
