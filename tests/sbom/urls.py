"""Test-only URLconf: the portal's routes plus the sbom app (until portal/urls.py includes it)."""

from django.urls import include, path

from portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [*portal_urlpatterns, path("sbom/", include("sbom.urls"))]
