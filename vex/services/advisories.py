"""Importing advisory files (nothing stored unless the whole file is accepted) and matching them to a
release's components by name and EVR (vex.advisories.verdict), combined with the release's VEX statements."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import transaction

from audits.models import Component, Release

from ..advisories import MAX_BYTES, AdvisoryError, PackageEntry, VersionRange, parse, verdict
from ..cves import Statement
from ..models import Advisory, AdvisoryPackage
from .statements import release_statements


def upload_limits() -> tuple[int, dict[str, tuple[int, str]]]:
    """The most an import request may send, and the advisory file's own limit (the parser's), for
    access.uploads.read_limited_upload (the form and the API)."""
    return MAX_BYTES + 64 * 1024, {"file": (MAX_BYTES, "advisory file")}


def import_advisory(data: bytes, *, filename: str, user) -> Advisory:
    """Parse and store one uploaded file; AdvisoryError (nothing stored) when it is refused."""
    parsed = parse(data)
    digest = hashlib.sha256(data).hexdigest()
    if Advisory.objects.filter(sha256=digest).exists():
        raise AdvisoryError("this file has been imported already")
    with transaction.atomic():
        advisory = Advisory.objects.create(
            format=parsed.format, identifier=parsed.identifier[:200], title=parsed.title[:500], cves=list(parsed.cves),
            filename=filename[:255], sha256=digest, content=data.decode("utf-8-sig"), uploaded_by=user)
        AdvisoryPackage.objects.bulk_create([
            AdvisoryPackage(advisory=advisory, name=p.name[:300], ecosystem=p.ecosystem[:200],
                            ranges=[{"introduced": r.introduced, "fixed": r.fixed, "last_affected": r.last_affected}
                                    for r in p.ranges], versions=list(p.versions))
            for p in parsed.packages
        ])
    return advisory


def _entry(row: AdvisoryPackage) -> PackageEntry:
    return PackageEntry(row.name, row.ecosystem, tuple(VersionRange(**r) for r in row.ranges), tuple(row.versions))


@dataclass(frozen=True)
class AdvisoryMatch:
    advisory: Advisory
    package: AdvisoryPackage
    component: Component
    cve: str  # blank: the advisory names no CVE
    evr: str | None  # None: the component's identity is unresolved
    status: str


def evr_of(component: Component) -> str | None:
    if not component.identity_complete or not component.version_expanded:
        return None
    vr = f"{component.version_expanded}-{component.release_expanded}" if component.release_expanded \
        else component.version_expanded
    return f"{component.epoch}:{vr}" if component.epoch else vr


def release_matches(release: Release, component: str | None = None,
                    statements: list[Statement] | None = None) -> list[AdvisoryMatch]:
    """Every (advisory, CVE, component) of the release the imported advisories name, with its status;
    `statements`: the release's (of `component`), when the caller has them already."""
    names = Component.objects.filter(release=release).values("name")
    if component is not None:
        names = names.filter(name=component)
    packages = list(AdvisoryPackage.objects.select_related("advisory").filter(name__in=names))
    if not packages:
        return []
    if statements is None:
        statements = release_statements(release, component)
    components = {c.name: c for c in Component.objects.filter(release=release, name__in={p.name for p in packages})
                  .only("id", "name", "epoch", "version_expanded", "release_expanded", "identity_complete")}
    states = {(s.component, s.cve): s.state for s in statements}
    matches = []
    for package in packages:
        target = components[package.name]
        evr = evr_of(target)
        entry = _entry(package)
        for cve in package.advisory.cves or [""]:
            matches.append(AdvisoryMatch(package.advisory, package, target, cve, evr,
                                         verdict(evr, entry, states.get((target.name, cve)))))
    return sorted(matches, key=lambda m: (m.component.name, m.cve, m.advisory.identifier))
