from __future__ import annotations

from django.db import models
from django.utils import timezone

from .choices import JobStatus


class JobQuerySet(models.QuerySet):
    def claim(self, pk: int) -> bool:
        """Move a queued job to running; False when another worker got it first."""
        now = timezone.now()
        return bool(
            self.filter(pk=pk, status=JobStatus.QUEUED).update(status=JobStatus.RUNNING, started_at=now, heartbeat_at=now)
        )

    def active(self) -> "JobQuerySet":
        return self.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
