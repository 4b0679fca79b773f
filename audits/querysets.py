"""Reusable queries; views, commands and the API share them."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from .choices import JobStatus


class ReleaseQuerySet(models.QuerySet):
    def with_related(self) -> "ReleaseQuerySet":
        return self.select_related("distribution", "commit", "ingested_by")


class ComponentQuerySet(models.QuerySet):
    def for_table(self) -> "ComponentQuerySet":
        """Rows for lists: no big JSON or spec text, commits joined."""
        return self.defer("resolved_config", "provenance", "build", "config_files").select_related(
            "config_commit", "rendered_commit"
        )


class JobQuerySet(models.QuerySet):
    def claim(self, pk: int) -> bool:
        """Move a queued job to running; False when another worker got it first."""
        now = timezone.now()
        return bool(
            self.filter(pk=pk, status=JobStatus.QUEUED).update(status=JobStatus.RUNNING, started_at=now, heartbeat_at=now)
        )


class ApiKeyQuerySet(models.QuerySet):
    def for_list(self) -> "ApiKeyQuerySet":
        return self.select_related("created_by", "revoked_by").defer("digest")
