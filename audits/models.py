"""What Pedigree knows about a distribution release, as ingested from its git repository."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .choices import (
    Headline,
    ImagePackageRole,
    InconsistencyKind,
    LicenseFamily,
    OverlayPresence,
    SpecOrigin,
    UpstreamVerdict,
)
from .licenses import LicenseFacts
from .querysets import BinaryPackageQuerySet, ComponentQuerySet, ImagePackageQuerySet, ImageQuerySet, ReleaseQuerySet


class Distribution(models.Model):
    name = models.CharField(max_length=100, unique=True)  # the azldev distro key, e.g. "azurelinux"
    description = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return self.name


class Commit(models.Model):
    """A git commit of a distro repository; shared by every release that refers to it."""

    sha = models.CharField(max_length=64, unique=True)
    author_name = models.CharField(max_length=300)
    author_email = models.CharField(max_length=300)
    authored_at = models.DateTimeField()
    committer_name = models.CharField(max_length=300)
    committer_email = models.CharField(max_length=300)
    committed_at = models.DateTimeField()
    subject = models.CharField(max_length=1000)
    message = models.TextField()

    def __str__(self) -> str:
        return f"{self.sha[:12]} {self.subject}"


class Release(models.Model):
    """One ingested commit of a distro configuration repository."""

    distribution = models.ForeignKey(Distribution, on_delete=models.PROTECT, related_name="releases")
    version = models.CharField(max_length=100)  # the distro version key, e.g. "4.0-stage2"
    release_ver = models.CharField(max_length=100, blank=True)  # e.g. "4.0"
    upstream_distro = models.CharField(max_length=100, blank=True)
    upstream_version = models.CharField(max_length=100, blank=True)
    snapshot = models.DateTimeField(null=True, blank=True)
    source_url = models.CharField(max_length=2048)
    ref = models.CharField(max_length=255)
    commit = models.ForeignKey(Commit, on_delete=models.PROTECT, related_name="releases")
    ingested_at = models.DateTimeField(auto_now_add=True)
    ingested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    dist_git_base_uri = models.CharField(max_length=2048, blank=True)
    rendered_specs_dir = models.CharField(max_length=500, blank=True)
    summary = models.JSONField(default=dict)  # counts computed at ingest (see services.ingest.summarise)
    warnings = models.JSONField(default=list)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["distribution", "commit"], name="unique_release_per_commit")]
        ordering = ["-commit__committed_at", "-id"]
        permissions = [("export_release", "Can export release data (CSV, XLSX)")]

    def __str__(self) -> str:
        return f"{self.distribution.name} {self.version} @ {self.commit.sha[:12]}"


class Blob(models.Model):
    """A text stored once, keyed by the SHA-256 of its bytes, and shared by every release that holds it
    (rendered specs, configuration files, Fedora specs of upstream verifications). Rows are only added
    (audits.services.blobs.store_texts) and never changed; `size` is the UTF-8 length of `text`."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    size = models.PositiveBigIntegerField()
    text = models.TextField()

    def __str__(self) -> str:
        return self.sha256


class StoredText:
    """`text` of a row that points at a Blob. Lists select_related("blob") (or read Blob by digest):
    an unselected blob costs one query per row."""

    @property
    def text(self) -> str:
        return self.blob.text


class ConfigFile(StoredText, models.Model):
    """A configuration file exactly as ingested (evidence); its text is `blob` (normally blob_id == sha256)."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="config_files")
    path = models.CharField(max_length=1000)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+", db_index=False)  # indexed in Meta
    last_commit = models.ForeignKey(Commit, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["release", "path"], name="unique_config_file_path")]
        # a plain index: a foreign key's own would add a LIKE index on PostgreSQL, a second copy of every digest
        indexes = [models.Index(fields=["blob"], name="configfile_blob")]
        ordering = ["path"]


class LicenseExpression(models.Model):
    """One distinct License value of a release, parsed as an SPDX expression at ingest (audits.licenses).
    Components and binary packages point at it; a blank License points nowhere."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="license_expressions")
    text = models.TextField()  # the value as the spec states it (expanded)
    normalized = models.TextField(blank=True)  # license-expression's normal form; blank when invalid
    valid = models.BooleanField()
    error = models.TextField(blank=True)  # the parser's message when invalid
    keys = models.JSONField(default=list)  # the license and exception keys it names
    family = models.CharField(max_length=20, choices=LicenseFamily.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["release", "text"], name="unique_license_expression")]
        ordering = ["text"]

    def __str__(self) -> str:
        return self.normalized or self.text

    @property
    def facts(self) -> LicenseFacts:
        return LicenseFacts(self.text, self.normalized, self.valid, self.error, tuple(self.keys), self.family)


class Component(models.Model):
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="components")
    name = models.CharField(max_length=300)
    defined_in = models.CharField(max_length=1000)
    groups = models.JSONField(default=list)
    headline = models.CharField(max_length=20, choices=Headline.choices)
    verdict = models.TextField()  # the plain-words sentence shown first to auditors

    spec_origin = models.CharField(max_length=20, choices=SpecOrigin.choices)
    spec_type = models.CharField(max_length=20)
    upstream_distro = models.CharField(max_length=100, blank=True)
    upstream_version = models.CharField(max_length=100, blank=True)
    upstream_snapshot = models.CharField(max_length=100, blank=True)
    upstream_name = models.CharField(max_length=300, blank=True)  # the dist-git package name actually used
    upstream_commit = models.CharField(max_length=64, blank=True)
    dist_git_branch = models.CharField(max_length=100, blank=True)
    dist_git_url = models.CharField(max_length=2048, blank=True)
    local_spec_path = models.CharField(max_length=1000, blank=True)

    release_calculation = models.CharField(max_length=20, default="auto")
    render_options = models.JSONField(default=dict)
    build = models.JSONField(default=dict)  # resolved build table
    check_skipped = models.BooleanField(default=False)
    check_skip_reason = models.TextField(blank=True)
    resolved_config = models.JSONField(default=dict)
    provenance = models.JSONField(default=dict)  # dotted key -> layer ("component", "group:x", ...)
    config_files = models.JSONField(default=list)  # repository paths this component's configuration reads

    overlay_count = models.PositiveIntegerField(default=0)
    source_file_count = models.PositiveIntegerField(default=0)
    has_inconsistency = models.BooleanField(default=False)
    render_failed = models.BooleanField(default=False)
    # Why the published identity (epoch-version-release, binary packages) is incomplete:
    # [{"field": "release", "reason": "..."}]; empty when every part was expanded (audits.rpmspec).
    identity_unresolved = models.JSONField(default=list)
    identity_complete = models.BooleanField(default=False)
    # License, Summary, Requires or Provides values not published because they did not expand (same shape)
    metadata_unresolved = models.JSONField(default=list)  # set by the ingest; rows from before it stay False
    # How the identity was obtained when the repository alone could not give it, one sentence each (Pedigree's
    # models of go-rpm-macros, fonts-rpm-macros and efi-srpm-macros, whose macro files are not in the
    # repository: audits/rpmspec/gomodel.py, fontmodel.py, efimodel.py)
    identity_notes = models.JSONField(default=list)

    spec_name = models.CharField(max_length=300, blank=True)
    epoch = models.CharField(max_length=50, blank=True)
    version = models.TextField(blank=True)  # repository text, any length (expansion may grow it)
    release_tag = models.TextField(blank=True)  # repository text, any length (expansion may grow it)
    version_expanded = models.TextField(blank=True)  # repository text, any length (expansion may grow it)
    release_expanded = models.TextField(blank=True)  # repository text, any length (expansion may grow it)
    license = models.TextField(blank=True)
    license_expression = models.ForeignKey(LicenseExpression, null=True, blank=True, on_delete=models.RESTRICT,
                                           related_name="components")
    url = models.CharField(max_length=2048, blank=True)
    summary = models.TextField(blank=True)

    config_commit = models.ForeignKey(Commit, null=True, on_delete=models.PROTECT, related_name="+")
    rendered_commit = models.ForeignKey(Commit, null=True, on_delete=models.PROTECT, related_name="+")

    objects = ComponentQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["release", "name"], name="unique_component_name")]
        indexes = [
            models.Index(fields=["release", "headline"]),
            models.Index(fields=["release", "spec_origin"]),
            models.Index(fields=["release", "-overlay_count", "name"], name="component_most_overlays"),  # dashboard
            models.Index(fields=["release", "identity_complete"], name="component_identity"),
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def published_evr(self) -> str:
        """``E:V-R`` exactly as the SBOMs publish it; empty while the identity is unresolved."""
        if not self.identity_complete:
            return ""
        vr = f"{self.version_expanded}-{self.release_expanded}"
        return f"{self.epoch}:{vr}" if self.epoch else vr


class ComponentCommit(models.Model):
    """One commit of a component's git history: it changed its configuration, its rendered files, or both."""

    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="history")
    commit = models.ForeignKey(Commit, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()  # 0 = newest
    touched = models.CharField(max_length=30)  # "config", "rendered" or "config+rendered"

    class Meta:
        ordering = ["component_id", "position"]
        constraints = [models.UniqueConstraint(fields=["component", "position"], name="unique_history_position")]


class ComponentReason(models.Model):
    """One reason a component is not Fedora-intact (a row per reason, for filtering)."""

    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="reasons")
    code = models.CharField(max_length=50)
    text = models.TextField()
    source = models.CharField(max_length=300)  # layer(s): component, group:<name>, overlay-file, ...

    class Meta:
        indexes = [models.Index(fields=["code"])]
        ordering = ["id"]


class Overlay(models.Model):
    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="overlays")
    position = models.PositiveIntegerField()  # 0-based order of application
    type = models.CharField(max_length=40)
    description = models.TextField(blank=True)
    tag = models.CharField(max_length=300, blank=True)
    value = models.TextField(blank=True)
    section = models.CharField(max_length=300, blank=True)
    package = models.CharField(max_length=300, blank=True)
    regex = models.TextField(blank=True)
    replacement = models.TextField(blank=True)
    lines = models.JSONField(null=True, blank=True)
    file = models.CharField(max_length=1000, blank=True)
    archive = models.CharField(max_length=1000, blank=True)
    source = models.CharField(max_length=1000, blank=True)
    source_path = models.CharField(max_length=1000, blank=True)  # repository path of `source`
    source_sha256 = models.CharField(max_length=64, blank=True)
    category = models.CharField(max_length=50, blank=True)
    upstream_status = models.CharField(max_length=50, blank=True)
    commits = models.JSONField(default=list)
    bugs = models.JSONField(default=list)
    defined_in = models.CharField(max_length=1000)
    layer = models.CharField(max_length=300)
    parameters = models.JSONField(default=dict)  # the overlay table exactly as written, without metadata
    # Is the overlay's effect in the rendered spec? (azldev.presence; blank without a rendered spec)
    presence = models.CharField(max_length=20, choices=OverlayPresence.choices, blank=True)
    presence_reason = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["component", "position"], name="unique_overlay_position")]
        indexes = [models.Index(fields=["type"]), models.Index(fields=["category"])]
        ordering = ["component_id", "position"]


class SourceFileOverride(models.Model):
    """A `source-files` entry of the component configuration."""

    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="source_file_overrides")
    filename = models.CharField(max_length=1000)
    hash = models.CharField(max_length=200, blank=True)
    hash_type = models.CharField(max_length=20, blank=True)
    origin_type = models.CharField(max_length=20, blank=True)
    origin = models.JSONField(default=dict)
    replace_upstream = models.BooleanField(default=False)
    replace_reason = models.TextField(blank=True)
    layer = models.CharField(max_length=300)

    class Meta:
        ordering = ["id"]


class RenderedSpec(StoredText, models.Model):
    """A component's rendered spec; its text is `blob` (normally blob_id == sha256, the digest of the file's bytes)."""

    component = models.OneToOneField(Component, on_delete=models.CASCADE, related_name="rendered_spec")
    path = models.CharField(max_length=1000)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+", db_index=False)  # indexed in Meta
    sources = models.JSONField(default=list)  # [{"tag": "Source0", "value": "..."}]
    patches = models.JSONField(default=list)
    binary_packages = models.JSONField(default=list)
    unexpanded_macros = models.JSONField(default=list)
    autorelease_number = models.IntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["blob"], name="renderedspec_blob")]  # as ConfigFile's


class SourcesEntry(models.Model):
    """A line of the rendered `sources` file: the lookaside digest of an upstream source."""

    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="sources_entries")
    algorithm = models.CharField(max_length=20)
    filename = models.CharField(max_length=1000)
    digest = models.CharField(max_length=200)

    class Meta:
        ordering = ["id"]


class BinaryPackage(models.Model):
    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="binary_packages")
    name = models.CharField(max_length=300)
    channel = models.CharField(max_length=100, blank=True)
    channel_source = models.CharField(max_length=300, blank=True)  # default / component / package-group:<n> / package
    # From the expanded spec (audits.rpmspec); blank when unresolved (the component says why).
    epoch = models.CharField(max_length=50, blank=True)
    version = models.TextField(blank=True)
    release = models.TextField(blank=True)
    license = models.TextField(blank=True)  # blank: the component's License applies
    # The License that applies (its own, else the component's), parsed.
    license_expression = models.ForeignKey(LicenseExpression, null=True, blank=True, on_delete=models.RESTRICT,
                                           related_name="binary_packages")
    arches = models.JSONField(default=list)  # architectures the package is built for, e.g. ["aarch64", "x86_64"]
    requires = models.JSONField(default=list)  # runtime Requires as expanded: ["glibc >= 2.38", "libfoo.so.1()(64bit)"]
    provides = models.JSONField(default=list)  # explicit Provides as expanded

    objects = BinaryPackageQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["channel"])]
        ordering = ["name"]


class Image(models.Model):
    """An images.toml entry and what its KIWI description (with its profile) installs (audits.images)."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="images")
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    definition = models.JSONField(default=dict)
    defined_in = models.CharField(max_length=1000)
    kiwi_path = models.CharField(max_length=1000, blank=True)
    profile = models.CharField(max_length=300, blank=True)
    profiles = models.JSONField(default=list)  # the profile and the ones it requires, as selected
    build_types = models.JSONField(default=list)
    error = models.TextField(blank=True)  # why the description could not be read; then no packages
    notes = models.JSONField(default=list)  # parts of the description that are not read
    direct_count = models.PositiveIntegerField(default=0)
    closure_count = models.PositiveIntegerField(default=0)  # direct + pulled in by Requires
    unresolved_requires = models.JSONField(default=list)  # [{"package", "requirement", "reason"}]

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImagePackage(models.Model):
    """One package of an image: listed by its description, pulled in by a requirement, removed or ignored."""

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="packages")
    name = models.CharField(max_length=300)
    role = models.CharField(max_length=20, choices=ImagePackageRole.choices)
    kind = models.CharField(max_length=40)  # the KIWI element: package, namedCollection, archive, ...
    component = models.ForeignKey(Component, null=True, blank=True, on_delete=models.CASCADE, related_name="image_packages")
    binary = models.CharField(max_length=300, blank=True)  # the release's binary package; blank: unresolved
    channel = models.CharField(max_length=100, blank=True)
    sections = models.JSONField(default=list)
    profiles = models.JSONField(default=list)
    arches = models.JSONField(default=list)
    required_by = models.CharField(max_length=300, blank=True)
    requirement = models.TextField(blank=True)
    unresolved = models.TextField(blank=True)

    objects = ImagePackageQuerySet.as_manager()

    class Meta:
        ordering = ["image", "name"]
        indexes = [models.Index(fields=["image", "role"])]


class Inconsistency(models.Model):
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="inconsistencies")
    component = models.ForeignKey(Component, null=True, blank=True, on_delete=models.CASCADE, related_name="inconsistencies")
    kind = models.CharField(max_length=40, choices=InconsistencyKind.choices)
    path = models.CharField(max_length=1000, blank=True)
    detail = models.TextField()

    class Meta:
        ordering = ["kind", "path"]


class UpstreamVerification(models.Model):
    """One comparison of a component's rendered spec with its Fedora dist-git spec plus the
    declared overlays and build options (services.upstream); pages show the newest."""

    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="upstream_verifications")
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    verdict = models.CharField(max_length=30, choices=UpstreamVerdict.choices)
    reason = models.TextField(blank=True)  # why (unavailable, drift) or what explained the differences
    dist_git_url = models.CharField(max_length=2048, blank=True)
    upstream_commit = models.CharField(max_length=64, blank=True)  # the dist-git commit actually used
    upstream_spec_sha256 = models.CharField(max_length=64, blank=True)
    # the Fedora spec compared against (evidence bundles carry it); none when it could not be fetched
    upstream_spec_blob = models.ForeignKey(Blob, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    declared_diff = models.TextField(blank=True)  # unified, Fedora → expected
    undeclared_diff = models.TextField(blank=True)  # unified, expected → rendered; only for drift
    fetched_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField()

    class Meta:
        ordering = ["-verified_at", "-id"]
        indexes = [models.Index(fields=["component", "-verified_at"])]

    def __str__(self) -> str:
        return f"{self.component_id}: {self.verdict}"

    @property
    def upstream_spec(self) -> str:
        """The Fedora spec's text ("" when none was fetched); select_related("upstream_spec_blob") in lists."""
        return self.upstream_spec_blob.text if self.upstream_spec_blob_id else ""




class IdentityCacheEntry(models.Model):
    """A computed package identity, reused by every later ingest of the same spec with the same macro
    files and code (audits.identities.IdentityResolver.key); rows are never updated, only added."""

    key = models.CharField(max_length=64, primary_key=True)
    value = models.JSONField()  # {"identity": ComponentIdentity.to_json(), "sources": {file name: sha256}}
    created_at = models.DateTimeField(auto_now_add=True)
