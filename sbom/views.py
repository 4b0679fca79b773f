"""Downloads of stored SBOM documents and the release manager's "generate" button.

Sign-in is enforced by the portal's middleware; the role checks are access.permissions'. The signature
pages (bundles, uploads, the signing and verification buttons) are the signing app's.
"""

from __future__ import annotations

import hashlib

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST, require_safe

from access.accesslog import record_access
from access.choices import AccessAction
from access.downloads import file_response
from access.permissions import job_starter_required, viewer_required
from audits.models import Component, Release
from audits.views.common import render_page, start_release_job
from jobs.choices import JobKind

from .choices import CONTENT_TYPES, SbomFormat
from .models import SbomDocument
from .services.generate import SbomError
from .services.generate import component_document as generate_component_document
from .services.images import image_document as stored_image_document
from .services.vex_documents import CSAF_VEX, CYCLONEDX_VEX, VexUnavailable, build_vex_document

DOCUMENT_FIELDS = ("id", "release_id", "component_name", "image_name", "format", "spec_version", "size", "sha256", "sha512",
                   "generated_at", "generation_seconds", "validation", "serial_number", "generator_version")


def _release(release_id: int) -> Release:
    return get_object_or_404(Release.objects.select_related("commit", "distribution"), pk=release_id)


def _download(request: HttpRequest, document: SbomDocument) -> HttpResponse:
    """The stored bytes (read only when sent), streamed, with an ETag (sha256) and Last-Modified (the deterministic timestamp);
    only a download that sends the bytes is an export in the access log (a 304 is not)."""
    response = file_response(request, lambda: bytes(document.content), file_name=document.file_name,
                             content_type=CONTENT_TYPES[SbomFormat(document.format)], etag=document.sha256,
                             last_modified=document.generated_at, stream=True)
    if response.status_code == 200:
        record_access(request, AccessAction.EXPORT, f"SBOM {document.file_name}", release=document.release_id)
    return response


@require_safe
@viewer_required
def release_document(request: HttpRequest, release_id: int, fmt: str) -> HttpResponse:
    release = _release(release_id)
    document = (SbomDocument.objects.select_related("release__commit", "release__distribution")
                .defer("content", "report")  # a 304 never reads the bytes
                .release_wide().filter(release=release, format=fmt).first())
    if document is None:
        raise Http404("this release has no SBOM yet: run the SBOM job for it")
    return _download(request, document)


@require_safe
@viewer_required
def component_document(request: HttpRequest, release_id: int, name: str, fmt: str) -> HttpResponse:
    release = _release(release_id)
    if not Component.objects.filter(release=release, name=name).exists():
        raise Http404("no such component in this release")
    try:
        document = generate_component_document(release, name, fmt)
    except SbomError as exc:  # an invalid document despite sanitise.py: say why, not a bare error page
        return render_page(request, "sbom/document_failed.html", {"release": release, "name": name,
                                                                  "format": SbomFormat(fmt).label, "reason": str(exc)},
                           status=500)
    return _download(request, document)


@require_safe
@viewer_required
def image_document(request: HttpRequest, release_id: int, name: str, fmt: str) -> HttpResponse:
    """An image's stored CycloneDX document (made by the SBOM job, like the release's)."""
    document = stored_image_document(_release(release_id), name, fmt)
    if document is None:
        raise Http404("this image has no SBOM yet: run the SBOM job for its release")
    return _download(request, document)


@require_safe
@viewer_required
def document_report(request: HttpRequest, document_id: int) -> JsonResponse:
    document = get_object_or_404(SbomDocument.objects.defer("content"), pk=document_id)
    return JsonResponse({
        "document": {field: getattr(document, field) for field in DOCUMENT_FIELDS},
        "report": document.report,
    }, json_dumps_params={"indent": 2})


@require_safe
@viewer_required
def release_documents(request: HttpRequest, release_id: int) -> HttpResponse:
    release = _release(release_id)
    documents = SbomDocument.objects.release_wide().defer("content").filter(release=release)
    return render(request, "sbom/release.html", {"release": release, "documents": documents})


@require_POST
@job_starter_required
def start_release_sbom(request: HttpRequest, release_id: int) -> HttpResponse:
    return start_release_job(request, _release(release_id), JobKind.SBOM, "SBOM generation")


@require_safe
@viewer_required
def release_vex(request: HttpRequest, release_id: int, kind: str) -> HttpResponse:
    """The release's CycloneDX or CSAF VEX document, made from its CVE scan on request (deterministic)."""
    release = _release(release_id)
    try:
        document = build_vex_document(release, kind)
    except VexUnavailable as exc:
        raise Http404(str(exc)) from exc
    digest = hashlib.sha256(document.content).hexdigest()
    response = file_response(request, lambda: document.content, file_name=document.file_name,
                             content_type=document.content_type, etag=digest)
    if response.status_code == 200:
        record_access(request, AccessAction.EXPORT, f"VEX {document.file_name}", release=release.pk)
    return response
