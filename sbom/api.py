"""The sbom app's API: stored SBOM documents of a release, listed with download links (router included
under /api/v1/ by portal/urls.py). Generation is a job: POST /api/v1/jobs/ {"kind": "sbom", "release": ID}."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.routers import SimpleRouter

from audits.api.base import StoredFileViewSet
from audits.api.serializers import absolute
from audits.api.urls import RELEASE
from audits.api.views import InRelease

from .choices import CONTENT_TYPES, SbomFormat
from .models import SbomDocument


class SbomDocumentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = SbomDocument
        fields = ("id", "release", "component_name", "format", "spec_version", "serial_number", "generator_version",
                  "size", "sha256", "sha512", "generated_at", "generation_seconds", "validation", "download_url")

    def get_download_url(self, document) -> str:
        return absolute(self.context["request"], "api:sbom-document-download", document.release_id, document.pk)


class SbomDocumentDetailSerializer(SbomDocumentSerializer):
    class Meta(SbomDocumentSerializer.Meta):
        fields = SbomDocumentSerializer.Meta.fields + ("report",)


@extend_schema_view(download=extend_schema(responses={(200, ct): OpenApiTypes.BINARY for ct in CONTENT_TYPES.values()}))
class SbomDocumentViewSet(InRelease, StoredFileViewSet):
    """Stored SBOM documents of a release (CycloneDX JSON/XML, SPDX JSON), release-wide ones first."""

    def get_queryset(self):
        return SbomDocument.objects.filter(release=self.release).defer("content").select_related(
            "release__distribution", "release__commit"
        ).order_by("component_name", "format")

    def get_serializer_class(self):
        return SbomDocumentSerializer if self.action == "list" else SbomDocumentDetailSerializer

    def file_name(self, document) -> str:
        return document.file_name

    def content_type(self, document) -> str:
        return CONTENT_TYPES[SbomFormat(document.format)]


router = SimpleRouter(use_regex_path=False)
router.register(f"{RELEASE}/sbom-documents", SbomDocumentViewSet, basename="sbom-document")
urlpatterns = router.urls
