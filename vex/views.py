"""The VEX pages: a release's CVE findings, statements and matching advisories; the advisory list and
the admins' import form; the release manager's scan button. Sign-in is the portal middleware's; the
role checks are access.permissions'."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from access.accesslog import record_access
from access.choices import AccessAction
from access.permissions import advisory_import_required, job_starter_required, viewer_required
from access.uploads import FileTooLarge, UploadRefused, read_limited_upload
from audits.models import Release
from audits.views.common import render_page

from .advisories import AdvisoryError
from .cves import statements
from .forms import AdvisoryUploadForm
from .models import Advisory, VexScan
from .services.advisories import import_advisory, release_matches, upload_limits
from .services.scan import scan_release
from .services.statements import stored_findings


def _release(release_id: int) -> Release:
    return get_object_or_404(Release.objects.select_related("commit", "distribution"), pk=release_id)


@require_safe
@viewer_required
def release_vex(request: HttpRequest, release_id: int) -> HttpResponse:
    release = _release(release_id)
    findings = stored_findings(release)
    stated = statements(findings)
    return render_page(request, "vex/release.html", {
        "release": release,
        "scan": VexScan.objects.filter(release=release).first(),
        "findings": findings,
        "statements": stated,
        "matches": release_matches(release, statements=stated),
    })


@require_POST
@job_starter_required
def scan(request: HttpRequest, release_id: int) -> HttpResponse:
    """Scan the release's overlays now (it fetches the repository once, for the added patches' headers)."""
    release = _release(release_id)
    result = scan_release(release)
    record_access(request, AccessAction.START_JOB, f"CVE scan of release {release.pk}", release=release)
    messages.success(request, f"Scanned: {result.findings.count()} CVE finding(s)."
                              + (f" {result.patch_note}" if result.patch_note else ""))
    return redirect("vex:release", release.pk)


@require_safe
@viewer_required
def advisories(request: HttpRequest) -> HttpResponse:
    """Every imported advisory; admins also see the import form."""
    return _advisory_page(request, AdvisoryUploadForm())


@csrf_exempt  # the CSRF check reads the form: _import makes it, once the body is read within its limits
@require_POST
@advisory_import_required
def import_file(request: HttpRequest) -> HttpResponse:
    """An admin's advisory file, read within its limit; refused files are not stored (vex.advisories)."""
    max_bytes, file_limits = upload_limits()
    try:
        read_limited_upload(request, max_bytes=max_bytes, file_limits=file_limits)
    except UploadRefused as exc:
        return HttpResponse(str(exc), status=exc.status, content_type="text/plain; charset=utf-8")
    except FileTooLarge as exc:
        return _advisory_page(request, AdvisoryUploadForm.refused(exc.field, str(exc)), status=400)
    return _import(request)


@csrf_protect
def _import(request: HttpRequest) -> HttpResponse:
    form = AdvisoryUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            advisory = import_advisory(upload.read(), filename=upload.name, user=request.user)
        except AdvisoryError as exc:
            form.add_error("file", str(exc))
        else:
            record_access(request, AccessAction.UPLOAD, f"advisory {advisory.identifier} ({advisory.sha256})")
            messages.success(request, f"Advisory {advisory.identifier} is imported.")
            return redirect(reverse("vex:advisories"))
    return _advisory_page(request, form, status=400)


def _advisory_page(request: HttpRequest, form: AdvisoryUploadForm, status: int = 200) -> HttpResponse:
    rows = Advisory.objects.select_related("uploaded_by").prefetch_related("packages").defer("content")
    return render_page(request, "vex/advisories.html", {"advisories": rows, "form": form}, status=status)
