"""What an operator watches: messages waiting in each broker queue and the age of the oldest
queued and running jobs (a growing queue or an old job means workers are missing or stuck)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from celery import current_app
from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone

from .choices import JobStatus
from .models import Job


@dataclass(frozen=True)
class QueueDepth:
    queue: str
    messages: int | None  # None when the broker could not be asked
    error: str = ""


@dataclass(frozen=True)
class JobMetrics:
    queues: list[QueueDepth]
    jobs_by_status: dict[str, int]
    oldest_queued_seconds: float | None  # since the oldest queued job was created
    oldest_running_seconds: float | None  # since the oldest running job started
    stalest_heartbeat_seconds: float | None  # since the least recent heartbeat of a running job
    cancelling: int  # running jobs asked to stop that have not yet (they do at their next progress report)

    def as_dict(self) -> dict:
        return asdict(self)


def job_queues() -> list[str]:
    """Every queue a worker consumes (see CELERY_TASK_ROUTES)."""
    names = [settings.PEDIGREE_INGEST_QUEUE, settings.PEDIGREE_ARTIFACT_QUEUE, settings.CELERY_TASK_DEFAULT_QUEUE]
    return list(dict.fromkeys(names))


def broker_queue_depths(names: list[str]) -> list[QueueDepth]:
    depths = []
    try:
        with current_app.connection_for_read() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            channel = conn.default_channel
            for name in names:
                try:
                    depths.append(QueueDepth(name, channel.queue_declare(queue=name, passive=True).message_count))
                except Exception as exc:  # a passive declare of a queue nobody declared yet: it holds nothing
                    if "NOT_FOUND" not in str(exc):
                        raise
                    depths.append(QueueDepth(name, 0))
    except Exception as exc:  # monitoring reports a broken broker instead of failing
        return [QueueDepth(name, None, f"{type(exc).__name__}: {exc}"[:300]) for name in names]
    return depths


def _age(since: dt.datetime | None, now: dt.datetime) -> float | None:
    return None if since is None else round((now - since).total_seconds(), 1)


def job_metrics(*, now: dt.datetime | None = None) -> JobMetrics:
    now = now or timezone.now()
    by_status = dict(Job.objects.order_by().values_list("status").annotate(n=Count("id")))
    queued = Job.objects.filter(status=JobStatus.QUEUED).aggregate(oldest=Min("created_at"))
    running = Job.objects.filter(status=JobStatus.RUNNING).aggregate(oldest=Min("started_at"), beat=Min("heartbeat_at"))
    return JobMetrics(
        queues=broker_queue_depths(job_queues()),
        jobs_by_status={status: by_status.get(status, 0) for status in JobStatus.values},
        oldest_queued_seconds=_age(queued["oldest"], now),
        oldest_running_seconds=_age(running["oldest"], now),
        stalest_heartbeat_seconds=_age(running["beat"], now),
        cancelling=Job.objects.filter(status=JobStatus.RUNNING, cancel_requested_at__isnull=False).count(),
    )
