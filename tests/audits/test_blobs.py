"""Texts are stored once (audits.models.Blob): releases that share rendered specs and configuration files
share their blobs, an ingest that fails after storing its texts leaves none behind, and the blobs of
deleted releases can be collected."""

import pytest

from audits.analysis import sha256_text
from audits.models import Blob, ConfigFile, Release, RenderedSpec
from audits.services import blobs
from audits.services.ingest import ingest_release
from audits.signals import release_written
from tests.support.snapshots import release_snapshot

pytestmark = pytest.mark.django_db


def text_rows(release) -> dict[str, tuple[str, str]]:
    """{repository path: (sha256, text)} of a release's rendered specs and configuration files."""
    specs = RenderedSpec.objects.filter(component__release=release).select_related("blob")
    configs = ConfigFile.objects.filter(release=release).select_related("blob")
    return {row.path: (row.sha256, row.text) for row in [*specs, *configs]}


def test_two_releases_that_share_specs_store_each_text_once(two_releases):
    first, second = two_releases
    old, new = text_rows(first), text_rows(second)
    shared = {path for path in old if old[path] == new.get(path)}
    assert shared and len(shared) < len(old)  # most texts shared, the second commit changed some
    digests = {sha for sha, _ in [*old.values(), *new.values()]}
    assert Blob.objects.count() == len(digests)
    rows = [*RenderedSpec.objects.values_list("sha256", "blob_id"), *ConfigFile.objects.values_list("sha256", "blob_id")]
    assert all(sha == blob for sha, blob in rows) and len(rows) == len(old) + len(new)
    for blob in Blob.objects.all():
        data = blob.text.encode()
        assert (sha256_text(data), len(data)) == (blob.sha256, blob.size)


def test_an_ingest_that_fails_after_storing_its_texts_leaves_no_blob_and_the_earlier_release_intact(sample_git):
    repo, first, second = sample_git
    earlier = ingest_release(str(repo), first).release
    before, texts_before = release_snapshot(earlier), text_rows(earlier)
    stored_before = set(Blob.objects.values_list("pk", flat=True))
    seen = {}

    def fail(sender, release, **kwargs):  # the last step of write_release, after every row was written
        seen["new blobs"] = Blob.objects.exclude(pk__in=stored_before).count()
        raise RuntimeError("the disk is full")

    release_written.connect(fail, dispatch_uid="test-fail")
    try:
        with pytest.raises(RuntimeError, match="disk is full"):
            ingest_release(str(repo), second)
    finally:
        release_written.disconnect(dispatch_uid="test-fail")
    assert seen["new blobs"] > 0  # the failed ingest had stored its new texts
    assert set(Blob.objects.values_list("pk", flat=True)) == stored_before
    assert list(Release.objects.all()) == [earlier]
    assert (release_snapshot(earlier), text_rows(earlier)) == (before, texts_before)


def test_storing_texts_sends_only_the_missing_ones_and_never_changes_a_stored_text(django_assert_num_queries):
    stored = blobs.store_text("Name: bash\n")
    with django_assert_num_queries(1):  # which are stored; nothing to insert
        blobs.store_texts({stored: "Name: bash\n"})
    blobs.store_texts({stored: "another text", "ab" * 32: "Name: curl\n"})
    assert blobs.texts([stored, "ab" * 32, "cd" * 32]) == {stored: "Name: bash\n", "ab" * 32: "Name: curl\n"}
    assert blobs.text(stored) == "Name: bash\n"


def test_the_blobs_of_a_deleted_release_are_collected_and_those_still_used_are_kept(two_releases):
    first, second = two_releases
    kept = {sha for sha, _ in text_rows(first).values()}
    only_second = {sha for sha, _ in text_rows(second).values()} - kept
    second.delete()
    assert only_second and blobs.delete_unreferenced() == len(only_second)
    assert set(Blob.objects.values_list("pk", flat=True)) == kept
