"""Evidence bundle pages: list, download (and the OSCAL files inside), start the release job, generate a
component's bundle. Thin: services.bundles does the work; access.permissions decides who may."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST, require_safe

from access.accesslog import record_access
from access.choices import AccessAction
from access.downloads import file_response
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


@require_safe
@export_required
def download(request, pk: int):
    """The ZIP, streamed; the ETag is its SHA-256, so a matching If-None-Match gets 304 without reading it."""
    bundle = _bundle(pk)
    record_access(request, AccessAction.EXPORT, f"evidence bundle {bundle.pk} of release {bundle.release_id}"
                  + (f" (component {bundle.component_name})" if bundle.component_name else ""), release=bundle.release_id)
    return file_response(request, lambda: bytes(bundle.content), file_name=bundle.file_name,
                         content_type="application/zip", etag=bundle.sha256, last_modified=bundle.requested_at,
                         stream=True)


@require_safe
@export_required
def oscal_file(request, pk: int, member: str):
    """The OSCAL assessment results or findings CSV inside a release bundle (ETag: the bundle's SHA-256 and
    the member's name)."""
    bundle = _bundle(pk)
    path, content_type = OSCAL_FILES[member]
    if bundle.component_name:
        raise Http404("only release bundles have an OSCAL document")

    def content() -> bytes:
        try:
            return bundles.member(bundle, path)
        except KeyError:
            raise Http404("this bundle has no OSCAL document") from None

    record_access(request, AccessAction.EXPORT, f"{member} of evidence bundle {bundle.pk}", release=bundle.release_id)
    return file_response(request, content, file_name=f"{bundle.file_name.removesuffix('.zip')}-{member}",
                         content_type=content_type, etag=f"{bundle.sha256}-{member}",
                         last_modified=bundle.requested_at)


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
    """The component's bundle: the user's own from the last 24 hours when its evidence is unchanged, else a
    new one, within the user's daily maximum (429 past it; services.bundles.request_component_bundle)."""
    release = get_object_or_404(Release.objects.with_related(), pk=pk)
    try:
        bundle, created = bundles.request_component_bundle(release, name, user=request.user)
    except bundles.EvidenceError as exc:
        raise Http404(str(exc)) from None
    except bundles.TooManyBundles as exc:
        response = render(request, "evidence/too_many.html", {"release": release, "message": str(exc)}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    record_access(request, AccessAction.EXPORT, f"evidence bundle {bundle.pk} of component {name} of release {release.pk}"
                  + ("" if created else " (unchanged: the one made earlier)"), release=release)
    return redirect("evidence:download", pk=bundle.pk)
