"""Generated SBOM documents, kept in the database so any web or worker machine can serve them."""

from __future__ import annotations

from django.db import models

from .choices import SUFFIXES, SbomFormat


def release_file_stem(release) -> str:
    """`<distro>-<version>-<commit12>`: the start of every file name a release's downloads carry."""
    return f"{release.distribution.name}-{release.version}-{release.commit.sha[:12]}"


class SbomDocumentQuerySet(models.QuerySet):
    def release_wide(self) -> "SbomDocumentQuerySet":
        """The documents of a whole release: neither a component's nor an image's."""
        return self.filter(component_name="", image_name="")

    def not_images(self) -> "SbomDocumentQuerySet":
        return self.filter(image_name="")


class SbomDocument(models.Model):
    """One generated document: a release BOM (component_name and image_name blank), a component BOM, or an
    image BOM (image_name: its images.toml name; sbom.services.images).

    Generation is deterministic, so a row is written once per (release, component, format)
    and its content is replaced only when a re-run produces different bytes.
    """

    release = models.ForeignKey("audits.Release", on_delete=models.CASCADE, related_name="sbom_documents")
    component_name = models.CharField(max_length=300, blank=True)  # blank: the whole release
    image_name = models.CharField(max_length=300, blank=True)  # blank: not an image's document
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
    # what the document left out of the repository's values and why (sanitise.py): component name ->
    # sentences, the release's own values under ""; the package page shows a component's
    problems = models.JSONField(default=dict)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    stored_at = models.DateTimeField(auto_now=True)  # when the row's content last changed

    objects = SbomDocumentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["release", "component_name", "image_name", "format"], name="unique_sbom_document"),
        ]
        ordering = ["release_id", "image_name", "component_name", "format"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def file_name(self) -> str:
        stem = release_file_stem(self.release)
        if self.component_name:
            stem += f"-{self.component_name}"
        if self.image_name:
            stem += f"-image-{self.image_name}"
        return stem + SUFFIXES[SbomFormat(self.format)]


class SbomPart(models.Model):
    """A serialised part of a release document that depends only on one component's content (its
    CycloneDX JSON with pedigree and binary packages), kept so the next commit's document reuses it
    (sbom.services.parts; cyclonedx_parts.py says what the key digests). Shared by every release whose
    component has the same facts; not tied to any release, so deleting a release leaves them (the
    rows of an older generator version are deleted by the next generation)."""

    key = models.CharField(max_length=64, primary_key=True)  # sha256 of the facts, the format and the generator
    format = models.CharField(max_length=40)  # cyclonedx_parts.PART_FORMAT
    generator_version = models.CharField(max_length=300, db_index=True)  # cyclonedx_parts.generator_version()
    body = models.TextField()  # the part's JSON text, with cyclonedx_parts.PLACEHOLDER for the release commit
    digest = models.CharField(max_length=64)  # sha256 of body: a row that does not match is rebuilt
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.format} part {self.key[:12]}"
