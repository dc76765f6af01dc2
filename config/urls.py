from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from ops.views import healthz
from responses.api_errors import NotFoundView, SchemaView

# Django's own 400 and 500 answers, as JSON in the API's envelope under /api/.
handler400 = "responses.api_errors.bad_request"
handler500 = "responses.api_errors.server_error"

urlpatterns = [
    path("admin/", include("nested_admin.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    # Results first: its responses view answers GET and the intake's POST at the same address.
    path("api/v1/", include("results.api_urls")),
    path("api/v1/", include("responses.api_urls")),
    re_path(r"^api/", NotFoundView.as_view(), name="api_not_found"),  # after every API route
    path("build/", include("builder.urls")),
    path("results/", include("results.export_urls")),
    path("results/", include("results.urls")),
    path("", include("invitations.urls")),
    path("", include("responses.urls")),
    path("", include("surveys.urls")),
]
