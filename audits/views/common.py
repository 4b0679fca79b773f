"""What the auditor pages share, and lend to the job buttons of other apps (sbom, evidence)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from access.accesslog import record_access
from access.choices import AccessAction
from access.permissions import Capabilities
from jobs.models import Job
from jobs.services import JobNotQueued, enqueue_job

from ..choices import Headline
from ..models import Release

PAGE_SIZE = 100  # rows of the package table and of the access log
HEADLINE_LABELS = dict(Headline.choices)


def render_page(request, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """A portal page: the template gets what the user may do (`can`) besides `context`."""
    return render(request, template, {"can": Capabilities(request.user), **context}, status=status)


def queue_job(request, kind: str, params: dict[str, Any], *, release: Release | None = None) -> Job | None:
    """Queue a job for a button or form; None, with the reason shown as a message, when the broker is down.

    Every view that starts a job goes through here (signing and evidence buttons too), so that
    none of them fails with a 500 or leaves a row queued forever when jobs cannot be queued.
    """
    try:
        return enqueue_job(kind, params, user=request.user, release=release)
    except JobNotQueued as exc:
        messages.error(request, str(exc))
        return None


def start_release_job(request, release: Release, kind: str, what: str) -> HttpResponse:
    """What a release's job button answers: queue the job, log the start, say so, back to the release page
    (the release page, with the broker's message, when jobs cannot be queued)."""
    job = queue_job(request, kind, {"release_id": release.pk}, release=release)
    if job is None:
        return redirect("audits:release-detail", release.pk)
    record_access(request, AccessAction.START_JOB, f"{what} job {job.pk} of release {release.pk}", release=release)
    messages.success(request, f"The {what} of this release is queued as job {job.pk}; its progress shows below.")
    return redirect(reverse("audits:release-detail", args=[release.pk]) + f"#job-{job.pk}")
