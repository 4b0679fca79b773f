from django.urls import path, re_path

from .views import access_log, compare, components, images, licenses, releases

app_name = "audits"
urlpatterns = [
    path("", releases.release_list, name="release-list"),
    path("ingest/", releases.start_ingest, name="start-ingest"),
    path("releases/<id:pk>/", releases.release_detail, name="release-detail"),
    path("releases/<id:pk>/verify-upstream/", releases.start_upstream_verification, name="start-upstream-verification"),
    re_path(r"^releases/(?P<pk>[0-9]{1,18})/components\.(?P<fmt>csv|xlsx)$", components.export_components,
            name="component-export"),
    path("releases/<id:pk>/licenses/", licenses.license_inventory_page, name="license-inventory"),
    re_path(r"^releases/(?P<pk>[0-9]{1,18})/licenses\.(?P<fmt>csv|xlsx)$", licenses.export_license_inventory,
            name="license-inventory-export"),
    path("releases/<id:pk>/components/<str:name>/", components.component_detail, name="component-detail"),
    path("releases/<id:pk>/images/<id:image_pk>/", images.image_detail, name="image-detail"),
    re_path(r"^releases/(?P<pk>[0-9]{1,18})/images/(?P<image_pk>[0-9]{1,18})/packages\.(?P<fmt>csv|xlsx)$",
            images.export_image_packages, name="image-export"),
    path("compare/", compare.compare, name="compare"),
    path("compare.csv", compare.compare_export, name="compare-export"),
    path("access-log/", access_log.access_log, name="access-log"),
]
