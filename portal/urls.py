from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

import audits.api.urls
import evidence.api
import jobs.api
import sbom.api

from .health import healthz
from .login import ThrottledLoginView
from .middleware import public

# /api/v1/: one router per app, one URL namespace ("api").
api_v1 = audits.api.urls.urlpatterns + jobs.api.urlpatterns + sbom.api.urlpatterns + evidence.api.urlpatterns

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", public(ThrottledLoginView.as_view()), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Browser pages (sign-in redirect like every page), outside /api/; assets from drf-spectacular-sidecar.
    path("api-docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api-docs/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("", include("jobs.urls")),
    path("sbom/", include("sbom.urls")),
    path("", include("evidence.urls")),
    path("", include("audits.urls")),
]

handler404 = "audits.api.problems.page_not_found"
handler500 = "audits.api.problems.server_error"
