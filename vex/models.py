"""What the VEX scan found in a release, and the advisories an admin imported."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class VexScan(models.Model):
    """One CVE scan of a release's overlays (vex/cves.py); a new scan replaces the old one."""

    release = models.OneToOneField("audits.Release", on_delete=models.CASCADE, related_name="vex_scan")
    scanned_at = models.DateTimeField(auto_now=True)
    patches_read = models.PositiveIntegerField(default=0)  # added patch files whose header was read
    # why patch headers were not read (blank: every added patch was read)
    patch_note = models.TextField(blank=True)


class CveFinding(models.Model):
    """One CVE identifier in one overlay (or the header of the patch it adds), see vex.cves.Finding."""

    scan = models.ForeignKey(VexScan, on_delete=models.CASCADE, related_name="findings")
    component = models.ForeignKey("audits.Component", on_delete=models.CASCADE, related_name="cve_findings")
    overlay = models.ForeignKey("audits.Overlay", on_delete=models.CASCADE, related_name="cve_findings")
    cve = models.CharField(max_length=40)
    origin = models.CharField(max_length=20)
    action = models.CharField(max_length=20)
    file = models.CharField(max_length=1000)
    line = models.PositiveIntegerField(null=True, blank=True)
    text = models.TextField()
    not_built_reason = models.BooleanField(default=False)

    class Meta:
        ordering = ["component_id", "cve", "overlay_id", "id"]
        indexes = [models.Index(fields=["cve"])]


class Advisory(models.Model):
    """An OSV or CSAF advisory file an admin imported (kept as uploaded, parsed by vex.advisories)."""

    FORMATS = [("osv", "OSV"), ("csaf", "CSAF 2.0")]

    format = models.CharField(max_length=10, choices=FORMATS)
    identifier = models.CharField(max_length=200)  # OSV `id`, CSAF `document.tracking.id`
    title = models.CharField(max_length=500, blank=True)
    cves = models.JSONField(default=list)  # the CVE identifiers it is about
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, unique=True)
    content = models.TextField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["identifier", "id"]
        verbose_name_plural = "advisories"

    def __str__(self) -> str:
        return self.identifier


class AdvisoryPackage(models.Model):
    """A package an advisory names, with the RPM version ranges it says are affected."""

    advisory = models.ForeignKey(Advisory, on_delete=models.CASCADE, related_name="packages")
    name = models.CharField(max_length=300, db_index=True)
    ecosystem = models.CharField(max_length=200, blank=True)
    # [{"introduced": evr or "", "fixed": evr or "", "last_affected": evr or ""}], and exact affected versions
    ranges = models.JSONField(default=list)
    versions = models.JSONField(default=list)

    class Meta:
        ordering = ["advisory_id", "name", "id"]
