"""Pages: the policy file (admins edit it), a release's policy results with waivers and the sign-off,
the findings export, and the sign-off's files. Thin: the work is in services/."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from access.accesslog import record_access
from access.choices import AccessAction
from access.downloads import file_response
from access.permissions import (
    export_required,
    policy_editor_required,
    sign_off_required,
    viewer_required,
    waiver_approver_required,
)
from audits.exports import export_bytes
from audits.models import Release
from audits.views.common import render_page

from . import rules
from .exports import FINDING_COLUMNS, finding_rows
from .forms import FindingFilter, PolicyForm, WaiverForm
from .models import Finding, PolicyVersion, SignOff, Waiver
from .services import policy as policies
from .services import signoff, waivers
from .services.evaluation import evaluate_all

PAGE_SIZE = 100


def _policy_page(request, form: PolicyForm | None = None, status: int = 200):
    current = policies.current_version()
    form = form or PolicyForm(initial={"text": current.text, "based_on": current.number})
    versions = PolicyVersion.objects.select_related("created_by").defer("text")
    return render_page(request, "policies/policy.html",
                       {"current": current, "form": form, "versions": versions, "rules": rules.RULES}, status=status)


@viewer_required
def policy_page(request):
    """The policy in force, every earlier version, and (admins) the editor."""
    return _policy_page(request)


@require_POST
@policy_editor_required
def save_policy(request):
    """A new version, or the editor again with every problem of the file (nothing saved)."""
    form = PolicyForm(request.POST)
    if form.is_valid():
        try:
            version = policies.save_policy(form.cleaned_data["text"], user=request.user, via="page",
                                           comment=form.cleaned_data["comment"], based_on=form.cleaned_data["based_on"])
        except rules.PolicyError as exc:
            for problem in exc.problems:
                form.add_error("text", str(problem))
        except policies.StalePolicy as exc:
            form.add_error(None, str(exc))
        else:
            record_access(request, AccessAction.EDIT_POLICY, f"saved policy version {version.number}")
            results = evaluate_all(version)
            messages.success(request, f"Policy version {version.number} saved; {len(results)} release"
                                      f"{'s' if len(results) != 1 else ''} re-evaluated.")
            return redirect("policies:policy")
    return _policy_page(request, form, status=400)


@viewer_required
def policy_version_text(request, number: int):
    version = get_object_or_404(PolicyVersion, number=number)
    return file_response(request, version.text.encode(), file_name=f"pedigree-policy-v{version.number}.toml",
                         content_type="text/plain; charset=utf-8")


def _findings(release: Release):
    return (Finding.objects.filter(release=release).with_waiver()
            .select_related("component", "policy_version").order_by("component__name", "rule", "subject"))


@viewer_required
def release_policy(request, pk: int):
    """The release's findings (filtered by rule, severity, status), its waivers with history, its sign-off."""
    release = get_object_or_404(Release.objects.with_related(), pk=pk)
    filters = FindingFilter(request.GET)
    page = Paginator(filters.apply(_findings(release)), PAGE_SIZE).get_page(request.GET.get("page"))
    release_waivers = (Waiver.objects.filter(release=release).select_related("component", "approved_by")
                       .prefetch_related("events__user"))
    return render_page(request, "policies/release_policy.html", {
        "release": release, "filters": filters, "page": page, "counts": Finding.objects.filter(release=release).counts(),
        "waivers": release_waivers, "waiver_form": WaiverForm(), "sign_off": SignOff.objects.filter(release=release)
        .select_related("signed_by", "policy_version").first(), "blockers": signoff.blockers(release),
        "now": timezone.now(),
    })


@export_required
def export_findings(request, pk: int, fmt: str):
    """The filtered findings as CSV or XLSX, with each one's waiver state now."""
    release = get_object_or_404(Release, pk=pk)
    rows = finding_rows(FindingFilter(request.GET).apply(_findings(release)))
    content, content_type = export_bytes(fmt, FINDING_COLUMNS, rows, title="Findings")
    record_access(request, AccessAction.EXPORT, f"policy findings of release {release.pk} as {fmt.upper()}",
                  release=release)
    return file_response(request, content, file_name=f"pedigree-release-{release.pk}-findings.{fmt}",
                         content_type=content_type)


def _back(release_id: int):
    return redirect(reverse("policies:release", args=[release_id]) + "#waivers")


@require_POST
@waiver_approver_required
def approve_waiver(request, pk: int, finding: int):
    finding = get_object_or_404(Finding.objects.select_related("component"), pk=finding, release_id=pk)
    form = WaiverForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        return _back(pk)
    try:
        waiver = waivers.approve(finding, justification=form.cleaned_data["justification"],
                                 expires_at=form.expires_at, user=request.user, via="page")
    except waivers.WaiverError as exc:
        messages.error(request, str(exc))
        return _back(pk)
    record_access(request, AccessAction.WAIVE, f"approved waiver {waiver.pk}: {finding.component.name} {finding.rule} "
                                               f"until {waiver.expires_at:%Y-%m-%d}", release=pk)
    messages.success(request, f"{finding.component.name}: {finding.rule} is waived until {waiver.expires_at:%Y-%m-%d}.")
    return _back(pk)


@require_POST
@waiver_approver_required
def revoke_waiver(request, pk: int, waiver: int):
    waiver = get_object_or_404(Waiver, pk=waiver, release_id=pk)
    try:
        waivers.revoke(waiver, user=request.user, via="page", revision=None)
    except waivers.WaiverError as exc:
        messages.error(request, str(exc))
        return _back(pk)
    record_access(request, AccessAction.WAIVE, f"revoked waiver {waiver.pk}", release=pk)
    messages.success(request, "The waiver is revoked; its finding is a violation again.")
    return _back(pk)


@require_POST
@sign_off_required
def sign_off(request, pk: int):
    release = get_object_or_404(Release.objects.with_related(), pk=pk)
    try:
        made = signoff.sign_off(release, user=request.user, via="page")
    except signoff.SignOffError as exc:
        messages.error(request, str(exc))
    else:
        record_access(request, AccessAction.SIGN_OFF, f"signed off release {release.pk} (sign-off {made.pk})",
                      release=release)
        messages.success(request, "The release is signed off; the signed attestation is below.")
    return redirect(reverse("policies:release", args=[pk]) + "#sign-off")


SIGN_OFF_FILES = {"document": ("document", ""), "statement": ("statement", ".intoto.json"),
                  "bundle": ("bundle", ".sigstore.json")}  # part -> (field, suffix of the document's name)


@viewer_required
def sign_off_file(request, pk: int, part: str):
    """The decisions document (the attestation's subject), the in-toto statement or the Sigstore bundle."""
    made = get_object_or_404(SignOff.objects.select_related("release__distribution", "release__commit"), release_id=pk)
    field, suffix = SIGN_OFF_FILES[part]
    return file_response(request, bytes(getattr(made, field)), content_type="application/json",
                         file_name=signoff.document_name(made.release) + suffix)
