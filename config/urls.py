from django.contrib import admin
from django.urls import include, path

from ops.views import healthz

urlpatterns = [
    path("admin/", include("nested_admin.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("", include("surveys.urls")),
]
