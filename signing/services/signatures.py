"""Signature bundles in the database: sign a release's artifacts, take third-party bundles, verify them all.

The Sigstore work itself is in `signing` and `verification` (plain Python); this module reads the
settings, picks the rows and keeps every result.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.urls import reverse
from django.utils import timezone
from sigstore.errors import Error as SigstoreError
from sigstore.models import Bundle

from audits.models import Release
from evidence.models import EvidenceBundle
from evidence.zipwriter import BundleFile
from feeds.models import EventKind
from feeds.services.events import record_event
from jobs.progress import Progress
from sbom.models import SbomDocument, release_file_stem

from ..models import SignatureBundle, SignatureVerification, SigningPolicy
from .signing import IdentitySource, identity_token, load_trust_config, sign_each
from .verification import (
    PinnedRoot,
    artifact_input,
    customer_trust_config,
    load_pinned_root,
    public_good_file,
    verify_bundle,
)

Signable = SbomDocument | EvidenceBundle


class UploadError(ValueError):
    """A third-party bundle upload that cannot be kept (message for the uploader)."""


def identity_source() -> IdentitySource:
    return IdentitySource(
        token=settings.PEDIGREE_SIGSTORE_IDENTITY_TOKEN,
        token_file=settings.PEDIGREE_SIGSTORE_IDENTITY_TOKEN_FILE,
        ambient=settings.PEDIGREE_SIGSTORE_AMBIENT_CREDENTIALS,
    )


def pinned_root() -> PinnedRoot:
    """The configured root, parsed once per version of its file (rotating a root replaces the file)."""
    paths = (settings.PEDIGREE_SIGSTORE_TRUSTED_ROOT, settings.PEDIGREE_SIGSTORE_TRUST_CONFIG)
    return _parsed_root(*paths, tuple(_file_version(p) for p in paths))


def _file_version(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path) if path else None
    except OSError:
        return None  # load_pinned_root says what is wrong with it
    return (stat.st_mtime_ns, stat.st_size) if stat else None


@lru_cache(maxsize=8)
def _parsed_root(trusted_root_path: str, trust_config_path: str, versions: tuple) -> PinnedRoot:
    return load_pinned_root(trusted_root_path=trusted_root_path, trust_config_path=trust_config_path)


def customer_trust_config_json() -> str:
    """The trust configuration customers pass to `sigstore --trust-config`: our pinned root, and the
    configured signing config (or public-good's) because the CLI requires one."""
    if settings.PEDIGREE_SIGSTORE_TRUST_CONFIG:
        signing_config = json.dumps(json.loads(Path(settings.PEDIGREE_SIGSTORE_TRUST_CONFIG).read_text())["signingConfig"])
    else:
        signing_config = public_good_file("signing_config.v0.2.json")
    return customer_trust_config(pinned_root(), signing_config)


def signer_of(policy: SigningPolicy | None) -> tuple[str, str]:
    """(identity, OIDC issuer) bundles must carry: the release's policy, else the settings'."""
    if policy is not None:
        return policy.identity, policy.issuer
    return settings.PEDIGREE_SIGSTORE_IDENTITY, settings.PEDIGREE_SIGSTORE_OIDC_ISSUER


def expected_signer(release: Release) -> tuple[str, str]:
    return signer_of(SigningPolicy.objects.filter(release=release).first())


def _artifact_name(artifact: Signable) -> str:
    if isinstance(artifact, SbomDocument):
        return artifact.file_name
    component = f"-{artifact.component_name}" if artifact.component_name else ""
    return f"{release_file_stem(artifact.release)}{component}-evidence-{artifact.pk}.zip"


def unsigned_artifacts(release: Release) -> list[Signable]:
    """The release's stored SBOMs and evidence bundles that have no bundle for their current bytes."""
    related = ("release__distribution", "release__commit")
    documents = SbomDocument.objects.select_related(*related).defer("content", "report").filter(
        release=release).exclude(signature_bundles__artifact_sha256=F("sha256"))
    evidence = EvidenceBundle.objects.select_related(*related).defer("content").filter(release=release).exclude(
        signature_bundles__artifact_sha256=F("sha256"))
    return [*documents, *evidence]


def _content(artifact: Signable) -> bytes:
    """The bytes, read one artifact at a time (a release's SBOMs are ~100 MB together)."""
    return bytes(type(artifact).objects.values_list("content", flat=True).get(pk=artifact.pk))


def sign_artifacts(artifacts: Iterable[Signable], *, job=None, progress: Progress | None = None) -> list[SignatureBundle]:
    """Sign each artifact with the configured identity and store (or replace) its bundle.

    The identity is resolved first, so a missing identity fails even when there is nothing to sign,
    and before any Sigstore service is contacted.
    """
    artifacts = list(artifacts)
    token = identity_token(identity_source())
    if not artifacts:
        return []
    trust_config = load_trust_config(settings.PEDIGREE_SIGSTORE_TRUST_CONFIG)
    stored = []
    items = ((a, _content(a)) for a in artifacts)
    for done, (artifact, bundle_json) in enumerate(sign_each(items, trust_config=trust_config, token=token), 1):
        stored.append(_store_portal_bundle(artifact, bundle_json.encode(), job=job))
        if progress:
            progress(done, len(artifacts), "signing")
    return stored


def sign_release(release: Release, *, job=None, progress: Progress | None = None) -> dict:
    """The signing job's work: every stored SBOM and evidence bundle of the release not yet signed."""
    bundles = sign_artifacts(unsigned_artifacts(release), job=job, progress=progress)
    return {"release_id": release.pk, "signed": len(bundles),
            "bundles": [{"id": b.pk, "artifact": b.artifact_name, "sha256": b.artifact_sha256} for b in bundles]}


def _store_portal_bundle(artifact: Signable, bundle_json: bytes, *, job) -> SignatureBundle:
    target = {"sbom_document": artifact} if isinstance(artifact, SbomDocument) else {"evidence_bundle": artifact}
    bundle, _ = SignatureBundle.objects.update_or_create(
        **target,
        defaults=dict(
            release=artifact.release, origin=SignatureBundle.Origin.PORTAL, artifact_name=_artifact_name(artifact),
            artifact_sha256=artifact.sha256, content=bundle_json, sha256=hashlib.sha256(bundle_json).hexdigest(),
            job=job,
        ),
    )
    return bundle


def record_upload(release: Release, *, bundle_json: bytes, artifact_name: str, artifact: bytes | None,
                  sha256: str, user=None) -> SignatureBundle:
    """Keep a third-party bundle with its artifact (bytes) or only the artifact's SHA-256 digest."""
    try:
        Bundle.from_json(bundle_json)
    except (SigstoreError, ValueError) as exc:
        raise UploadError(f"not a Sigstore bundle: {str(exc).splitlines()[0]}") from exc
    sha256 = sha256.strip().lower().removeprefix("sha256:")
    if artifact is not None:
        actual = hashlib.sha256(artifact).hexdigest()
        if sha256 and sha256 != actual:
            raise UploadError(f"the artifact's SHA-256 is {actual}, not the digest given")
        sha256 = actual
    try:
        artifact_input(None, sha256)
    except ValueError as exc:
        raise UploadError(str(exc)) from exc
    return SignatureBundle.objects.create(
        release=release, origin=SignatureBundle.Origin.UPLOADED, artifact_name=artifact_name,
        artifact_content=artifact, artifact_sha256=sha256, content=bundle_json,
        sha256=hashlib.sha256(bundle_json).hexdigest(), created_by=user,
    )


def _artifact_bytes(bundle: SignatureBundle) -> bytes | None:
    if bundle.sbom_document_id:
        return bytes(bundle.sbom_document.content)
    if bundle.evidence_bundle_id:
        return bytes(bundle.evidence_bundle.content)
    return bytes(bundle.artifact_content) if bundle.artifact_content is not None else None


def verify_stored_bundle(bundle: SignatureBundle, root: PinnedRoot, signer: tuple[str, str], *,
                         job=None) -> SignatureVerification:
    """Verify one bundle against the artifact as stored now, and keep the result."""
    content = _artifact_bytes(bundle)
    artifact_sha256 = hashlib.sha256(content).hexdigest() if content is not None else bundle.artifact_sha256
    identity, issuer = signer
    outcome = verify_bundle(bytes(bundle.content), artifact_input(content, artifact_sha256), root=root,
                            identity=identity, issuer=issuer)
    with transaction.atomic():  # the verification and its feed event together
        verification = SignatureVerification.objects.create(
            bundle=bundle, verified=outcome.verified, reason=outcome.reason, expected_identity=identity,
            expected_issuer=issuer, signer_identity=outcome.signer_identity, signer_issuer=outcome.signer_issuer,
            log_index=outcome.log_index, integrated_time=outcome.integrated_time,
            tsa_times=[t.isoformat() for t in outcome.tsa_times], trusted_root_sha256=root.sha256,
            artifact_sha256=artifact_sha256, verified_at=timezone.now(), job=job,
        )
        if not verification.verified:
            _record_failed_verification(bundle, verification)
    return verification


def _record_failed_verification(bundle: SignatureBundle, verification: SignatureVerification) -> None:
    """The `signature.verification_failed` event (feeds): the feed and the webhooks say which file of which release."""
    release = bundle.release
    record_event(
        EventKind.SIGNATURE_VERIFICATION_FAILED,
        title=f"Signature of {bundle.artifact_name} failed verification ({release.distribution.name} "
              f"{release.version} @ {release.commit.sha[:12]})",
        summary=verification.reason[:2000], link=reverse("audits:release-detail", args=[release.pk]), release=release,
        payload={"bundle_id": bundle.pk, "verification_id": verification.pk, "artifact_name": bundle.artifact_name,
                 "artifact_sha256": verification.artifact_sha256, "origin": bundle.origin,
                 "reason": verification.reason[:2000], "expected_identity": verification.expected_identity,
                 "expected_issuer": verification.expected_issuer, "signer_identity": verification.signer_identity,
                 "signer_issuer": verification.signer_issuer},
    )


def verify_bundles(release: Release | None = None, *, job=None, progress: Progress | None = None) -> dict:
    """The verification job's work: every bundle of one release, or of all releases."""
    root = pinned_root()
    # Artifacts are loaded one bundle at a time (deferred and FK fields), never all at once.
    bundles = SignatureBundle.objects.select_related("release__distribution", "release__commit").defer("artifact_content").order_by("pk")
    if release is not None:
        bundles = bundles.filter(release=release)
    total = bundles.count()
    signers: dict[int, tuple[str, str]] = {}
    verified = 0
    for done, bundle in enumerate(bundles.iterator(chunk_size=100), 1):
        if bundle.release_id not in signers:
            signers[bundle.release_id] = expected_signer(bundle.release)
        verified += verify_stored_bundle(bundle, root, signers[bundle.release_id], job=job).verified
        if progress:
            progress(done, total, "verifying signatures")
    result = {"bundles": total, "verified": verified, "rejected": total - verified,
              "trusted_root_sha256": root.sha256}
    if release is not None:
        result["release_id"] = release.pk
    return result


def bundles_of(release: Release, *, component: str | None = None):
    """The release's bundles with their verifications, for pages; `component`: only the bundles of its own
    and the release-wide SBOMs and evidence (those also cover it), no third-party uploads."""
    rows = (SignatureBundle.objects.filter(release=release).defer("content", "artifact_content")
            .annotate(has_artifact=ExpressionWrapper(Q(artifact_content__isnull=False), output_field=BooleanField()))
            .prefetch_related("verifications"))
    if component is not None:
        rows = rows.filter(Q(sbom_document__component_name__in=[component, ""], sbom_document__image_name="")
                           | Q(evidence_bundle__component_name__in=[component, ""]))
    return rows


_VERIFICATION_FIELDS = ("verified", "reason", "expected_identity", "expected_issuer", "signer_identity", "signer_issuer",
                        "log_index", "integrated_time", "tsa_times", "trusted_root_sha256", "artifact_sha256",
                        "verified_at")


def evidence_signature_files(release: Release, components: list[str] | None) -> list[BundleFile]:
    """For evidence bundles (registered in SigningConfig.ready): the Sigstore bundles of the release's SBOMs
    (or of those covering `components`) and of uploaded third-party artifacts, each with every
    verification result kept for it. Signatures of earlier evidence ZIPs are left out: a bundle
    does not vouch for other bundles."""
    if components is None:
        rows = bundles_of(release).filter(evidence_bundle__isnull=True)
    else:
        rows = SignatureBundle.objects.none()
        for name in components:
            rows = rows | bundles_of(release, component=name).filter(evidence_bundle__isnull=True)
    files = []
    for bundle in sorted(rows.distinct(), key=lambda b: (b.file_name, b.pk)):
        files.append(BundleFile(f"signatures/{bundle.file_name}", bytes(bundle.content), "signature-bundle",
                                f"Sigstore bundle for {bundle.artifact_name} (SHA-256 {bundle.artifact_sha256})",
                                "application/json"))
        results = [{field: getattr(v, field) for field in _VERIFICATION_FIELDS} for v in bundle.verifications.all()]
        files.append(BundleFile(
            f"signatures/{bundle.artifact_name}.verifications.json",
            json.dumps(results, indent=2, sort_keys=True, default=str).encode() + b"\n",
            "signature-verification",
            f"Every verification of that bundle by the portal, newest first ({len(results)})",
            "application/json",
        ))
    return files
