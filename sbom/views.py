"""Downloads of stored SBOM documents and the release manager's "generate" button.

Sign-in is enforced by the portal's middleware; the role checks are the audits app's.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_POST, require_safe

from audits.access import record_access
from audits.choices import AccessAction
from audits.models import Component, Release
from audits.permissions import job_starter_required, viewer_required
from audits.views.common import start_release_job
from jobs.choices import JobKind

from .choices import CONTENT_TYPES, SbomFormat
from .forms import BundleUploadForm, SigningPolicyForm
from .models import SbomDocument, SignatureBundle, SigningPolicy
from .services.generate import component_document as generate_component_document
from .services.signatures import UploadError, customer_trust_config_json, record_upload
from .services.verification import TRUST_CONFIG_FILE_NAME

DOCUMENT_FIELDS = ("id", "release_id", "component_name", "format", "spec_version", "size", "sha256", "sha512",
                   "generated_at", "generation_seconds", "validation", "serial_number", "generator_version")


def _release(release_id: int) -> Release:
    return get_object_or_404(Release.objects.select_related("commit", "distribution"), pk=release_id)


def _download(request: HttpRequest, document: SbomDocument) -> HttpResponse:
    """The stored bytes, streamed, with an ETag (sha256) and Last-Modified (the deterministic timestamp)."""
    etag = quote_etag(document.sha256)
    last_modified = http_date(document.generated_at.timestamp())
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        record_access(request, AccessAction.EXPORT, f"SBOM {document.file_name}", release=document.release_id)
        response = FileResponse(
            io.BytesIO(bytes(document.content)),
            as_attachment=True,
            filename=document.file_name,
            content_type=CONTENT_TYPES[SbomFormat(document.format)],
        )
        response["Content-Length"] = str(document.size)
    response["ETag"] = etag
    response["Last-Modified"] = last_modified
    response["Cache-Control"] = "private, no-cache"  # revalidate with the ETag; never in shared caches
    return response


@require_safe
@viewer_required
def release_document(request: HttpRequest, release_id: int, fmt: str) -> HttpResponse:
    release = _release(release_id)
    document = (SbomDocument.objects.select_related("release__commit", "release__distribution")
                .filter(release=release, component_name="", format=fmt).first())
    if document is None:
        raise Http404("this release has no SBOM yet: run the SBOM job for it")
    return _download(request, document)


@require_safe
@viewer_required
def component_document(request: HttpRequest, release_id: int, name: str, fmt: str) -> HttpResponse:
    release = _release(release_id)
    if not Component.objects.filter(release=release, name=name).exists():
        raise Http404("no such component in this release")
    document = generate_component_document(release, name, fmt)
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
    documents = SbomDocument.objects.defer("content").filter(release=release, component_name="").prefetch_related(
        Prefetch("signature_bundles", SignatureBundle.objects.defer("content", "artifact_content")))
    return render(request, "sbom/release.html", {"release": release, "documents": documents})


@require_POST
@job_starter_required
def start_release_sbom(request: HttpRequest, release_id: int) -> HttpResponse:
    return start_release_job(request, _release(release_id), JobKind.SBOM, "SBOM generation")


# -- Sigstore bundles ------------------------------------------------------------------------------

def _bundle_response(content: bytes, file_name: str) -> HttpResponse:
    response = FileResponse(io.BytesIO(content), as_attachment=True, filename=file_name, content_type="application/json")
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = "private, no-cache"
    return response


@require_safe
@viewer_required
def bundle_download(request: HttpRequest, bundle_id: int) -> HttpResponse:
    """A bundle as `<artifact file name>.sigstore.json`, the name the stock CLI looks for beside the file."""
    bundle = get_object_or_404(SignatureBundle.objects.defer("artifact_content"), pk=bundle_id)
    return _bundle_response(bytes(bundle.content), bundle.file_name)


@require_safe
@viewer_required
def uploaded_artifact_download(request: HttpRequest, bundle_id: int) -> HttpResponse:
    bundle = get_object_or_404(SignatureBundle, pk=bundle_id, artifact_content__isnull=False)
    return FileResponse(io.BytesIO(bytes(bundle.artifact_content)), as_attachment=True, filename=bundle.artifact_name,
                        content_type="application/octet-stream")


@require_safe
@viewer_required
def trust_config_download(request: HttpRequest) -> HttpResponse:
    """The pinned trusted root as a ClientTrustConfig, for `sigstore --trust-config` (private instances)."""
    return _bundle_response(customer_trust_config_json().encode(), TRUST_CONFIG_FILE_NAME)


def _back_to_release(release: Release) -> HttpResponse:
    return redirect(reverse("audits:release-detail", args=[release.pk]) + "#signatures")


@require_POST
@job_starter_required
def start_signing(request: HttpRequest, release_id: int) -> HttpResponse:
    return start_release_job(request, _release(release_id), JobKind.SIGN, "signing of the SBOMs and evidence")


@require_POST
@job_starter_required
def start_verification(request: HttpRequest, release_id: int) -> HttpResponse:
    return start_release_job(request, _release(release_id), JobKind.VERIFY, "signature verification")


@require_POST
@job_starter_required
def upload_bundle(request: HttpRequest, release_id: int) -> HttpResponse:
    release = _release(release_id)
    limit = settings.PEDIGREE_MAX_BUNDLE_BYTES + settings.PEDIGREE_MAX_SIGNED_ARTIFACT_BYTES + 64 * 1024
    if int(request.META.get("CONTENT_LENGTH") or 0) > limit:  # refuse before Django spools the files to disk
        return HttpResponse(f"The upload is larger than {filesizeformat(limit)}.", status=413, content_type="text/plain")
    form = BundleUploadForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        artifact = data["artifact"].read() if data["artifact"] else None
        try:
            bundle = record_upload(release, bundle_json=data["bundle"].read(), artifact_name=data["artifact_name"],
                                   artifact=artifact, sha256=data["sha256"], user=request.user)
        except UploadError as exc:
            form.add_error(None, str(exc))
        else:  # who uploaded it is kept on the row
            messages.success(request, f"The bundle for {bundle.artifact_name} is stored; verify the release's "
                                      "signatures to check it.")
            return _back_to_release(release)
    return render(request, "sbom/upload_bundle.html", {"release": release, "form": form}, status=400)


@require_POST
@job_starter_required
def set_signing_policy(request: HttpRequest, release_id: int) -> HttpResponse:
    release = _release(release_id)
    policy = SigningPolicy.objects.filter(release=release).first() or SigningPolicy(release=release)
    form = SigningPolicyForm(request.POST, instance=policy)
    if not form.is_valid():
        return render(request, "sbom/upload_bundle.html", {"release": release, "form": form}, status=400)
    policy = form.save(commit=False)
    policy.updated_by = request.user
    policy.save()
    messages.success(request, "The expected signer of this release is saved; it applies from the next verification.")
    return _back_to_release(release)
