"""The watch: remote refs polled on a schedule (celery beat runs `poll_due`); a ref that moved queues a
history job, which ingests the new commits (history.services.ingest)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from access.egress_settings import current_policy
from audits import gitremote, gitsource
from jobs.choices import JobKind
from jobs.models import Job
from jobs.services import JobNotQueued, enqueue_job

from ..models import WatchedSource

logger = logging.getLogger(__name__)
LS_REMOTE_TIMEOUT = 60.0


def add_watch(source: str, ref: str, *, interval_minutes: int = 15) -> WatchedSource:
    """Watch `ref` of `source` (validated as for an ingest); an existing watch of it gets the new interval."""
    source = gitsource.validate_source(source.strip(), allow_local=settings.PEDIGREE_ALLOW_LOCAL_SOURCES)
    ref = gitsource.validate_ref(ref.strip())
    if interval_minutes < 1:
        raise ValueError("the interval is at least one minute")
    watch, _ = WatchedSource.objects.update_or_create(
        source=source, ref=ref, defaults={"interval_minutes": interval_minutes, "enabled": True})
    return watch


def is_due(watch: WatchedSource, now: dt.datetime) -> bool:
    return watch.enabled and (
        watch.last_checked_at is None or watch.last_checked_at + dt.timedelta(minutes=watch.interval_minutes) <= now)


def poll(watch: WatchedSource, now: dt.datetime | None = None) -> Job | None:
    """Ask the remote where the ref points; when it moved (or was never ingested), queue a history job, unless
    one for the same source and ref is queued or running. Returns the job queued, if any."""
    now = now or timezone.now()
    try:
        sha = gitremote.remote_commit(watch.source, watch.ref, allow_local=settings.PEDIGREE_ALLOW_LOCAL_SOURCES,
                                      timeout=LS_REMOTE_TIMEOUT, egress=current_policy())
    except (gitsource.GitSourceError, gitsource.GitTransientError) as exc:
        WatchedSource.objects.filter(pk=watch.pk).update(last_checked_at=now, last_error=str(exc)[:2000])
        return None
    job = None
    if sha != watch.last_sha:
        running = Job.objects.active().filter(kind=JobKind.HISTORY, params__source=watch.source, params__ref=watch.ref)
        if not running.exists():
            try:
                with transaction.atomic():
                    job = enqueue_job(JobKind.HISTORY, {"source": watch.source, "ref": watch.ref})
            except JobNotQueued as exc:
                WatchedSource.objects.filter(pk=watch.pk).update(last_checked_at=now, last_error=str(exc)[:2000])
                return None
    # last_sha is what was handed to a job: a failed job is not retried until the ref moves again.
    WatchedSource.objects.filter(pk=watch.pk).update(
        last_checked_at=now, last_sha=sha if job is not None else watch.last_sha, last_error="")
    return job


def poll_due(now: dt.datetime | None = None) -> int:
    """Poll every enabled watch whose interval has passed; returns how many history jobs were queued."""
    now = now or timezone.now()
    queued = 0
    for watch in WatchedSource.objects.filter(enabled=True):
        if is_due(watch, now):
            queued += poll(watch, now) is not None
    return queued
