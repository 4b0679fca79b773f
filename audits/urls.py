from django.urls import path, re_path

from . import views
from .api import pages as api_pages

app_name = "audits"
urlpatterns = [
    path("", views.release_list, name="release-list"),
    path("ingest/", views.start_ingest, name="start-ingest"),
    path("releases/<int:pk>/", views.release_detail, name="release-detail"),
    path("releases/<int:pk>/verify-upstream/", views.start_upstream_verification, name="start-upstream-verification"),
    re_path(r"^releases/(?P<pk>[0-9]+)/components\.(?P<fmt>csv|xlsx)$", views.export_components, name="component-export"),
    path("releases/<int:pk>/components/<str:name>/", views.component_detail, name="component-detail"),
    path("compare/", views.compare, name="compare"),
    path("compare.csv", views.compare_export, name="compare-export"),
    path("access-log/", views.access_log, name="access-log"),
    path("api-keys/", api_pages.api_keys, name="api-keys"),
    path("api-keys/<int:pk>/revoke/", api_pages.revoke, name="api-key-revoke"),
]
