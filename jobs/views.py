"""Job pages for machines: the progress JSON that static/js/jobs.js polls, and the monitoring JSON.

/healthz/jobs is reachable with `Authorization: Bearer <PEDIGREE_MONITORING_TOKEN>` (a monitoring
system has no session), or by a signed-in admin; without the token setting only the latter.
"""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from access.api.converters import parse_id
from access.middleware import public
from access.permissions import can_view_access_log, viewer_required

from .models import Job
from .monitoring import job_metrics

MAX_POLLED_JOBS = 50


def _job_json(job: Job) -> dict[str, Any]:
    return {
        "id": job.pk,
        "kind": job.get_kind_display(),
        "status": job.status,
        "status_label": job.get_status_display(),
        "stage": job.stage,
        "done": job.progress_done,
        "total": job.progress_total,
        "percent": job.percent,
        "error": job.error,
        "finished": job.finished,
        "release_url": reverse("audits:release-detail", args=[job.release_id]) if job.release_id else "",
    }


def _polled_ids(raw: str) -> list[int]:
    """The job ids of ?ids=1,2,3: at most MAX_POLLED_JOBS, none past what the database holds."""
    return [pk for part in raw.split(",")[:MAX_POLLED_JOBS] if (pk := parse_id(part)) is not None]


@require_GET
@viewer_required
def job_status(request):
    """Progress of the jobs named in ?ids=1,2,3 (polled by static/js/jobs.js)."""
    jobs = Job.objects.filter(pk__in=_polled_ids(request.GET.get("ids", ""))).only(
        "kind", "status", "stage", "progress_done", "progress_total", "error", "release_id"
    )
    return JsonResponse({"jobs": [_job_json(job) for job in jobs]})


def _token_matches(request) -> bool:
    token = settings.PEDIGREE_MONITORING_TOKEN
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


@public
@never_cache
@require_GET
def job_metrics_view(request):
    if not (_token_matches(request) or (request.user.is_authenticated and can_view_access_log(request.user))):
        return JsonResponse({"detail": "a monitoring token or an admin session is required"}, status=403)
    return JsonResponse(job_metrics().as_dict())
