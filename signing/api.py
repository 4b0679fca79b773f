"""The signing app's API (included under /api/v1/ by portal/urls.py): the Sigstore bundles of a release
(its SBOMs, evidence bundles and uploaded third-party artifacts) with every verification result, and
each bundle's download. Signatures are made and checked by jobs:
POST /api/v1/jobs/ {"kind": "sign" | "verify", "release": ID}."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.routers import SimpleRouter

from access.api.base import StoredFileViewSet, absolute
from audits.api.urls import RELEASE
from audits.api.views import InRelease

from .models import SignatureBundle, SignatureVerification


class SignatureVerificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = SignatureVerification
        fields = ("verified", "reason", "expected_identity", "expected_issuer", "signer_identity", "signer_issuer",
                  "log_index", "integrated_time", "tsa_times", "trusted_root_sha256", "artifact_sha256", "verified_at")


class SignatureBundleSerializer(serializers.ModelSerializer):
    file_name = serializers.CharField(read_only=True)
    download_url = serializers.SerializerMethodField()
    verifications = SignatureVerificationSerializer(many=True, read_only=True)

    class Meta:
        model = SignatureBundle
        fields = ("id", "release", "origin", "sbom_document", "evidence_bundle", "artifact_name", "artifact_sha256",
                  "sha256", "file_name", "created_at", "download_url", "verifications")

    def get_download_url(self, bundle) -> str:
        return absolute(self.context["request"], "api:signature-bundle-download", bundle.release_id, bundle.pk)


@extend_schema_view(download=extend_schema(responses={(200, "application/json"): OpenApiTypes.BINARY}))
class SignatureBundleViewSet(InRelease, StoredFileViewSet):
    """Sigstore bundles of a release (its SBOMs, evidence bundles and uploaded third-party artifacts), each with
    every verification result, newest first; `download` gives the `.sigstore.json` for `sigstore verify`."""

    serializer_class = SignatureBundleSerializer

    def get_queryset(self):
        return (SignatureBundle.objects.filter(release=self.release).defer("content", "artifact_content")
                .prefetch_related(Prefetch("verifications", SignatureVerification.objects.order_by("-verified_at", "-id")))
                .order_by("artifact_name", "id"))

    def file_name(self, bundle) -> str:
        return bundle.file_name

    def content_type(self, bundle) -> str:
        return "application/json"


router = SimpleRouter(use_regex_path=False)
router.register(f"{RELEASE}/signature-bundles", SignatureBundleViewSet, basename="signature-bundle")
urlpatterns = router.urls
