"""audits 0022-0024 move the texts of rendered specs, configuration files and upstream verifications into
Blob: every text is the same after the move (and after moving back), each distinct text is stored once,
and a row whose digest no longer describes its text keeps its own text."""

import importlib

import pytest

from audits.models import Blob, ConfigFile, RenderedSpec, UpstreamVerification
from tests.test_migrations import migrate

BEFORE_BLOBS = [("audits", "0021_image_contents")]
MOVE = importlib.import_module("audits.migrations.0023_texts_into_blobs")


def texts_at_the_old_state(old) -> dict[tuple[str, int], str]:
    """{(model, pk): text} read from the text columns of the schema before the move."""
    found = {}
    for model, field in (("RenderedSpec", "text"), ("ConfigFile", "text"), ("UpstreamVerification", "upstream_spec")):
        found.update(((model, pk), text) for pk, text in old.get_model("audits", model).objects.values_list("pk", field))
    return found


def texts_now() -> dict[tuple[str, int], str]:
    found = {("RenderedSpec", r.pk): r.text for r in RenderedSpec.objects.select_related("blob")}
    found.update((("ConfigFile", r.pk), r.text) for r in ConfigFile.objects.select_related("blob"))
    found.update((("UpstreamVerification", r.pk), r.upstream_spec)
                 for r in UpstreamVerification.objects.select_related("upstream_spec_blob"))
    return found


def add_rows_at_the_old_state(old, release) -> None:
    """What only the old schema could hold: a configuration file whose digest another text claims (a hand
    edit), Fedora specs (one shared by two verifications, one too few: unavailable)."""
    config = old.get_model("audits", "ConfigFile")
    taken = config.objects.filter(release_id=release.pk).first()
    config.objects.create(release_id=release.pk, path="edited.toml", sha256=taken.sha256, size=3, text="hand-edited")
    verification = old.get_model("audits", "UpstreamVerification")
    bash = old.get_model("audits", "Component").objects.get(release_id=release.pk, name="bash")
    for verdict, sha, spec in (("verified-intact", "ab" * 32, "Name: bash\n"), ("drift", "ab" * 32, "Name: bash\n"),
                               ("unavailable", "", "")):
        verification.objects.create(component_id=bash.pk, verdict=verdict, upstream_spec_sha256=sha, upstream_spec=spec,
                                    verified_at=release.commit.committed_at)


@pytest.mark.django_db(transaction=True)
def test_every_text_is_the_same_after_the_move_into_blobs_and_shared_texts_are_stored_once(two_releases, monkeypatch):
    first, _ = two_releases  # today's schema; migrating back moves the texts into their columns again
    before = texts_now()
    monkeypatch.setattr(MOVE, "CHUNK", 3)  # many chunks: texts shared across chunks and across releases
    old = migrate(BEFORE_BLOBS)
    try:
        assert texts_at_the_old_state(old) == before
        add_rows_at_the_old_state(old, first)
        before = texts_at_the_old_state(old)
    finally:
        migrate()

    assert texts_now() == before
    edited = ConfigFile.objects.get(path="edited.toml")
    assert edited.text == "hand-edited" and edited.blob_id != edited.sha256
    assert [v.upstream_spec_blob_id for v in UpstreamVerification.objects.order_by("pk")] == ["ab" * 32, "ab" * 32, None]
    rows = [*RenderedSpec.objects.values_list("blob_id", "sha256"), *ConfigFile.objects.values_list("blob_id", "sha256")]
    assert sum(1 for blob, sha in rows if blob != sha) == 1  # only the edited row
    distinct = {blob for blob, _ in rows} | {"ab" * 32}
    assert len(rows) > len(distinct) and Blob.objects.count() == len(distinct)
