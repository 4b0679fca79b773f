"""Signature bundles of a release's artifacts, their verifications, and whose signature a release expects.

The tables keep their sbom_* names: the models moved from sbom (signing/0001, sbom/0005) without
touching the database.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SigningPolicy(models.Model):
    """Whose signature a release's bundles must carry; without a row the settings' default applies."""

    release = models.OneToOneField("audits.Release", on_delete=models.CASCADE, related_name="signing_policy")
    identity = models.CharField(max_length=500)  # the certificate's SAN: an e-mail or a workload URI
    issuer = models.CharField(max_length=500)  # the OIDC issuer URL recorded in the certificate
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "sbom_signingpolicy"  # moved from sbom (migrations signing/0001, sbom/0005): same table

    def __str__(self) -> str:
        return f"{self.identity} via {self.issuer}"


class SigningPolicyChange(models.Model):
    """One change of a release's expected signer, kept for good (append-only: never updated or deleted
    by the portal). `old_*` blank: the release had no policy of its own, the settings' default applied."""

    release = models.ForeignKey("audits.Release", on_delete=models.CASCADE, related_name="signing_policy_changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    changed_by_username = models.CharField(max_length=150)  # kept when the account is deleted
    changed_at = models.DateTimeField(auto_now_add=True)
    old_identity = models.CharField(max_length=500, blank=True)
    old_issuer = models.CharField(max_length=500, blank=True)
    new_identity = models.CharField(max_length=500)
    new_issuer = models.CharField(max_length=500)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["release", "-changed_at"], name="signing_policy_change_idx")]

    def __str__(self) -> str:
        return f"{self.changed_by_username}: {self.old_identity or '(default)'} -> {self.new_identity}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("a signing-policy change is kept as it was recorded")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("a signing-policy change is kept for good")


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
    sbom_document = models.ForeignKey("sbom.SbomDocument", null=True, blank=True, on_delete=models.CASCADE,
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
        db_table = "sbom_signaturebundle"  # moved from sbom: same table, same constraint names
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
        db_table = "sbom_signatureverification"  # moved from sbom: same table, same index name
        ordering = ["-verified_at", "-id"]
        indexes = [models.Index(fields=["bundle", "-verified_at"], name="sbom_signat_bundle__6c93c2_idx")]

    def __str__(self) -> str:
        return f"{'verified' if self.verified else 'rejected'}: {self.bundle}"
