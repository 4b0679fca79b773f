"""The release list with the ingest form, the release dashboard (the package table underneath it), and the buttons
that start an ingest or a release's upstream verification."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from access.accesslog import record_access
from access.choices import AccessAction
from access.permissions import Capabilities, job_starter_required, viewer_required
from jobs.choices import JobKind
from jobs.models import Job

from ..azldev.classify import HEADLINE_PRECEDENCE
from ..charts import bars
from ..choices import UpstreamVerdict
from ..forms import IngestForm
from ..links import repo_link
from ..models import Component, Overlay, Release, UpstreamVerification
from .common import HEADLINE_LABELS, queue_job, render_page, start_release_job
from .components import table_context


def _ingest_form(release: Release | None = None) -> IngestForm:
    if release is not None:
        return IngestForm(initial={"source": release.source_url, "ref": release.ref})
    return IngestForm(initial={"source": settings.PEDIGREE_DEFAULT_SOURCE, "ref": settings.PEDIGREE_DEFAULT_REF})


@require_GET
@viewer_required
def release_list(request):
    can = Capabilities(request.user)
    jobs = list(Job.objects.filter(kind__in=[JobKind.INGEST, JobKind.HISTORY]).select_related("release")[:10]) if can.start_jobs else []
    return render_page(
        request,
        "audits/release_list.html",
        {
            "releases": Release.objects.with_related(),
            "jobs": jobs,
            "ingest_form": _ingest_form() if can.start_jobs else None,
        },
    )


@require_POST
@job_starter_required
def start_ingest(request):
    form = IngestForm(request.POST)
    if not form.is_valid():
        return render_page(request, "audits/ingest_form.html", {"ingest_form": form}, status=400)
    source, ref = form.cleaned_data["source"], form.cleaned_data["ref"]
    kind = JobKind.HISTORY if form.cleaned_data["history"] else JobKind.INGEST
    what = "history ingest" if kind == JobKind.HISTORY else "ingest"
    job = queue_job(request, kind, {"source": source, "ref": ref})
    if job is None:
        return render_page(request, "audits/ingest_form.html", {"ingest_form": form}, status=503)
    record_access(request, AccessAction.START_JOB, f"{what} job {job.pk}: {source} at {ref}")
    messages.success(request, f"The {what} of {source} at {ref} is queued as job {job.pk}; its progress shows below.")
    return redirect(reverse("audits:release-list") + f"#job-{job.pk}")


@require_POST
@job_starter_required
def start_upstream_verification(request, pk: int):
    release = get_object_or_404(Release.objects.with_related(), pk=pk)
    return start_release_job(request, release, JobKind.UPSTREAM, "upstream verification")


def _upstream_verdict_counts(release: Release) -> list[tuple[str, str, int]]:
    """(verdict, label, components) by each component's newest upstream verification; [] when none."""
    if not UpstreamVerification.objects.filter(component__release=release).exists():
        return []  # the per-component subquery below costs ~20 ms on a full release
    rows = (
        Component.objects.filter(release=release).order_by().with_newest_upstream("verdict")
        .exclude(upstream_verdict=None).values("upstream_verdict").annotate(n=Count("id"))
    )  # fmt: skip
    counts = {row["upstream_verdict"]: row["n"] for row in rows}
    return [(value, label, counts[value]) for value, label in UpstreamVerdict.choices if counts.get(value)]


def _summary_sentence(release: Release) -> str:
    by = release.summary.get("by_headline", {})
    total = release.summary.get("components", 0)
    if not total:
        return "This release has no components."
    intact = by.get("intact", 0)
    parts = [f"Of {total:,} components, {intact:,} ({100 * intact / total:.0f} %) are Fedora-intact"]
    words = {
        "altered": "changed by overlays or source files",
        "pinned": "taken from another point of Fedora's history",
        "build-customised": "built with different options",
        "local": "built from specs written in this repository",
    }
    rest = [f"{by[k]:,} {words[k]}" for k in ("altered", "pinned", "build-customised", "local") if by.get(k)]
    return parts[0] + ("; " + ", ".join(rest) if rest else "") + "."


@require_GET
@viewer_required
def release_detail(request, pk: int):
    """The release dashboard, with the package table (filters kept in the URL) underneath."""
    release = get_object_or_404(Release.objects.with_related(), pk=pk)
    summary = release.summary
    upstream_status = dict(
        Overlay.objects.filter(component__release=release).order_by().values_list("upstream_status").annotate(n=Count("id"))
    )
    upstream_status = {k or "(none)": v for k, v in upstream_status.items()}
    inconsistencies = release.inconsistencies.select_related("component").only(
        "kind", "path", "detail", "component__name", "release_id"
    )
    jobs = list(release.jobs.select_related("created_by")[:20])
    context = {
        "release": release,
        "tree_url": repo_link(release, "tree"),
        "sentence": _summary_sentence(release),
        "headline_bars": bars(summary.get("by_headline", {}), HEADLINE_LABELS, HEADLINE_PRECEDENCE[::-1]),
        "reason_bars": bars(summary.get("by_reason", {})),
        "overlay_types": sorted(summary.get("overlays_by_type", {}).items(), key=lambda kv: (-kv[1], kv[0])),
        "overlay_categories": sorted(summary.get("overlays_by_category", {}).items(), key=lambda kv: (-kv[1], kv[0])),
        "upstream_statuses": sorted(upstream_status.items(), key=lambda kv: (-kv[1], kv[0])),
        "top_overlays": Component.objects.filter(release=release, overlay_count__gt=0)
        .order_by("-overlay_count", "name")
        .only("name", "overlay_count", "headline")[:10],
        "inconsistencies": inconsistencies[:300],
        "inconsistency_total": sum(summary.get("inconsistencies", {}).values()),
        "jobs": jobs,
        "images": release.images.only("id", "name", "profile", "description", "direct_count", "closure_count", "error", "release_id"),
        "ingest_form": _ingest_form(release),
        "upstream_counts": _upstream_verdict_counts(release),
        **table_context(request, release),
    }
    record_access(request, AccessAction.VIEW, f"release {release.pk} ({release.distribution.name} {release.version})", release=release)
    return render_page(request, "audits/release_detail.html", context)
