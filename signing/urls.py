"""Signature pages. Included at /sbom/ beside sbom.urls (portal/urls.py): the paths are those the pages
had when they were part of the sbom app, so bookmarks, docs and customers' scripts keep working."""

from django.urls import path

from . import views

app_name = "signing"

urlpatterns = [
    path("bundles/<id:bundle_id>/bundle.sigstore.json", views.bundle_download, name="bundle"),
    path("bundles/<id:bundle_id>/artifact", views.uploaded_artifact_download, name="bundle-artifact"),
    path("sigstore-trust-config.json", views.trust_config_download, name="trust-config"),
    path("releases/<id:release_id>/sign/", views.start_signing, name="start-signing"),
    path("releases/<id:release_id>/verify-signatures/", views.start_verification, name="start-verification"),
    path("releases/<id:release_id>/bundles/upload/", views.upload_bundle, name="upload-bundle"),
    path("releases/<id:release_id>/signing-policy/", views.set_signing_policy, name="signing-policy"),
]
