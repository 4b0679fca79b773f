"""Reusable queries; views, commands and the API share them."""

from __future__ import annotations

from django.db import models


class ReleaseQuerySet(models.QuerySet):
    def with_related(self) -> "ReleaseQuerySet":
        return self.select_related("distribution", "commit", "ingested_by")


# Columns of a component row in API lists (ComponentQuerySet.table_rows).
ROW_FIELDS = ("id", "release_id", "name", "headline", "verdict", "spec_origin", "spec_type", "epoch", "version",
              "release_tag", "version_expanded", "release_expanded", "overlay_count", "source_file_count",
              "check_skipped", "has_inconsistency", "render_failed", "upstream_commit")


class ComponentQuerySet(models.QuerySet):
    def table_rows(self) -> "ComponentQuerySet":
        """Dicts of ROW_FIELDS plus the configuration commit: no model instances, for 1,000-row API pages."""
        return self.values(*ROW_FIELDS, config_commit_sha=models.F("config_commit__sha"),
                           config_changed_at=models.F("config_commit__committed_at"))

    def for_table(self) -> "ComponentQuerySet":
        """Rows for lists: no big JSON or spec text, commits joined."""
        return self.defer("resolved_config", "provenance", "build", "config_files").select_related(
            "config_commit", "rendered_commit"
        )
