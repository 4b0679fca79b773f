"""The signature panels other apps' pages show without importing signing (templates/signing/_*.html):
the release dashboard, the package page, the evidence list and the SBOM list."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import reverse

from access.downloads import safe_file_name
from sbom.models import SbomDocument

from ..forms import BundleUploadForm, SigningPolicyForm
from ..models import SignatureBundle, SignatureVerification, SigningPolicy
from ..services.policy import policy_history
from ..services.signatures import bundles_of, pinned_root, signer_of
from ..services.verification import TrustConfigError, stock_cli_command

register = template.Library()


@dataclass(frozen=True)
class Row:
    """One signed (or not yet signed) artifact with its bundle, newest result and the customer's command."""

    label: str
    artifact_url: str
    bundle: SignatureBundle | None
    verification: SignatureVerification | None
    command: str


def _document_url(document: SbomDocument) -> str:
    if document.image_name:
        return reverse(f"sbom:image-{document.format}", args=[document.release_id, document.image_name])
    if document.component_name:
        return reverse(f"sbom:component-{document.format}", args=[document.release_id, document.component_name])
    return reverse(f"sbom:release-{document.format}", args=[document.release_id])


def _rows(bundles, documents, signer, custom_root) -> list[Row]:
    identity, issuer = signer
    by_document = {b.sbom_document_id: b for b in bundles if b.sbom_document_id}

    def command(bundle: SignatureBundle) -> str:
        """Names the files as they download (access.downloads.safe_file_name)."""
        artifact = safe_file_name(bundle.artifact_name) if bundle.origin == SignatureBundle.Origin.PORTAL \
            or bundle.has_artifact else f"sha256:{bundle.artifact_sha256}"
        return stock_cli_command(artifact, safe_file_name(bundle.file_name), identity=identity or "IDENTITY",
                                 issuer=issuer or "ISSUER", custom_root=custom_root)

    rows = []
    for document in documents:
        bundle = by_document.get(document.pk)
        label = f"{document.get_format_display()} {document.spec_version}" + (
            f" of {document.component_name}" if document.component_name else
            f" of image {document.image_name}" if document.image_name else "")
        rows.append(Row(label, _document_url(document), bundle, bundle.latest_verification if bundle else None,
                        command(bundle) if bundle else ""))
    listed = {d.pk for d in documents}
    for bundle in bundles:
        if bundle.sbom_document_id in listed:
            continue
        url = reverse("signing:bundle-artifact", args=[bundle.pk]) if bundle.has_artifact else ""
        kind = ("component SBOM" if bundle.sbom_document_id else
                "evidence bundle" if bundle.evidence_bundle_id else "uploaded")
        rows.append(Row(f"{bundle.artifact_name} ({kind})", url, bundle, bundle.latest_verification, command(bundle)))
    return rows


@register.inclusion_tag("signing/_signatures_panel.html", takes_context=True)
def release_signatures(context):
    """Two queries for auditors (documents, bundles), more only when there is something to show: then also
    the expected signer and every change of it."""
    release = context["release"]
    can = context.get("can")
    can_start = can is not None and can.start_jobs
    can_change_policy = can is not None and can.change_signing_policy
    bundles = list(bundles_of(release))
    # the release's documents and its images' (component documents are on their package pages)
    documents = list(SbomDocument.objects.defer("content", "report").filter(release=release, component_name=""))
    if not (bundles or documents or can_start or can_change_policy):
        return {"release": release, "rows": []}
    policy = SigningPolicy.objects.filter(release=release).first()
    signer = signer_of(policy)
    try:
        custom_root, root_error = not pinned_root().public_good, ""
    except TrustConfigError as exc:
        custom_root, root_error = True, str(exc)
    panel = {"release": release, "rows": _rows(bundles, documents, signer, custom_root), "signer": signer,
             "custom_root": custom_root, "root_error": root_error, "policy_history": policy_history(release),
             "can_start": can_start, "can_change_policy": can_change_policy}
    if can_start:
        panel["upload_form"] = BundleUploadForm()
    if can_change_policy:
        panel["policy_form"] = SigningPolicyForm(instance=policy)
    return panel


@register.inclusion_tag("signing/_component_signatures_panel.html", takes_context=True)
def component_signatures(context):
    """One query (two with bundles): the bundles of this component's and the release's SBOMs and evidence."""
    bundles = list(bundles_of(context["release"], component=context["component"].name))
    return {"release": context["release"], "bundles": [(b, b.latest_verification) for b in bundles]}


@register.simple_tag
def evidence_signatures(release) -> dict[int, SignatureBundle]:
    """Evidence bundle id -> its Sigstore bundle, for the evidence list (one query)."""
    rows = SignatureBundle.objects.filter(release=release, evidence_bundle__isnull=False).defer("content", "artifact_content")
    return {b.evidence_bundle_id: b for b in rows}


@register.filter
def signature_of(signatures: dict[int, SignatureBundle], evidence: dict) -> SignatureBundle | None:
    """The bundle that signs the evidence row's current bytes, if any."""
    bundle = signatures.get(evidence["id"])
    return bundle if bundle is not None and bundle.artifact_sha256 == evidence["sha256"] else None


@register.simple_tag
def document_signatures(release) -> dict[int, SignatureBundle]:
    """SBOM document id -> its Sigstore bundle, for the SBOM list (one query)."""
    rows = SignatureBundle.objects.filter(release=release, sbom_document__isnull=False).defer("content", "artifact_content")
    return {b.sbom_document_id: b for b in rows}


@register.filter
def bundle_for(signatures: dict[int, SignatureBundle], document_id: int) -> SignatureBundle | None:
    return signatures.get(document_id)
