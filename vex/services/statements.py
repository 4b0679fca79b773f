"""The stored scan of a release read back as vex.cves findings and statements (what documents and pages show)."""

from __future__ import annotations

from audits.models import Release

from ..cves import Finding, Statement, statements
from ..models import CveFinding, VexScan
from .scan import scan_release


def stored_findings(release: Release, component: str | None = None) -> list[Finding]:
    """The findings of the release's scan (of one component when named), in one query; empty before a scan."""
    rows = CveFinding.objects.filter(scan__release=release)
    if component is not None:
        rows = rows.filter(component__name=component)
    return [
        Finding(r["cve"], r["component__name"], r["overlay__position"], r["overlay__type"], r["origin"], r["action"],
                r["file"], r["line"], r["text"], r["not_built_reason"])
        for r in rows.order_by("component__name", "cve", "overlay__position", "id").values(
            "cve", "component__name", "overlay__position", "overlay__type", "origin", "action", "file", "line", "text",
            "not_built_reason")
    ]


def release_statements(release: Release, component: str | None = None) -> list[Statement]:
    """The VEX statements of the release (empty when it was never scanned)."""
    return statements(stored_findings(release, component))


def ensure_scanned(release: Release) -> VexScan:
    """The release's scan, made now if there is none yet."""
    return VexScan.objects.filter(release=release).first() or scan_release(release)
