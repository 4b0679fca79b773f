from django.urls import path

from . import views

app_name = "sbom"

urlpatterns = [
    path("releases/<id:release_id>/", views.release_documents, name="release"),
    path("releases/<id:release_id>/generate", views.start_release_sbom, name="start-release-sbom"),
    path("releases/<id:release_id>/cyclonedx.json", views.release_document, {"fmt": "cyclonedx-json"},
         name="release-cyclonedx-json"),
    path("releases/<id:release_id>/cyclonedx.xml", views.release_document, {"fmt": "cyclonedx-xml"},
         name="release-cyclonedx-xml"),
    path("releases/<id:release_id>/spdx.json", views.release_document, {"fmt": "spdx-json"},
         name="release-spdx-json"),
    path("releases/<id:release_id>/components/<str:name>/cyclonedx.json", views.component_document,
         {"fmt": "cyclonedx-json"}, name="component-cyclonedx-json"),
    path("releases/<id:release_id>/components/<str:name>/cyclonedx.xml", views.component_document,
         {"fmt": "cyclonedx-xml"}, name="component-cyclonedx-xml"),
    path("releases/<id:release_id>/components/<str:name>/spdx.json", views.component_document,
         {"fmt": "spdx-json"}, name="component-spdx-json"),
    path("releases/<id:release_id>/images/<str:name>/cyclonedx.json", views.image_document,
         {"fmt": "cyclonedx-json"}, name="image-cyclonedx-json"),
    path("releases/<id:release_id>/images/<str:name>/cyclonedx.xml", views.image_document,
         {"fmt": "cyclonedx-xml"}, name="image-cyclonedx-xml"),
    path("releases/<id:release_id>/vex.cdx.json", views.release_vex, {"kind": views.CYCLONEDX_VEX},
         name="release-cyclonedx-vex"),
    path("releases/<id:release_id>/vex.csaf.json", views.release_vex, {"kind": views.CSAF_VEX}, name="release-csaf-vex"),
    path("documents/<id:document_id>/report.json", views.document_report, name="report"),
]
