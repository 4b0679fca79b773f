"""What a release looks like in the database, reduced to comparable values: row counts of every
child table and the key fields of every component. Two ingests of one commit must agree."""

from __future__ import annotations

import hashlib

from audits.models import (
    BinaryPackage,
    ComponentCommit,
    ComponentReason,
    ConfigFile,
    Image,
    Inconsistency,
    Overlay,
    RenderedSpec,
    Release,
    SourceFileOverride,
    SourcesEntry,
)

KEY_FIELDS = ("name", "headline", "version", "overlay_count", "spec_origin", "upstream_commit", "check_skipped")


def release_snapshot(release: Release) -> dict:
    components = list(release.components.order_by("name").values_list(*KEY_FIELDS))
    by_component = {model.__name__: model.objects.filter(component__release=release).count()
                    for model in (ComponentCommit, ComponentReason, Overlay, SourceFileOverride, RenderedSpec,
                                  SourcesEntry, BinaryPackage)}
    by_release = {model.__name__: model.objects.filter(release=release).count()
                  for model in (ConfigFile, Image, Inconsistency)}
    specs = list(RenderedSpec.objects.filter(component__release=release).order_by("path").values_list("path", "sha256"))
    return {
        "commit": release.commit.sha,
        "summary": release.summary,
        "components": len(components),
        "component_fields": hashlib.sha256(repr(components).encode()).hexdigest(),
        "spec_hashes": hashlib.sha256(repr(specs).encode()).hexdigest(),
        **by_component,
        **by_release,
    }


def texts_digest(release: Release) -> str:
    """One SHA-256 over the path and text of every rendered spec and configuration file of a release, read a
    chunk at a time (a corpus release holds ~100 MB of text)."""
    digest = hashlib.sha256()
    for rows in (RenderedSpec.objects.filter(component__release=release), ConfigFile.objects.filter(release=release)):
        for path, text in rows.order_by("path").values_list("path", "blob__text").iterator(chunk_size=200):
            digest.update(f"{len(path)}:{path}{len(text)}:".encode() + text.encode())
    return digest.hexdigest()
