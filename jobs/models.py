from django.conf import settings
from django.db import models

from .choices import FINISHED, JobKind, JobStatus
from .querysets import JobQuerySet


class Job(models.Model):
    """A background job; the row is the single source of truth for its state and progress."""

    kind = models.CharField(max_length=20, choices=JobKind.choices)
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    params = models.JSONField(default=dict)
    # A lazy reference: jobs imports no domain app, the release is only a foreign key to it.
    release = models.ForeignKey("audits.Release", null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    stage = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    result = models.JSONField(default=dict)
    # Set when someone cancels the job (jobs.cancellation): who ("alice", "API key ci") and when.
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.CharField(max_length=200, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        db_table = "audits_job"  # moved from audits (migrations jobs/0001, audits/0012): same table, every row kept
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "kind"], name="audits_job_status_58971f_idx")]
        permissions = [("start_job", "Can start ingests, SBOM and signing jobs")]

    def __str__(self) -> str:
        return f"{self.kind} job {self.pk} ({self.status})"

    @property
    def percent(self) -> int | None:
        return round(100 * self.progress_done / self.progress_total) if self.progress_total else None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def cancelling(self) -> bool:
        """Running, but asked to stop: it will at its next progress report."""
        return self.status == JobStatus.RUNNING and self.cancel_requested_at is not None
