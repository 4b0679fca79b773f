"""Job pages: the progress JSON that static/js/jobs.js polls, the monitoring JSON, and the cancel button.

/healthz/jobs is reachable with `Authorization: Bearer <PEDIGREE_MONITORING_TOKEN>` (a monitoring
system has no session), or by a signed-in admin; without the token setting only the latter.
"""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from access.accesslog import record_access
from access.api.converters import parse_id
from access.choices import AccessAction
from access.middleware import public
from access.permissions import can_view_access_log, viewer_required

from .cancellation import JobAlreadyFinished, may_cancel, request_cancel
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
        "cancelling": job.cancelling,
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
        "kind", "status", "stage", "progress_done", "progress_total", "error", "release_id", "cancel_requested_at"
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


@require_POST
def cancel_job(request, pk: int):
    """The cancel button of a job row: cancel it (or ask it to stop), say so, and go back where the button was."""
    job = get_object_or_404(Job, pk=pk)
    if not may_cancel(request.user, job):
        raise PermissionDenied("Cancelling a job needs the permission to start jobs of its kind (the release-manager role).")
    try:
        job = request_cancel(job.pk, request.user)
    except JobAlreadyFinished as exc:
        messages.info(request, f"Nothing to cancel: {exc}.")
    else:
        record_access(request, AccessAction.START_JOB, f"cancelled {job.kind} job {job.pk}", release=job.release_id)
        messages.success(request, f"Job {job.pk} was cancelled." if job.finished else
                         f"Job {job.pk} will stop at its next progress report.")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("audits:release-detail", args=[job.release_id]) if job.release_id else reverse("audits:release-list")
    return redirect(f"{back}#job-{job.pk}")
