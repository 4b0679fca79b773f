"""Reusable queries; views, commands and the API share them."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from .images import IN_IMAGE


def _in_image(image, **outer: str) -> models.Exists:
    """An ImagePackage row of `image` (an Image or its id) that the image holds (IN_IMAGE), matching `outer`."""
    rows = apps.get_model("audits", "ImagePackage").objects.filter(image=image, role__in=IN_IMAGE)
    return models.Exists(rows.filter(**{field: models.OuterRef(ref) for field, ref in outer.items()}))


class ReleaseQuerySet(models.QuerySet):
    def with_related(self) -> "ReleaseQuerySet":
        return self.select_related("distribution", "commit", "ingested_by")


# Fields of an upstream verification that pages show (ComponentQuerySet.with_newest_upstream, newest_upstream).
UPSTREAM_FIELDS = ("verdict", "reason", "dist_git_url", "upstream_commit", "upstream_spec_sha256", "declared_diff",
                   "undeclared_diff", "fetched_at", "verified_at")

# Columns of a component row in API lists (ComponentQuerySet.table_rows).
ROW_FIELDS = ("id", "release_id", "name", "headline", "verdict", "spec_origin", "spec_type", "epoch", "version",
              "release_tag", "version_expanded", "release_expanded", "overlay_count", "source_file_count",
              "check_skipped", "has_inconsistency", "render_failed", "upstream_commit", "identity_complete",
              "identity_unresolved", "license")


class ComponentQuerySet(models.QuerySet):
    def table_rows(self) -> "ComponentQuerySet":
        """Dicts of ROW_FIELDS plus the configuration commit and the parsed License: no model instances, for
        1,000-row API pages."""
        return self.values(*ROW_FIELDS, config_commit_sha=models.F("config_commit__sha"),
                           config_changed_at=models.F("config_commit__committed_at"),
                           license_normalized=models.F("license_expression__normalized"),
                           license_family=models.F("license_expression__family"))

    def in_image(self, image) -> "ComponentQuerySet":
        """The components an image holds: those of its listed and closure packages."""
        return self.filter(_in_image(image, component="pk"))

    def for_table(self) -> "ComponentQuerySet":
        """Rows for lists: no big JSON or spec text, commits joined."""
        return self.defer("resolved_config", "provenance", "build", "config_files").select_related(
            "config_commit", "rendered_commit"
        )

    def for_export(self) -> "ComponentQuerySet":
        """What audits.exports.component_rows reads, besides the reasons (prefetched by the caller)."""
        return self.select_related("rendered_spec", "license_expression").only(
            "name", "headline", "overlay_count", "spec_origin", "upstream_commit", "check_skipped", "license",
            "rendered_spec__sha256", "license_expression__normalized", "license_expression__family",
        )

    def with_newest_upstream(self, *fields: str) -> "ComponentQuerySet":
        """Annotate `upstream_<field>` with each field (default UPSTREAM_FIELDS) of the component's newest upstream
        verification, None when it has none: subqueries in the one statement, no query per component."""
        # UpstreamVerification through the reverse relation: models imports this module, not the other way round.
        verifications = self.model._meta.get_field("upstream_verifications").related_model
        newest = verifications.objects.filter(component=models.OuterRef("pk")).order_by("-verified_at", "-id")
        return self.annotate(**{f"upstream_{f}": models.Subquery(newest.values(f)[:1]) for f in fields or UPSTREAM_FIELDS})


def newest_upstream(component: models.Model) -> models.Model | None:
    """The newest UpstreamVerification of a component read with_newest_upstream() (all the fields), unsaved; None
    when it has none."""
    if not getattr(component, "upstream_verdict", None):
        return None
    fields = {f: getattr(component, f"upstream_{f}") for f in UPSTREAM_FIELDS}
    return component.upstream_verifications.model(component=component, **fields)



class BinaryPackageQuerySet(models.QuerySet):
    def in_image(self, image) -> "BinaryPackageQuerySet":
        """The binary packages an image holds (listed and closure), each once whatever its rows in the image."""
        return self.filter(_in_image(image, component="component", binary="name"))


class ImageQuerySet(models.QuerySet):
    def with_release(self) -> "ImageQuerySet":
        return self.select_related("release__distribution", "release__commit")


class ImagePackageQuerySet(models.QuerySet):
    def in_image(self) -> "ImagePackageQuerySet":
        """What the image holds: listed packages and those pulled in by requirements (not removed or ignored)."""
        return self.filter(role__in=IN_IMAGE)

    def for_table(self) -> "ImagePackageQuerySet":
        """Rows with their component, its headline and reasons: a fixed number of queries for any size."""
        return self.select_related("component").prefetch_related("component__reasons").order_by("name", "id")

    def headline_counts(self) -> dict[str, int]:
        """Packages of the image by their component's headline ("unresolved": no component)."""
        counts = {}
        for row in self.values("component__headline").annotate(n=models.Count("id")):
            counts[row["component__headline"] or "unresolved"] = row["n"]
        return counts
