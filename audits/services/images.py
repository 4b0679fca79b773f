"""Storing the images an ingest analysed (audits.images): one Image row each, its packages in bulk."""

from __future__ import annotations

from ..images import DIRECT, IN_IMAGE, ImageRecord
from ..models import Component, Image, ImagePackage, Release

BATCH = 1000


def write_images(release: Release, records: list[ImageRecord], components: dict[str, Component]) -> None:
    """Inside the ingest's transaction, after the components (packages point at them)."""
    rows = Image.objects.bulk_create([
        Image(
            release=release, name=r.name, description=r.description, definition=r.definition, defined_in=r.defined_in,
            kiwi_path=r.kiwi_path[:1000], profile=r.profile[:300], profiles=r.profiles, build_types=r.build_types, error=r.error,
            notes=r.notes, direct_count=r.count(DIRECT), closure_count=r.count(*IN_IMAGE),
            unresolved_requires=r.unresolved_requires,
        )
        for r in records
    ])
    ImagePackage.objects.bulk_create(
        [
            ImagePackage(
                image=image, name=p.name[:300], role=p.role, kind=p.kind, component=components.get(p.component),
                binary=p.binary, channel=p.channel, sections=p.sections, profiles=p.profiles, arches=p.arches,
                required_by=p.required_by, requirement=p.requirement, unresolved=p.unresolved,
            )
            for image, r in zip(rows, records)
            for p in r.packages
        ],
        batch_size=BATCH,
    )
