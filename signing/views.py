"""Signature pages: bundle and uploaded-artifact downloads, the pinned trust configuration, the
release manager's sign / verify buttons and third-party bundle uploads, and a release's expected
signer (admins only: see access.permissions).

Sign-in is enforced by the portal's middleware; the role checks are access.permissions'. The panels
that show signatures on other apps' pages are templatetags/signing_tags.py.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from access.accesslog import record_access
from access.choices import AccessAction
from access.downloads import file_response
from access.permissions import (
    job_starter_required,
    signing_policy_required,
    viewer_required,
)
from access.uploads import FileTooLarge, UploadRefused, read_limited_upload
from audits.models import Release
from audits.views.common import start_release_job
from jobs.choices import JobKind

from .forms import BundleUploadForm, SigningPolicyForm
from .models import SignatureBundle, SigningPolicy
from .services.policy import change_expected_signer
from .services.signatures import UploadError, customer_trust_config_json, record_upload
from .services.verification import TRUST_CONFIG_FILE_NAME


def _release(release_id: int) -> Release:
    return get_object_or_404(Release.objects.select_related("commit", "distribution"), pk=release_id)


@require_safe
@viewer_required
def bundle_download(request: HttpRequest, bundle_id: int) -> HttpResponse:
    """A bundle as `<artifact file name>.sigstore.json`, the name the stock CLI looks for beside the file."""
    bundle = get_object_or_404(SignatureBundle.objects.defer("content", "artifact_content"), pk=bundle_id)
    return file_response(request, lambda: bytes(bundle.content), file_name=bundle.file_name,
                         content_type="application/json", etag=bundle.sha256, stream=True)


@require_safe
@viewer_required
def uploaded_artifact_download(request: HttpRequest, bundle_id: int) -> HttpResponse:
    bundle = get_object_or_404(SignatureBundle.objects.defer("content", "artifact_content"), pk=bundle_id,
                               artifact_content__isnull=False)
    return file_response(request, lambda: bytes(bundle.artifact_content), file_name=bundle.artifact_name,
                         content_type="application/octet-stream", etag=bundle.artifact_sha256, stream=True)


@require_safe
@viewer_required
def trust_config_download(request: HttpRequest) -> HttpResponse:
    """The pinned trusted root as a ClientTrustConfig, for `sigstore --trust-config` (private instances)."""
    content = customer_trust_config_json().encode()
    return file_response(request, content, file_name=TRUST_CONFIG_FILE_NAME, content_type="application/json",
                         etag=hashlib.sha256(content).hexdigest(), stream=True)


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


def upload_limits() -> tuple[int, dict[str, tuple[int, str]]]:
    """The most an upload may send (both files and the form around them) and each file's own limit."""
    files = {"bundle": (settings.PEDIGREE_MAX_BUNDLE_BYTES, "bundle"),
             "artifact": (settings.PEDIGREE_MAX_SIGNED_ARTIFACT_BYTES, "artifact")}
    return settings.PEDIGREE_MAX_BUNDLE_BYTES + settings.PEDIGREE_MAX_SIGNED_ARTIFACT_BYTES + 64 * 1024, files


@csrf_exempt  # the CSRF check reads the form: _store_upload makes it, once the body is read within its limits
@require_POST
@job_starter_required
def upload_bundle(request: HttpRequest, release_id: int) -> HttpResponse:
    """A third-party bundle (and its artifact), read within the limits: a body over them is refused (413) as soon
    as it is known to be, from its Content-Length or while it is read (chunked), a file over its own limit is
    refused (400) when its limit is reached; neither is read further nor stored."""
    release = _release(release_id)
    max_bytes, file_limits = upload_limits()
    try:
        read_limited_upload(request, max_bytes=max_bytes, file_limits=file_limits)
    except UploadRefused as exc:
        return HttpResponse(str(exc), status=exc.status, content_type="text/plain; charset=utf-8")
    except FileTooLarge as exc:
        form = BundleUploadForm.refused(exc.field, str(exc))
        return render(request, "signing/upload_bundle.html", {"release": release, "form": form}, status=400)
    return _store_upload(request, release)


@csrf_protect
def _store_upload(request: HttpRequest, release: Release) -> HttpResponse:
    form = BundleUploadForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        artifact = data["artifact"].read() if data["artifact"] else None
        try:
            bundle = record_upload(release, bundle_json=data["bundle"].read(), artifact_name=data["artifact_name"],
                                   artifact=artifact, sha256=data["sha256"], user=request.user)
        except UploadError as exc:
            form.add_error(None, str(exc))
        else:  # who uploaded it is kept on the row, and in the access log
            record_access(request, AccessAction.UPLOAD, f"signature bundle {bundle.pk} for {bundle.artifact_name} "
                          f"(SHA-256 {bundle.artifact_sha256}) of release {release.pk}", release=release)
            messages.success(request, f"The bundle for {bundle.artifact_name} is stored; verify the release's "
                                      "signatures to check it.")
            return _back_to_release(release)
    return render(request, "signing/upload_bundle.html", {"release": release, "form": form}, status=400)


@require_POST
@signing_policy_required
def set_signing_policy(request: HttpRequest, release_id: int) -> HttpResponse:
    """An admin sets whose signature the release's bundles must carry; the change is kept and logged."""
    release = _release(release_id)
    form = SigningPolicyForm(request.POST, instance=SigningPolicy(release=release))
    if not form.is_valid():
        return render(request, "signing/upload_bundle.html", {"release": release, "form": form}, status=400)
    identity, issuer = form.cleaned_data["identity"], form.cleaned_data["issuer"]
    change = change_expected_signer(release, identity=identity, issuer=issuer, user=request.user)
    if change is None:
        messages.info(request, "That already is the expected signer of this release; nothing changed.")
    else:
        before = f"{change.old_identity} via {change.old_issuer}" if change.old_identity else "the portal's default"
        record_access(request, AccessAction.CHANGE_POLICY,
                      f"expected signer of release {release.pk}: {before} -> {identity} via {issuer}", release=release)
        messages.success(request, "The expected signer of this release is saved; it applies from the next "
                                  "verification.")
    return _back_to_release(release)
