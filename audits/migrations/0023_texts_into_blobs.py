"""Texts stored once (Blob), step 2 of 3: every rendered spec, configuration file and Fedora spec of an
upstream verification moves into Blob, one chunk of rows at a time (a corpus release holds ~100 MB of
spec text), each distinct text once.

A row's blob is keyed by its `sha256` (the digest of the file's bytes as read; a spec decoded with
replacement characters keeps the digest of its raw bytes). A row whose digest is already stored with a
different text (a hand-edited row: the digest no longer describes the text) gets the digest of its
text's UTF-8 bytes instead, so no text is ever lost or swapped. An upstream verification without a
Fedora spec (unavailable) gets none. Reversible: the reverse copies every text back from its blob.
"""

import hashlib

from django.db import migrations
from django.db.models import F, OuterRef, Subquery

CHUNK = 200  # rows read at a time (texts up to a few MB each)
BATCH = 300  # parameters per IN () and per INSERT stay under SQLite's 999

# (model, its digest field, its text field, its new foreign key)
MOVED = (("renderedspec", "sha256", "text", "blob"),
         ("configfile", "sha256", "text", "blob"),
         ("upstreamverification", "upstream_spec_sha256", "upstream_spec", "upstream_spec_blob"))


def _utf8_digest(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _stored(Blob, keys):
    keys, found = list(keys), {}
    for start in range(0, len(keys), BATCH):
        found.update(Blob.objects.filter(pk__in=keys[start : start + BATCH]).values_list("pk", "text"))
    return found


def _keys_of_chunk(Blob, rows):
    """{pk: blob key} of a chunk's rows and {key: text} of the blobs to insert."""
    stored = _stored(Blob, {sha or _utf8_digest(text) for _, sha, text in rows})
    fresh, keys = {}, {}
    for pk, sha, text in rows:
        if not sha and not text:
            continue  # no text at all (an unavailable upstream spec): no blob
        key = sha or _utf8_digest(text)
        known = fresh.get(key, stored.get(key))
        if known is not None and known != text:
            key = _utf8_digest(text)
            known = fresh.get(key, _stored(Blob, [key]).get(key))
            if known is not None and known != text:  # unreachable short of a SHA-256 collision
                raise RuntimeError(f"two different texts claim the digest {key}; nothing was migrated")
        if known is None:
            fresh[key] = text
        keys[pk] = key
    return keys, fresh


def texts_into_blobs(apps, schema_editor):
    Blob = apps.get_model("audits", "Blob")
    for model_name, digest_field, text_field, blob_field in MOVED:
        Model = apps.get_model("audits", model_name)
        last = 0
        while True:
            rows = list(Model.objects.filter(pk__gt=last).order_by("pk")
                        .values_list("pk", digest_field, text_field)[:CHUNK])
            if not rows:
                break
            last = rows[-1][0]
            keys, fresh = _keys_of_chunk(Blob, rows)
            Blob.objects.bulk_create([Blob(sha256=k, size=len(t.encode("utf-8")), text=t) for k, t in fresh.items()],
                                     batch_size=BATCH)
            digests = {pk: sha for pk, sha, _ in rows}
            same = [pk for pk, key in keys.items() if key == digests[pk]]
            for start in range(0, len(same), BATCH):
                Model.objects.filter(pk__in=same[start : start + BATCH]).update(**{blob_field: F(digest_field)})
            for pk, key in keys.items():
                if key != digests[pk]:
                    Model.objects.filter(pk=pk).update(**{blob_field: key})


def blobs_into_texts(apps, schema_editor):
    Blob = apps.get_model("audits", "Blob")
    for model_name, _, text_field, blob_field in MOVED:
        Model = apps.get_model("audits", model_name)
        Model.objects.filter(**{f"{blob_field}__isnull": False}).update(
            **{text_field: Subquery(Blob.objects.filter(pk=OuterRef(f"{blob_field}_id")).values("text")[:1])})


class Migration(migrations.Migration):

    dependencies = [
        ('audits', '0022_blobs'),
    ]

    operations = [
        migrations.RunPython(texts_into_blobs, blobs_into_texts),
    ]
