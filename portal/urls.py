from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .health import healthz
from .login import ThrottledLoginView
from .middleware import public
from .monitoring import job_metrics_view

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("healthz/jobs", job_metrics_view, name="job-metrics"),
    path("accounts/login/", public(ThrottledLoginView.as_view()), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("sbom/", include("sbom.urls")),
    path("", include("audits.urls")),
]
