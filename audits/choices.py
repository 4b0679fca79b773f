from django.db import models

from . import images, licenses
from .azldev import classify, presence, verify


class Headline(models.TextChoices):
    INTACT = classify.INTACT, classify.HEADLINE_LABELS[classify.INTACT]
    ALTERED = classify.ALTERED, classify.HEADLINE_LABELS[classify.ALTERED]
    BUILD_CUSTOMISED = classify.BUILD_CUSTOMISED, classify.HEADLINE_LABELS[classify.BUILD_CUSTOMISED]
    PINNED = classify.PINNED, classify.HEADLINE_LABELS[classify.PINNED]
    LOCAL = classify.LOCAL, classify.HEADLINE_LABELS[classify.LOCAL]


class SpecOrigin(models.TextChoices):
    SNAPSHOT = "snapshot", "Fedora snapshot"
    PINNED_COMMIT = "pinned-commit", "Pinned upstream commit"
    OTHER_VERSION = "other-version", "Other upstream version"
    RENAMED = "renamed", "Upstream package under another name"
    LOCAL = "local", "Local spec"


class OverlayPresence(models.TextChoices):
    PRESENT = presence.PRESENT, "Present in the rendered spec"
    ABSENT = presence.ABSENT, "Absent from the rendered spec"
    NOT_VERIFIABLE = presence.NOT_VERIFIABLE, "Not verifiable from the rendered spec"
    TREE_UNVERIFIABLE = presence.TREE_UNVERIFIABLE, "Not verifiable in the rendered tree (it holds only the spec and sources)"


class InconsistencyKind(models.TextChoices):
    MISSING_RENDERED_SPEC = "missing-rendered-spec", "Component has no rendered spec"
    RENDER_FAILED = "render-failed", "Rendering failed (RENDER_FAILED marker)"
    ORPHAN_RENDERED_SPEC = "orphan-rendered-spec", "Rendered spec without a component"
    STALE_RENDERED_SPEC = "stale-rendered-spec", "Rendered spec older than the last change of its configuration"
    MISSING_OVERLAY_SOURCE = "missing-overlay-source", "Overlay source file missing"
    UNPARSABLE_SOURCES_FILE = "unparsable-sources-file", "Unparsable sources file"
    UNKNOWN_GROUP_MEMBER = "unknown-group-member", "Group lists an undefined component"


class UpstreamVerdict(models.TextChoices):
    """Outcome of comparing a rendered spec with the Fedora spec plus its declared changes."""

    VERIFIED_INTACT = verify.INTACT, "Verified: Fedora-intact"
    VERIFIED_DECLARED_ONLY = verify.DECLARED_ONLY, "Verified: only declared changes"
    DRIFT = verify.DRIFT, "Drift: undeclared changes"
    UPSTREAM_UNAVAILABLE = verify.UNAVAILABLE, "Upstream unavailable"


class LicenseFamily(models.TextChoices):
    """Families of License values (audits.licenses, from the ScanCode category of each key)."""

    PUBLIC_DOMAIN = licenses.PUBLIC_DOMAIN, licenses.FAMILY_LABELS[licenses.PUBLIC_DOMAIN]
    PERMISSIVE = licenses.PERMISSIVE, licenses.FAMILY_LABELS[licenses.PERMISSIVE]
    WEAK_COPYLEFT = licenses.WEAK_COPYLEFT, licenses.FAMILY_LABELS[licenses.WEAK_COPYLEFT]
    STRONG_COPYLEFT = licenses.STRONG_COPYLEFT, licenses.FAMILY_LABELS[licenses.STRONG_COPYLEFT]
    UNKNOWN = licenses.UNKNOWN, licenses.FAMILY_LABELS[licenses.UNKNOWN]
class ImagePackageRole(models.TextChoices):
    DIRECT = images.DIRECT, "listed by the description"
    CLOSURE = images.CLOSURE, "pulled in by a requirement"
    REMOVED = images.REMOVED, "removed by the description"
    IGNORED = images.IGNORED, "ignored by the description"
    LISTED = images.LISTED, "collection or archive (not expanded)"
