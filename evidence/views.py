"""Evidence bundle pages: list, download (and the OSCAL files inside), start the release job, generate a
component's bundle. Thin: services.bundles does the work; access.permissions decides who may."""

from __future__ import annotations

import io

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_GET, require_POST, require_safe

from access.accesslog import record_access
from access.choices import AccessAction
from access.permissions import (
    Capabilities,
    export_required,
    job_starter_required,
    viewer_required,
)
from audits.models import Release
from audits.views.common import start_release_job
from jobs.choices import JobKind

from .models import EvidenceBundle
from .services import bundles

LIST_FIELDS = ("id", "release_id", "component_name", "size", "sha256", "generator_version", "requested_by__username",
               "requested_at", "generation_seconds", "job_id")
OSCAL_FILES = {"oscal.json": ("oscal/assessment-results.json", "application/json"),
               "findings.csv": ("oscal/findings.csv", "text/csv; charset=utf-8")}


def _bundle(pk: int) -> EvidenceBundle:
    """The row without its bytes and manifest (a release bundle's are tens of MB): a 304 never reads them."""
    return get_object_or_404(EvidenceBundle.objects.select_related("release__distribution", "release__commit")
                             .defer("content", "manifest"), pk=pk)


def _with_etag(request, bundle: EvidenceBundle, suffix: str, make_response) -> HttpResponse:
    """304 when the client has these bytes (the ETag is the bundle's SHA-256, plus the member name)."""
    etag = quote_etag(bundle.sha256 + suffix)
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = make_response()
    response["ETag"] = etag
    response["Last-Modified"] = http_date(bundle.requested_at.timestamp())
    response["Cache-Control"] = "private, no-cache"
    return response


@require_safe
@export_required
def download(request, pk: int):
    bundle = _bundle(pk)

    def stream():
        response = FileResponse(io.BytesIO(bytes(bundle.content)), as_attachment=True, filename=bundle.file_name,
                                content_type="application/zip")
        response["Content-Length"] = str(bundle.size)
        return response

    record_access(request, AccessAction.EXPORT, f"evidence bundle {bundle.pk} of release {bundle.release_id}"
                  + (f" (component {bundle.component_name})" if bundle.component_name else ""), release=bundle.release_id)
    return _with_etag(request, bundle, "", stream)


@require_safe
@export_required
def oscal_file(request, pk: int, member: str):
    """The OSCAL assessment results or findings CSV inside a release bundle."""
    bundle = _bundle(pk)
    path, content_type = OSCAL_FILES[member]
    if bundle.component_name:
        raise Http404("only release bundles have an OSCAL document")

    def respond():
        try:
            data = bundles.member(bundle, path)
        except KeyError:
            raise Http404("this bundle has no OSCAL document") from None
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{bundle.file_name[:-4]}-{member}"'
        return response

    record_access(request, AccessAction.EXPORT, f"{member} of evidence bundle {bundle.pk}", release=bundle.release_id)
    return _with_etag(request, bundle, f"-{member}", respond)


@require_GET
@viewer_required
def bundle_list(request, pk: int):
    release = get_object_or_404(Release.objects.with_related(), pk=pk)
    rows = EvidenceBundle.objects.filter(release=release).values(*LIST_FIELDS)
    record_access(request, AccessAction.VIEW, f"evidence bundles of release {release.pk}", release=release)
    return render(request, "evidence/list.html",
                  {"can": Capabilities(request.user), "release": release, "bundles": rows})


@require_POST
@job_starter_required
def start_release_bundle(request, pk: int):
    release = get_object_or_404(Release.objects.with_related(), pk=pk)
    return start_release_job(request, release, JobKind.EVIDENCE, "evidence bundle")


@require_POST
@export_required
def create_component_bundle(request, pk: int, name: str):
    release = get_object_or_404(Release.objects.with_related(), pk=pk)
    try:
        bundle = bundles.create_component_bundle(release, name, user=request.user)
    except bundles.EvidenceError as exc:
        raise Http404(str(exc)) from None
    record_access(request, AccessAction.EXPORT, f"evidence bundle {bundle.pk} of component {name} of release {release.pk}",
                  release=release)
    return redirect("evidence:download", pk=bundle.pk)
