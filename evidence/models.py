"""The stored evidence bundles (the table is still `audits_evidencebundle`: the model moved, its rows did not)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from audits.models import Release


class EvidenceBundle(models.Model):
    """A generated evidence ZIP (release-wide when component_name is blank), kept in the database
    so any web or worker machine can serve it; its manifest is stored beside it for listing."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="evidence_bundles")
    component_name = models.CharField(max_length=300, blank=True)  # blank: the whole release
    content = models.BinaryField()
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    sha512 = models.CharField(max_length=128)
    manifest = models.JSONField(default=dict)  # a copy of the ZIP's manifest.json
    generator_version = models.CharField(max_length=50)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    generation_seconds = models.FloatField(default=0)

    class Meta:
        db_table = "audits_evidencebundle"  # created by audits/0007; the move to this app changed no table
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["release", "component_name", "-requested_at"],
                                name="audits_evid_release_ac0408_idx")]

    def __str__(self) -> str:
        return f"evidence {self.pk} of release {self.release_id} {self.component_name or '(release)'}"

    @property
    def file_name(self) -> str:
        """The download name: `pedigree-evidence-<distro>-<version>-<commit12>[-<component>]-<id>.zip`."""
        release = self.release
        stem = f"pedigree-evidence-{release.distribution.name}-{release.version}-{release.commit.sha[:12]}"
        if self.component_name:
            stem += f"-{self.component_name}"
        return f"{stem}-{self.pk}.zip"
