"""JSON shapes of the API resources. Read-only except JobStartSerializer; no queries of their own
(the views select and prefetch what these read)."""

from __future__ import annotations

from typing import Any, Callable

from functools import cached_property
from urllib.parse import quote

from django.utils.http import RFC3986_SUBDELIMS
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from access.api.base import BoundedPrimaryKeyField, absolute

from ..azldev.classify import BUILD_CUSTOMISED, REASON_HEADLINES
from ..choices import Headline, LicenseFamily, SpecOrigin
from ..models import (
    BinaryPackage,
    Commit,
    Component,
    ComponentCommit,
    ComponentReason,
    Image,
    ImagePackage,
    Inconsistency,
    LicenseExpression,
    Overlay,
    Release,
    SourceFileOverride,
    SourcesEntry,
    UpstreamVerification,
)

BUILD_REASONS = frozenset(code for code, headline in REASON_HEADLINES.items() if headline == BUILD_CUSTOMISED)


class CommitBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Commit
        fields = ("sha", "subject", "author_name", "committed_at")


class CommitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Commit
        fields = ("sha", "subject", "message", "author_name", "author_email", "authored_at", "committer_name",
                  "committer_email", "committed_at")


class ReleaseSerializer(serializers.ModelSerializer):
    distribution = serializers.CharField(source="distribution.name")
    commit = CommitBriefSerializer()
    ingested_by = serializers.CharField(source="ingested_by.username", allow_null=True, default=None)
    components_url = serializers.SerializerMethodField()

    class Meta:
        model = Release
        fields = ("id", "distribution", "version", "release_ver", "upstream_distro", "upstream_version", "snapshot",
                  "source_url", "ref", "commit", "ingested_at", "ingested_by", "dist_git_base_uri", "summary",
                  "warnings", "components_url")

    def get_components_url(self, release) -> str:
        return absolute(self.context["request"], "api:component-list", release.pk)


class ComponentSerializer(serializers.Serializer):
    """A row of the package table: a dict of ComponentQuerySet.table_rows(), with `reason_codes` set
    by the view (one query per page). Plain fields, no model instances: pages have 1,000 rows."""

    name = serializers.CharField()
    url = serializers.SerializerMethodField()
    headline = serializers.ChoiceField(choices=Headline.choices)
    verdict = serializers.CharField()
    spec_origin = serializers.ChoiceField(choices=SpecOrigin.choices)
    spec_type = serializers.CharField()
    epoch = serializers.CharField()
    version = serializers.CharField()
    release_tag = serializers.CharField()
    version_expanded = serializers.CharField()
    release_expanded = serializers.CharField()
    overlay_count = serializers.IntegerField()
    source_file_count = serializers.IntegerField()
    check_skipped = serializers.BooleanField()
    has_inconsistency = serializers.BooleanField()
    render_failed = serializers.BooleanField()
    upstream_commit = serializers.CharField()
    identity_complete = serializers.BooleanField()
    identity_unresolved = serializers.JSONField()
    reasons = serializers.ListField(child=serializers.CharField(), source="reason_codes")
    config_commit = serializers.CharField(source="config_commit_sha", allow_null=True)
    config_changed_at = serializers.DateTimeField(allow_null=True)
    license = serializers.CharField(help_text="The spec's License as stated.")
    license_normalized = serializers.CharField(
        allow_null=True, help_text="Its SPDX normal form; empty when it is not a valid SPDX expression, null without one.")
    license_family = serializers.ChoiceField(choices=LicenseFamily.choices, allow_null=True,
                                             help_text="Null without a License value.")

    _PLAIN = (serializers.CharField, serializers.IntegerField, serializers.BooleanField, serializers.ChoiceField,
              serializers.ListField, serializers.JSONField)

    @cached_property
    def _plan(self) -> list[tuple[str, str | None, serializers.Field]]:
        """(output name, row key if the stored value is the output, field). DRF's per-field calls are most
        of the time of a 1,000-row page; the plain fields read the row directly (same output, see tests)."""
        return [(f.field_name, f.source if isinstance(f, self._PLAIN) and "." not in f.source else None, f)
                for f in self._readable_fields]

    def to_representation(self, row) -> dict:
        out = {}
        for name, key, field in self._plan:
            if key is not None:
                out[name] = row[key]
            else:
                value = field.get_attribute(row)
                out[name] = None if value is None else field.to_representation(value)
        return out

    def get_url(self, row) -> str:
        # reverse() once per page, not per row.
        base = self.context.get("component_url_base")
        if base is None:
            base = absolute(self.context["request"], "api:component-detail", row["release_id"], "-")[:-2]
            self.context["component_url_base"] = base
        return f"{base}{quote(row['name'], safe=RFC3986_SUBDELIMS + '~:@')}/"


class ReasonSerializer(serializers.ModelSerializer):
    class Meta:
        model = ComponentReason
        fields = ("code", "text", "source")


class LicenseExpressionSerializer(serializers.ModelSerializer):
    """A License value parsed as an SPDX expression (audits.licenses)."""

    class Meta:
        model = LicenseExpression
        fields = ("text", "normalized", "valid", "error", "keys", "family")


class BinaryPackageSerializer(serializers.ModelSerializer):
    license_expression = LicenseExpressionSerializer(allow_null=True, help_text="The License that applies, parsed.")

    class Meta:
        model = BinaryPackage
        fields = ("name", "epoch", "version", "release", "license", "license_expression", "arches", "requires",
                  "provides", "channel", "channel_source")


class SourcesEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = SourcesEntry
        fields = ("algorithm", "filename", "digest")


class SourceFileOverrideSerializer(serializers.ModelSerializer):
    class Meta:
        model = SourceFileOverride
        fields = ("filename", "hash", "hash_type", "origin_type", "origin", "replace_upstream", "replace_reason", "layer")


class InconsistencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Inconsistency
        fields = ("kind", "path", "detail")


class RenderedSpecSerializer(serializers.Serializer):
    path = serializers.CharField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    sources = serializers.JSONField()
    patches = serializers.JSONField()


class ComponentDetailSerializer(serializers.ModelSerializer):
    """One component with everything the package page shows, except the spec text."""

    url = serializers.SerializerMethodField()
    reasons = ReasonSerializer(many=True)
    homepage = serializers.CharField(source="url")
    config_commit = CommitBriefSerializer(allow_null=True)
    rendered_commit = CommitBriefSerializer(allow_null=True)
    rendered_spec = serializers.SerializerMethodField()
    binary_packages = BinaryPackageSerializer(many=True)
    license_expression = LicenseExpressionSerializer(allow_null=True)
    sources_entries = SourcesEntrySerializer(many=True)
    source_file_overrides = SourceFileOverrideSerializer(many=True)
    inconsistencies = InconsistencySerializer(many=True)
    links = serializers.SerializerMethodField()

    class Meta:
        model = Component
        fields = (
            "name", "url", "headline", "verdict", "spec_origin", "spec_type", "epoch", "version", "release_tag",
            "version_expanded", "release_expanded", "overlay_count", "source_file_count", "check_skipped",
            "has_inconsistency", "render_failed", "upstream_commit", "identity_complete", "identity_unresolved",
            "metadata_unresolved", "identity_notes",
            "reasons", "config_commit",
            "defined_in", "groups", "upstream_distro", "upstream_version", "upstream_snapshot", "upstream_name",
            "dist_git_branch", "dist_git_url", "local_spec_path", "license", "license_expression", "homepage",
            "summary",
            "release_calculation", "render_options", "build", "check_skip_reason", "resolved_config", "provenance",
            "config_files", "rendered_commit", "rendered_spec", "binary_packages", "sources_entries",
            "source_file_overrides", "inconsistencies", "links",
        )

    def get_url(self, component) -> str:
        return absolute(self.context["request"], "api:component-detail", component.release_id, component.name)

    @extend_schema_field(RenderedSpecSerializer(allow_null=True))
    def get_rendered_spec(self, component):
        spec = getattr(component, "rendered_spec", None)
        return RenderedSpecSerializer(spec).data if spec else None

    def get_links(self, component) -> dict[str, str]:
        request, args = self.context["request"], (component.release_id, component.name)
        return {
            "overlays": absolute(request, "api:overlay-list", component.release_id) + f"?component={component.name}",
            "history": absolute(request, "api:component-history-list", *args),
            "upstream_verifications": absolute(request, "api:upstream-verification-list", component.release_id)
            + f"?component={component.name}",
            "page": absolute(request, "audits:component-detail", *args),
            **{name: url for provider in _COMPONENT_LINK_PROVIDERS for name, url in provider(request, component).items()},
        }


class OverlaySerializer(serializers.ModelSerializer):
    component = serializers.CharField(source="component.name")

    class Meta:
        model = Overlay
        fields = ("component", "position", "type", "description", "tag", "value", "section", "package", "regex",
                  "replacement", "lines", "file", "archive", "source", "source_path", "source_sha256", "category",
                  "upstream_status", "commits", "bugs", "defined_in", "layer", "parameters", "presence",
                  "presence_reason")


class ImageSerializer(serializers.ModelSerializer):
    """An image of images.toml with its KIWI description's profile and package counts (docs/images.md)."""

    class Meta:
        model = Image
        fields = ("id", "name", "description", "definition", "defined_in", "kiwi_path", "profile", "profiles",
                  "build_types", "error", "notes", "direct_count", "closure_count", "unresolved_requires")


class ImagePackageSerializer(serializers.ModelSerializer):
    """A package of an image: how it got there, and the source component it maps to (null when unresolved)."""

    component = serializers.CharField(source="component.name", default=None)
    headline = serializers.CharField(source="component.headline", default=None)

    class Meta:
        model = ImagePackage
        fields = ("name", "role", "kind", "binary", "component", "headline", "channel", "sections", "profiles", "arches",
                  "required_by", "requirement", "unresolved")


class BuildCustomisationSerializer(serializers.ModelSerializer):
    """A component's build settings that differ from the baseline, with the layer of each reason."""

    reasons = serializers.SerializerMethodField()

    class Meta:
        model = Component
        fields = ("name", "headline", "check_skipped", "check_skip_reason", "release_calculation", "render_options",
                  "build", "reasons")

    @extend_schema_field(ReasonSerializer(many=True))
    def get_reasons(self, component):
        return ReasonSerializer([r for r in component.reasons.all() if r.code in BUILD_REASONS], many=True).data


class HistoryEntrySerializer(serializers.ModelSerializer):
    commit = CommitSerializer()

    class Meta:
        model = ComponentCommit
        fields = ("position", "touched", "commit")


class UpstreamVerificationSerializer(serializers.ModelSerializer):
    component = serializers.CharField(source="component.name")

    class Meta:
        model = UpstreamVerification
        fields = ("id", "component", "verdict", "reason", "dist_git_url", "upstream_commit", "upstream_spec_sha256",
                  "fetched_at", "verified_at", "job")


class UpstreamVerificationDetailSerializer(UpstreamVerificationSerializer):
    upstream_spec = serializers.CharField(read_only=True)  # the text of its blob, "" when none was fetched

    class Meta(UpstreamVerificationSerializer.Meta):
        fields = UpstreamVerificationSerializer.Meta.fields + ("upstream_spec", "declared_diff", "undeclared_diff")


# Links that apps above audits add to a component's API body (sbom: its documents), registered from their
# AppConfig.ready(): audits never imports them.
ComponentLinks = Callable[[Any, Component], dict[str, str]]
_COMPONENT_LINK_PROVIDERS: list[ComponentLinks] = []


def register_component_links(provider: ComponentLinks) -> None:
    if provider not in _COMPONENT_LINK_PROVIDERS:
        _COMPONENT_LINK_PROVIDERS.append(provider)


class ReleaseField(BoundedPrimaryKeyField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Release.objects.with_related(), **kwargs)


class ComponentRefSerializer(serializers.Serializer):
    name = serializers.CharField()
    headline = serializers.CharField()
    version = serializers.CharField()


class FieldChangeSerializer(serializers.Serializer):
    component = serializers.CharField()
    before = serializers.CharField()
    after = serializers.CharField()
    detail = serializers.CharField()


class PackageLicenseChangeSerializer(serializers.Serializer):
    component = serializers.CharField()
    package = serializers.CharField(help_text="The binary package.")
    before = serializers.CharField()
    after = serializers.CharField()
    detail = serializers.CharField(help_text="A note when a side is not valid SPDX (then compared as stated).")


class OverlayChangeSerializer(serializers.Serializer):
    component = serializers.CharField()
    kind = serializers.ChoiceField(choices=["added", "removed", "changed"])
    position = serializers.IntegerField()
    type = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class ImageChangeSerializer(serializers.Serializer):
    image = serializers.CharField()
    kind = serializers.ChoiceField(choices=["image added", "image removed", "package added", "package removed",
                                            "classification"])
    package = serializers.CharField()
    component = serializers.CharField()
    before = serializers.CharField()
    after = serializers.CharField()


class ComparisonSerializer(serializers.Serializer):
    """services.compare.Comparison."""

    old = serializers.IntegerField(source="old.pk")
    new = serializers.IntegerField(source="new.pk")
    is_empty = serializers.BooleanField()
    added = ComponentRefSerializer(many=True)
    removed = ComponentRefSerializer(many=True)
    classification_changes = FieldChangeSerializer(many=True)
    version_changes = FieldChangeSerializer(many=True)
    overlay_changes = OverlayChangeSerializer(many=True)
    provenance_changes = FieldChangeSerializer(many=True)
    license_changes = FieldChangeSerializer(many=True, help_text="The main package's License (`detail`: a note when "
                                                                 "a side is not valid SPDX).")
    package_license_changes = PackageLicenseChangeSerializer(
        many=True, help_text="Binary packages of both releases whose applicable License changed, other than by their "
                             "component's License change.")
    image_changes = ImageChangeSerializer(many=True)


class ComparisonQuerySerializer(serializers.Serializer):
    old = ReleaseField(help_text="The earlier release.")
    new = ReleaseField(help_text="The later release.")




class LicenseCountSerializer(serializers.Serializer):
    name = serializers.CharField()
    components = serializers.IntegerField()
    binaries = serializers.IntegerField(help_text="Binary packages.")


class InvalidLicenseSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="The License value as stated.")
    error = serializers.CharField(help_text="The parser's message.")
    components = serializers.IntegerField()
    binaries = serializers.IntegerField()


class LicenseInventorySerializer(serializers.Serializer):
    """audits.licenses.LicenseInventory: a value naming several keys counts once under each key."""

    components = serializers.IntegerField()
    binaries = serializers.IntegerField()
    valid = LicenseCountSerializer()
    invalid = LicenseCountSerializer()
    missing = LicenseCountSerializer(help_text="No License value.")
    by_family = LicenseCountSerializer(many=True)
    by_key = LicenseCountSerializer(many=True)
    invalid_values = InvalidLicenseSerializer(many=True)


class LicenseInventoryQuerySerializer(serializers.Serializer):
    image = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1,
        help_text="An image of the release (its id): count what the image holds, its components and of their binary "
                  "packages only those in the image. The components list's `image` filter lists them.")
