"""The policy file's versions, the findings of each release, waivers (with their history) and sign-offs."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .querysets import FindingQuerySet, WaiverQuerySet


class PolicyVersion(models.Model):
    """One saved version of the policy file; versions are only ever added (the newest is in force)."""

    number = models.PositiveIntegerField(unique=True)
    text = models.TextField()
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_via = models.CharField(max_length=200, blank=True)  # "page" or the API key's name
    created_at = models.DateTimeField(auto_now_add=True)
    comment = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-number"]
        permissions = [("edit_policy", "Can save a new version of the policy file")]

    def __str__(self) -> str:
        return f"policy v{self.number}"


class Finding(models.Model):
    """A violation of a policy rule by a component; replaced whenever the release is re-evaluated.
    Whether it is waived is decided at read time (FindingQuerySet.with_waiver), never stored."""

    release = models.ForeignKey("audits.Release", on_delete=models.CASCADE, related_name="findings")
    component = models.ForeignKey("audits.Component", on_delete=models.CASCADE, related_name="findings")
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="findings")
    rule = models.CharField(max_length=100)
    severity = models.CharField(max_length=20)
    subject = models.CharField(max_length=300, blank=True)  # which overlay, licence, pin
    message = models.TextField()

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["component__name", "rule", "subject"]
        constraints = [models.UniqueConstraint(fields=["component", "rule", "subject"], name="unique_finding")]
        indexes = [models.Index(fields=["release", "rule"]), models.Index(fields=["release", "severity"])]


class Waiver(models.Model):
    """A release manager's acceptance of a violation until `expires_at`. It names the violation (component,
    rule, subject), not a Finding row, so it survives re-evaluation; expired or revoked, it waives nothing."""

    release = models.ForeignKey("audits.Release", on_delete=models.CASCADE, related_name="waivers")
    component = models.ForeignKey("audits.Component", on_delete=models.CASCADE, related_name="waivers")
    rule = models.CharField(max_length=100)
    subject = models.CharField(max_length=300, blank=True)
    justification = models.TextField()
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)  # the ETag: each change adds one

    objects = WaiverQuerySet.as_manager()

    class Meta:
        ordering = ["component__name", "rule", "subject", "-approved_at"]
        permissions = [("approve_waiver", "Can approve, change and revoke waivers")]
        indexes = [models.Index(fields=["release", "rule"])]


class WaiverEvent(models.Model):
    """The append-only history of a waiver: who approved, changed or revoked it, when, and what it said."""

    class Action(models.TextChoices):
        APPROVED = "approved", "Approved"
        CHANGED = "changed", "Changed"
        REVOKED = "revoked", "Revoked"

    waiver = models.ForeignKey(Waiver, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    via = models.CharField(max_length=200, blank=True)  # "page" or the API key's name
    at = models.DateTimeField()
    justification = models.TextField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["waiver_id", "at", "id"]


class SignOff(models.Model):
    """A release manager's signed sign-off of a release: the in-toto statement, its Sigstore bundle, and
    the decisions document the statement's subject names. Never changed or deleted once made."""

    release = models.OneToOneField("audits.Release", on_delete=models.PROTECT, related_name="sign_off")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()
    policy_version = models.ForeignKey(PolicyVersion, null=True, on_delete=models.PROTECT, related_name="+")
    document = models.BinaryField()  # the decisions document (JSON), subject of the statement
    document_sha256 = models.CharField(max_length=64)
    statement = models.BinaryField()  # the in-toto Statement v1 (JSON) that was signed
    bundle = models.BinaryField()  # the Sigstore bundle (DSSE envelope + verification material)

    class Meta:
        permissions = [("sign_off_release", "Can sign a release off")]

    def __str__(self) -> str:
        return f"sign-off of release {self.release_id}"
