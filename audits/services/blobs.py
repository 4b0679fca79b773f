"""Texts stored once, by the SHA-256 of their bytes (audits.models.Blob), shared by every release.

Writers call `store_texts({sha256: text})` inside their own transaction before they write rows that point
at the digests (`blob_id`): only the digests not stored yet are sent, so a release that shares its specs
with an earlier one writes none of them again, and a rolled-back transaction leaves none behind. Readers
select_related("blob") on their rows, or fetch many texts at once with `texts(digests)`.
"""

from __future__ import annotations

from typing import Iterable, Mapping

from django.db.models import Exists, OuterRef

from ..analysis import sha256_text
from ..models import Blob

BATCH = 300  # digests per query and rows per INSERT: 3 parameters a row stays under SQLite's 999 variables


def stored_digests(digests: Iterable[str]) -> set[str]:
    """Those of `digests` that are stored already."""
    wanted, found = list(dict.fromkeys(digests)), set()
    for start in range(0, len(wanted), BATCH):
        found.update(Blob.objects.filter(pk__in=wanted[start : start + BATCH]).values_list("pk", flat=True))
    return found


def store_texts(texts: Mapping[str, str]) -> None:
    """Store each `{sha256: text}` not stored yet. The caller vouches that the digest is that of the
    text's bytes as read (a text decoded with replacement characters keeps the digest of the raw bytes).
    Safe to call concurrently: a digest another writer stored meanwhile is skipped."""
    missing = set(texts) - stored_digests(texts)
    if not missing:
        return
    Blob.objects.bulk_create(
        [Blob(sha256=key, size=len(texts[key].encode("utf-8")), text=texts[key]) for key in sorted(missing)],
        batch_size=BATCH, ignore_conflicts=True,
    )


def store_text(text: str) -> str:
    """Store one text under the digest of its UTF-8 bytes; return the digest."""
    key = sha256_text(text.encode("utf-8"))
    store_texts({key: text})
    return key


def texts(digests: Iterable[str]) -> dict[str, str]:
    """{sha256: text} of the stored `digests` (a few hundred per query); absent ones are left out."""
    wanted, found = list(dict.fromkeys(digests)), {}
    for start in range(0, len(wanted), BATCH):
        found.update(Blob.objects.filter(pk__in=wanted[start : start + BATCH]).values_list("pk", "text"))
    return found


def text(sha256: str) -> str:
    """The stored text of one digest (Blob.DoesNotExist when absent)."""
    return Blob.objects.values_list("text", flat=True).get(pk=sha256)


def delete_unreferenced() -> int:
    """Delete the blobs no row points at any more (after releases were deleted); the number deleted.
    Every foreign key to Blob counts, those of apps above audits too."""
    query = Blob.objects.all()
    relations = [f for f in Blob._meta.get_fields(include_hidden=True) if f.auto_created and not f.concrete]
    for relation in relations:  # related_name="+" hides them from _meta.related_objects
        query = query.exclude(Exists(relation.related_model._base_manager.filter(
            **{relation.field.name: OuterRef("pk")})))
    return query.delete()[0]
