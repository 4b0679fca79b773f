from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

import access.api.views
import access.signin.views
import audits.api.urls
import evidence.api
import history.api
import jobs.api
import policies.api
import reviews.api.urls
import sbom.api
import signing.api
import vex.api
from access.middleware import public

from .health import healthz
from .login import ThrottledLoginView

# /api/v1/: one router per app, one URL namespace ("api").
api_v1 = (access.api.views.urlpatterns + jobs.api.urlpatterns + audits.api.urls.urlpatterns + reviews.api.urls.urlpatterns
          + history.api.urlpatterns
          + policies.api.urlpatterns + vex.api.urlpatterns
          + sbom.api.urlpatterns
          + evidence.api.urlpatterns + signing.api.urlpatterns)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", public(ThrottledLoginView.as_view()), name="login"),
    path("accounts/logout/", access.signin.views.sign_out, name="logout"),
    path("accounts/", include("access.signin.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Browser pages (sign-in redirect like every page), outside /api/; assets from drf-spectacular-sidecar.
    # Swagger UI's start-up script is served by the view itself (?script): no inline script under the CSP.
    # (Redoc is not offered: its bundle writes inline styles and loads its logo from a CDN.)
    path("api-docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("access.urls")),
    path("", include("jobs.urls")),
    path("", include("feeds.urls")),
    path("vex/", include("vex.urls")),
    path("sbom/", include("sbom.urls")),
    path("sbom/", include("signing.urls")),  # the signature pages kept the /sbom/ paths they had in the sbom app
    path("", include("evidence.urls")),
    path("", include("policies.urls")),
    path("", include("reviews.urls")),
    path("", include("history.urls")),
    path("", include("audits.urls")),
]

handler404 = "access.api.problems.page_not_found"
handler500 = "access.api.problems.server_error"
