"""Django side of the per-component part cache (cyclonedx_parts.py): read the parts of a release
document, assemble it, store what was built.

`release_documents` is what generate.build_documents uses for the release CycloneDX JSON and XML
when `PEDIGREE_SBOM_PARTS` is on (the default). The parts are read by key; a row whose body does not
match its digest is treated as missing and rebuilt (and replaced once the document validated:
`store_parts`). Rows of another generator version are never read (the key digests the version)
and are deleted when the parts of the current one are stored.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, transaction

from ..models import SbomPart
from . import cyclonedx_json, cyclonedx_parts
from .cyclonedx import BomOptions
from .facts import ReleaseFacts

logger = logging.getLogger(__name__)
_CHUNK = 500  # keys per query: below every backend's limit on query parameters


def parts_enabled() -> bool:
    return bool(getattr(settings, "PEDIGREE_SBOM_PARTS", True))


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class PartsDocument:
    """A release CycloneDX document (JSON or XML) assembled from parts, and what of it to store once it validated."""

    assembled: cyclonedx_parts.Assembled
    version: str
    corrupt: list[str]  # keys of rows whose body did not match their digest (rebuilt)
    fmt: str = "json"


def load_parts(keys: list[str]) -> tuple[dict[str, str], list[str]]:
    """The stored bodies of these keys whose digest matches, and the keys of those that do not."""
    found: dict[str, str] = {}
    corrupt: list[str] = []
    for start in range(0, len(keys), _CHUNK):
        for key, body, digest in SbomPart.objects.filter(key__in=keys[start:start + _CHUNK]).values_list(
            "key", "body", "digest"
        ):
            if isinstance(body, str) and _digest(body) == digest:
                found[key] = body
            else:
                corrupt.append(key)
    if corrupt:
        logger.warning("%d SBOM part rows do not match their digest; they are rebuilt", len(corrupt))
    return found, corrupt


def release_documents(facts: ReleaseFacts, options: BomOptions, formats: tuple[str, ...] = ("json", "xml"),
                      ) -> dict[str, PartsDocument]:
    """The release CycloneDX documents of `formats` ("json", "xml") with every cached part reused; a format
    is missing from the answer where the full generation must write it (cyclonedx_json.Unsupported: the
    library's own serialiser is needed)."""
    plan = cyclonedx_parts.plan(facts)
    documents = {}
    for fmt in formats:
        cached, corrupt = load_parts(plan.keys[fmt])
        try:
            assembled = cyclonedx_parts.assemble(plan, cached, options, fmt)
        except cyclonedx_json.Unsupported:
            continue
        documents[fmt] = PartsDocument(assembled, plan.version, corrupt, fmt)
    return documents


def release_json(facts: ReleaseFacts, options: BomOptions) -> PartsDocument | None:
    """The release CycloneDX JSON from parts (`release_documents`), or None."""
    return release_documents(facts, options, ("json",)).get("json")


def store_parts(parts: PartsDocument) -> int:
    """Store the parts built for a document (call it once the document validated); replaces corrupt rows,
    deletes the rows of other generator versions. Returns the number of rows written. A failure to write
    is logged, not raised: the document is good, only the next generation is slower."""
    fresh = parts.assembled.fresh
    rows = [SbomPart(key=key, format=cyclonedx_parts.PART_FORMATS[parts.fmt], generator_version=parts.version,
                     body=body, digest=_digest(body)) for key, body in fresh.items()]
    replaced = [key for key in parts.corrupt if key in fresh]
    try:
        with transaction.atomic():
            for start in range(0, len(replaced), _CHUNK):
                SbomPart.objects.filter(key__in=replaced[start:start + _CHUNK]).delete()
            SbomPart.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
            SbomPart.objects.exclude(generator_version=parts.version).delete()
    except DatabaseError:
        logger.exception("the %d new SBOM parts could not be stored", len(rows))
        return 0
    return len(rows)
