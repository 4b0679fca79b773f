"""API views: querysets from audits.querysets and prefetches, filters from audits.filters,
comparisons through services.compare. See base.py for permissions, access log, ETags."""

from __future__ import annotations

from functools import cached_property

from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, viewsets
from rest_framework.response import Response

from access.api.base import ApiView

from ..filters import ComponentFilter
from ..models import (
    Commit,
    Component,
    ComponentCommit,
    ComponentReason,
    Image,
    ImagePackage,
    Overlay,
    Release,
    UpstreamVerification,
)
from ..services.compare import compare_releases
from ..services.licenses import image_license_inventory, license_inventory
from . import serializers as s
from .filters import OverlayFilter, ReleaseFilterBackend, UpstreamVerificationFilter


class ReleaseViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    """Ingested releases, newest commit first."""

    queryset = Release.objects.with_related()
    serializer_class = s.ReleaseSerializer


class InRelease:
    """Views nested under /releases/<release_pk>/: the release is looked up once (404 when absent)."""

    @cached_property
    def release(self) -> Release:
        return get_object_or_404(Release.objects.with_related(), pk=self.kwargs["release_pk"])

    def get_release(self) -> Release:
        return self.release


class ComponentViewSet(ApiView, InRelease, viewsets.ReadOnlyModelViewSet):
    """Components of a release with every filter of the package table (audits.filters.ComponentFilter)."""

    queryset = Component.objects.none()  # the model, for the schema; get_queryset() reads the release

    lookup_field = "name"
    lookup_value_converter = "str"
    filter_backends = [ReleaseFilterBackend]
    filterset_class = ComponentFilter
    filterset_wants_release = True

    def get_queryset(self):
        components = Component.objects.filter(release=self.release)
        if self.action == "list":
            return components.table_rows()
        return components.select_related("config_commit", "rendered_commit", "rendered_spec", "license_expression").prefetch_related("reasons", "binary_packages__license_expression", "sources_entries", "source_file_overrides",
                           "inconsistencies")

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def paginate_queryset(self, queryset):
        """The page, each row with its `reason_codes` (one query; prefetch_related costs more per row)."""
        page = super().paginate_queryset(queryset)
        codes: dict[int, list[str]] = {row["id"]: [] for row in page}
        reasons = ComponentReason.objects.filter(component_id__in=codes).order_by("id").values_list("component_id", "code")
        for component_id, code in reasons:
            codes[component_id].append(code)
        for row in page:
            row["reason_codes"] = codes[row["id"]]
        return page

    def get_serializer_class(self):
        return s.ComponentSerializer if self.action == "list" else s.ComponentDetailSerializer


class ComponentHistoryViewSet(ApiView, InRelease, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Provenance: the commits that changed a component's configuration or rendered files, newest first."""

    serializer_class = s.HistoryEntrySerializer

    def get_queryset(self):
        component = get_object_or_404(Component.objects.only("pk"), release=self.release, name=self.kwargs["component_name"])
        return ComponentCommit.objects.filter(component=component).select_related("commit").order_by("position")


class CommitViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    """Git commits of the ingested repositories (provenance), newest first."""

    queryset = Commit.objects.order_by("-committed_at", "-id")
    serializer_class = s.CommitSerializer
    lookup_field = "sha"
    lookup_value_converter = "str"


class OverlayViewSet(ApiView, InRelease, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every overlay of a release, by component name then order of application."""

    queryset = Overlay.objects.none()  # the model, for the schema; get_queryset() reads the release

    serializer_class = s.OverlaySerializer
    filter_backends = [ReleaseFilterBackend]
    filterset_class = OverlayFilter

    def get_queryset(self):
        return Overlay.objects.filter(component__release=self.release).select_related("component").only(
            *(f.name for f in Overlay._meta.concrete_fields), "component__name"
        ).order_by("component__name", "position")


class ImageViewSet(ApiView, InRelease, viewsets.ReadOnlyModelViewSet):
    """The images of a release (images.toml with their KIWI descriptions), by name."""

    queryset = Image.objects.none()  # the model, for the schema; get_queryset() reads the release
    serializer_class = s.ImageSerializer

    def get_queryset(self):
        return Image.objects.filter(release=self.release).order_by("name", "id")


class ImagePackageViewSet(ApiView, InRelease, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The packages of one image: listed, pulled in by requirements, removed or ignored, with their component."""

    queryset = ImagePackage.objects.none()  # the model, for the schema; get_queryset() reads the image
    serializer_class = s.ImagePackageSerializer

    def get_queryset(self):
        image = get_object_or_404(Image.objects.only("id"), pk=self.kwargs["image_pk"], release=self.release)
        return ImagePackage.objects.filter(image=image).select_related("component").order_by("name", "id")


class BuildCustomisationViewSet(ApiView, InRelease, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Components built differently from the baseline (a build-customisation reason, whatever their headline)."""

    serializer_class = s.BuildCustomisationSerializer

    def get_queryset(self):
        build_reason = ComponentReason.objects.filter(component=OuterRef("pk"), code__in=s.BUILD_REASONS)
        return (
            Component.objects.filter(release=self.release).filter(Exists(build_reason))
            .only("name", "headline", "check_skipped", "check_skip_reason", "release_calculation", "render_options",
                  "build", "release_id")
            .prefetch_related("reasons").order_by("name")
        )  # fmt: skip


class UpstreamVerificationViewSet(ApiView, InRelease, viewsets.ReadOnlyModelViewSet):
    """Upstream-verification verdicts of a release's components, newest first (diffs in the detail)."""

    queryset = UpstreamVerification.objects.none()  # the model, for the schema; get_queryset() reads the release

    filter_backends = [ReleaseFilterBackend]
    filterset_class = UpstreamVerificationFilter

    def get_queryset(self):
        rows = UpstreamVerification.objects.filter(component__release=self.release).select_related("component")
        if self.action == "list":
            rows = rows.defer("declared_diff", "undeclared_diff")
        else:
            rows = rows.select_related("upstream_spec_blob")
        return rows.order_by("-verified_at", "-id")

    def get_serializer_class(self):
        return s.UpstreamVerificationSerializer if self.action == "list" else s.UpstreamVerificationDetailSerializer


class LicenseInventoryView(ApiView, InRelease, generics.GenericAPIView):
    """The license inventory (services.licenses) of the release, or of one of its images with `image`: by key, by
    family, validity, invalid values with the parser's message. The components list's `license`, `license_family`
    and `license_valid` filters (with `image` for an image) list the packages."""

    serializer_class = s.LicenseInventorySerializer
    pagination_class = None

    @extend_schema(parameters=[s.LicenseInventoryQuerySerializer])
    def get(self, request, release_pk: int):
        query = s.LicenseInventoryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        if "image" in query.validated_data:
            image = get_object_or_404(Image.objects.only("id"), pk=query.validated_data["image"], release=self.release)
            inventory = image_license_inventory(image)
        else:
            inventory = license_inventory(Component.objects.filter(release=self.release))
        return Response(s.LicenseInventorySerializer(inventory).data)


class ComparisonView(ApiView, generics.GenericAPIView):
    """What changed from release `old` to release `new` (services.compare)."""

    serializer_class = s.ComparisonSerializer
    pagination_class = None

    @extend_schema(parameters=[s.ComparisonQuerySerializer])
    def get(self, request):
        query = s.ComparisonQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        old, new = query.validated_data["old"], query.validated_data["new"]
        return Response(s.ComparisonSerializer(compare_releases(old, new)).data)


