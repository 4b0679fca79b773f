"""The sbom app's API (included under /api/v1/ by portal/urls.py): a release's stored SBOM documents with
download links and one component's document generated on request. Documents are made by jobs:
POST /api/v1/jobs/ {"kind": "sbom", "release": ID}. Their signatures are the signing app's API."""

from __future__ import annotations

import hashlib

from django.http import Http404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, serializers
from rest_framework.routers import SimpleRouter

from access.api.base import (
    AnyAccept,
    ApiView,
    StoredFileViewSet,
    absolute,
    stored_content,
)
from access.downloads import file_response
from access.permissions import EXPORT
from audits.api.urls import RELEASE
from audits.api.views import InRelease
from audits.models import Component

from .choices import CONTENT_TYPES, SbomFormat
from .models import SbomDocument
from .services.generate import SbomError, component_document
from .services.vex_documents import CSAF_VEX, CYCLONEDX_VEX, VexUnavailable, build_vex_document

VEX_KINDS = {"cyclonedx": CYCLONEDX_VEX, "csaf": CSAF_VEX}

DOWNLOAD = {(200, content_type): OpenApiTypes.BINARY for content_type in CONTENT_TYPES.values()}


class SbomDocumentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = SbomDocument
        fields = ("id", "release", "component_name", "image_name", "format", "spec_version", "serial_number", "generator_version",
                  "size", "sha256", "sha512", "generated_at", "generation_seconds", "validation", "download_url")

    def get_download_url(self, document) -> str:
        return absolute(self.context["request"], "api:sbom-document-download", document.release_id, document.pk)


class SbomDocumentDetailSerializer(SbomDocumentSerializer):
    class Meta(SbomDocumentSerializer.Meta):
        fields = SbomDocumentSerializer.Meta.fields + ("report",)


@extend_schema_view(download=extend_schema(responses=DOWNLOAD))
class SbomDocumentViewSet(InRelease, StoredFileViewSet):
    """Stored SBOM documents of a release (CycloneDX JSON/XML, SPDX JSON), release-wide ones first."""

    def get_queryset(self):
        return SbomDocument.objects.filter(release=self.release).defer("content").select_related(
            "release__distribution", "release__commit"
        ).order_by("image_name", "component_name", "format")

    def get_serializer_class(self):
        return SbomDocumentSerializer if self.action == "list" else SbomDocumentDetailSerializer

    def file_name(self, document) -> str:
        return document.file_name

    def content_type(self, document) -> str:
        return CONTENT_TYPES[SbomFormat(document.format)]


def component_sbom_links(request, component) -> dict[str, str]:
    """The component's documents in every format, for its API body (registered with audits' serializers)."""
    args = (component.release_id, component.name)
    return {f"sbom_{fmt}": absolute(request, "api:component-sbom", *args, fmt) for fmt in SbomFormat.values}


class DocumentInvalid(exceptions.APIException):
    """The component's document did not pass schema validation (despite sanitise.py): a problem with the reason."""

    status_code = 500
    default_code = "document_invalid"


class ComponentSbomView(ApiView, InRelease, generics.GenericAPIView):
    """One component's SBOM in `fmt`, generated and stored on first request (then listed with the others)."""

    permission = EXPORT
    pagination_class = None
    serializer_class = None
    content_negotiation_class = AnyAccept

    @extend_schema(responses=DOWNLOAD, parameters=[
        OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=SbomFormat.values, description="Document format."),
    ])
    def get(self, request, release_pk: int, name: str, fmt: str):
        if fmt not in SbomFormat.values or not Component.objects.filter(release=self.release, name=name).exists():
            raise Http404("no such component or format")
        try:
            document = component_document(self.release, name, fmt)
        except SbomError as exc:
            raise DocumentInvalid(str(exc)) from None
        return file_response(request, stored_content(document), etag=document.sha256,
                             content_type=CONTENT_TYPES[SbomFormat(fmt)], file_name=document.file_name)


class ReleaseVexView(ApiView, InRelease, generics.GenericAPIView):
    """The release's VEX document (`cyclonedx` or `csaf`), made from its CVE scan (404 with the reason when
    there is none, or for CSAF when nothing is stated)."""

    permission = EXPORT
    pagination_class = None
    serializer_class = None
    content_negotiation_class = AnyAccept

    @extend_schema(responses={(200, "application/json"): OpenApiTypes.BINARY}, parameters=[
        OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(VEX_KINDS), description="Document kind."),
    ])
    def get(self, request, release_pk: int, kind: str):
        if kind not in VEX_KINDS:
            raise Http404("no such VEX document kind")
        try:
            document = build_vex_document(self.release, VEX_KINDS[kind])
        except VexUnavailable as exc:
            raise Http404(str(exc)) from None
        return file_response(request, document.content, etag=hashlib.sha256(document.content).hexdigest(),
                             content_type=document.content_type, file_name=document.file_name)


router = SimpleRouter(use_regex_path=False)
router.register(f"{RELEASE}/sbom-documents", SbomDocumentViewSet, basename="sbom-document")
urlpatterns = router.urls + [
    path(f"{RELEASE}/components/<str:name>/sbom/<str:fmt>/", ComponentSbomView.as_view(), name="component-sbom"),
    path(f"{RELEASE}/vex/<str:kind>/", ReleaseVexView.as_view(), name="release-vex"),
]
