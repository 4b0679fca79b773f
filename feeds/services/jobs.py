"""The `job.failed` event (connected to jobs.signals.job_failed by feeds.apps)."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from jobs.models import Job

from ..models import EventKind
from .events import record_event


def record_job_failed(sender=None, *, job_id: int, error: str, **kwargs) -> None:
    job = Job.objects.select_related("release__distribution", "release__commit").filter(pk=job_id).first()
    if job is None:
        return
    release = job.release
    where = f" for {release.distribution.name} {release.version} @ {release.commit.sha[:12]}" if release else ""
    link = reverse("audits:release-detail", args=[release.pk]) if release else reverse("audits:release-list")
    with transaction.atomic():  # a savepoint: a failure here never spoils the caller's transaction
        record_event(EventKind.JOB_FAILED, title=f"{job.get_kind_display()} job {job.pk} failed{where}",
                     summary=error[:2000], link=link, release=release,
                     payload={"job_id": job.pk, "job_kind": job.kind, "error": error[:2000],
                              "release_id": job.release_id})
