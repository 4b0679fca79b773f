from django.db import models


class JobKind(models.TextChoices):
    """Every kind of job; the app that owns a kind registers its task (jobs.registry)."""

    INGEST = "ingest", "Ingest"
    SBOM = "sbom", "SBOM generation"
    SIGN = "sign", "Signing"
    VERIFY = "verify", "Verification"
    UPSTREAM = "upstream", "Upstream verification"
    EVIDENCE = "evidence", "Evidence bundle"
    HISTORY = "history", "History ingest"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)
