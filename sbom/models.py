"""Generated SBOM documents, kept in the database so any web or worker machine can serve them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .choices import SUFFIXES, SbomFormat


def release_file_stem(release) -> str:
    """`<distro>-<version>-<commit12>`: the start of every file name a release's downloads carry."""
    return f"{release.distribution.name}-{release.version}-{release.commit.sha[:12]}"


class SbomDocument(models.Model):
    """One generated document: a release BOM (component_name blank) or a component BOM.

    Generation is deterministic, so a row is written once per (release, component, format)
    and its content is replaced only when a re-run produces different bytes.
    """

    release = models.ForeignKey("audits.Release", on_delete=models.CASCADE, related_name="sbom_documents")
    component_name = models.CharField(max_length=300, blank=True)  # blank: the whole release
    format = models.CharField(max_length=20, choices=SbomFormat.choices)
    spec_version = models.CharField(max_length=20)  # "1.6" (CycloneDX) or "SPDX-2.3"
    serial_number = models.CharField(max_length=200)  # urn:uuid:... or the SPDX document namespace
    generator_version = models.CharField(max_length=50)
    content = models.BinaryField()
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    sha512 = models.CharField(max_length=128)
    generated_at = models.DateTimeField()  # the release commit's date, not the clock (determinism)
    generation_seconds = models.FloatField()  # build + serialise + validate, of the run that wrote the content
    validation = models.JSONField(default=dict)  # {"valid": bool, "validator": str, "errors": [...]}
    report = models.JSONField(default=dict)  # NTIA minimum elements and BSI TR-03183-2 fields
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    stored_at = models.DateTimeField(auto_now=True)  # when the row's content last changed

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["release", "component_name", "format"], name="unique_sbom_document"),
        ]
        ordering = ["release_id", "component_name", "format"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def file_name(self) -> str:
        stem = release_file_stem(self.release)
        if self.component_name:
            stem += f"-{self.component_name}"
        return stem + SUFFIXES[SbomFormat(self.format)]


class SigningPolicy(models.Model):
    """Whose signature a release's bundles must carry; without a row the settings' default applies."""

    release = models.OneToOneField("audits.Release", on_delete=models.CASCADE, related_name="signing_policy")
    identity = models.CharField(max_length=500)  # the certificate's SAN: an e-mail or a workload URI
    issuer = models.CharField(max_length=500)  # the OIDC issuer URL recorded in the certificate
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.identity} via {self.issuer}"


class SignatureBundle(models.Model):
    """One Sigstore bundle (`.sigstore.json`) and what it signs.

    Exactly one of: an SBOM document or an evidence bundle the portal signed (or may sign again:
    the bundle is replaced when the artifact's bytes change), or a third-party artifact uploaded
    with its bundle, kept as bytes or only as its SHA-256 digest.
    """

    class Origin(models.TextChoices):
        PORTAL = "portal", "Signed by the portal"
        UPLOADED = "uploaded", "Uploaded"

    release = models.ForeignKey("audits.Release", on_delete=models.CASCADE, related_name="signature_bundles")
    origin = models.CharField(max_length=20, choices=Origin.choices)
    sbom_document = models.ForeignKey(SbomDocument, null=True, blank=True, on_delete=models.CASCADE,
                                      related_name="signature_bundles")
    evidence_bundle = models.ForeignKey("evidence.EvidenceBundle", null=True, blank=True, on_delete=models.CASCADE,
                                        related_name="signature_bundles")
    artifact_name = models.CharField(max_length=300)  # the signed file's name; the bundle downloads as NAME.sigstore.json
    artifact_content = models.BinaryField(null=True, blank=True)  # uploaded artifacts only; None: digest only
    artifact_sha256 = models.CharField(max_length=64)  # of the bytes that were signed (or the uploaded digest)
    content = models.BinaryField()  # the bundle JSON
    sha256 = models.CharField(max_length=64)  # of the bundle
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["release_id", "artifact_name", "id"]
        constraints = [
            models.CheckConstraint(
                name="signature_bundle_signs_one_thing",
                condition=(
                    models.Q(sbom_document__isnull=False, evidence_bundle__isnull=True, origin="portal")
                    | models.Q(sbom_document__isnull=True, evidence_bundle__isnull=False, origin="portal")
                    | models.Q(sbom_document__isnull=True, evidence_bundle__isnull=True, origin="uploaded")
                ),
            ),
            models.UniqueConstraint(fields=["sbom_document"], condition=models.Q(sbom_document__isnull=False),
                                    name="one_bundle_per_sbom_document"),
            models.UniqueConstraint(fields=["evidence_bundle"], condition=models.Q(evidence_bundle__isnull=False),
                                    name="one_bundle_per_evidence_bundle"),
        ]

    def __str__(self) -> str:
        return self.file_name

    @property
    def file_name(self) -> str:
        return f"{self.artifact_name}.sigstore.json"

    @property
    def latest_verification(self) -> "SignatureVerification | None":
        """The newest result; views prefetch `verifications` so this costs no query."""
        return max(self.verifications.all(), key=lambda v: (v.verified_at, v.pk), default=None)


class SignatureVerification(models.Model):
    """One verification of a bundle against the pinned trusted root and the identity policy, kept as evidence."""

    bundle = models.ForeignKey(SignatureBundle, on_delete=models.CASCADE, related_name="verifications")
    verified = models.BooleanField()
    reason = models.TextField()  # why it failed, or what was checked when it passed
    expected_identity = models.CharField(max_length=500, blank=True)
    expected_issuer = models.CharField(max_length=500, blank=True)
    signer_identity = models.CharField(max_length=500, blank=True)  # read from the certificate, verified or not
    signer_issuer = models.CharField(max_length=500, blank=True)
    log_index = models.BigIntegerField(null=True, blank=True)
    integrated_time = models.DateTimeField(null=True, blank=True)
    tsa_times = models.JSONField(default=list)  # ISO 8601 times of the verified RFC 3161 timestamps
    trusted_root_sha256 = models.CharField(max_length=64)  # which pinned root was used
    artifact_sha256 = models.CharField(max_length=64)  # what was checked (the artifact as stored at that moment)
    verified_at = models.DateTimeField()
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-verified_at", "-id"]
        indexes = [models.Index(fields=["bundle", "-verified_at"])]

    def __str__(self) -> str:
        return f"{'verified' if self.verified else 'rejected'}: {self.bundle}"
