"""The moves of Job (audits -> jobs), EvidenceBundle (audits -> evidence), ApiKey and AccessLog (audits ->
access) and the signature models (sbom -> signing) change Django's state, never a table: rows written before the moves are all there after them, and the content types move to the new apps
with their permissions and the groups that hold them."""

import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from access.models import AccessLog, ApiKey
from audits.models import Release
from audits.services.ingest import ingest_release
from evidence.models import EvidenceBundle
from jobs.models import Job
from sbom.models import SbomDocument
from signing.models import SignatureBundle

# Every app as it was before the model moves (jobs and evidence did not exist yet).
BEFORE_THE_MOVES = [("audits", "0011_component_most_overlays_index"), ("sbom", "0002_signature_bundles"),
                    ("jobs", None), ("evidence", None), ("access", None), ("signing", None)]
MOVED = {"job": "jobs", "evidencebundle": "evidence", "apikey": "access", "accesslog": "access"}


def migrate(targets=None):
    """Migrate the test database to `targets` (default: every app's latest migration); the models as they are there."""
    executor = MigrationExecutor(connection)
    state = executor.migrate(targets or executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()  # the migrations rewrite content types behind the cache's back
    return state.apps


def stored(content: bytes) -> dict:
    return {"content": content, "size": len(content), "sha256": hashlib.sha256(content).hexdigest(),
            "sha512": hashlib.sha512(content).hexdigest()}


def write_rows_as_the_old_apps(old, release) -> dict:
    """A job, an SBOM document, an evidence bundle and its signature bundle, written through the models
    as they were before the moves (audits.Job, audits.EvidenceBundle), and a group holding their permissions."""
    release_then = old.get_model("audits", "Release").objects.get(pk=release.pk)
    job = old.get_model("audits", "Job").objects.create(kind="evidence", status="succeeded", release=release_then,
                                                        params={"release_id": release.pk}, result={"bundle": 1})
    document = old.get_model("sbom", "SbomDocument").objects.create(
        release=release_then, format="cyclonedx-json", spec_version="1.6", serial_number="urn:uuid:0",
        generator_version="t", generated_at=release.commit.committed_at, generation_seconds=0.1, job=job,
        **stored(b'{"bomFormat": "CycloneDX"}'),
    )
    bundle = old.get_model("audits", "EvidenceBundle").objects.create(
        release=release_then, component_name="", manifest={"files": []}, generator_version="1.0.0",
        requested_at=release.commit.committed_at, job=job, generation_seconds=1.5, **stored(b"PK\x05\x06" + b"\0" * 18),
    )
    signature = old.get_model("sbom", "SignatureBundle").objects.create(
        release=release_then, origin="portal", evidence_bundle=bundle, artifact_name="evidence.zip",
        artifact_sha256=bundle.sha256, content=b"{}", sha256=hashlib.sha256(b"{}").hexdigest(),
    )
    key = old.get_model("audits", "ApiKey").objects.create(name="grc", prefix="0a1b2c3d", digest="0" * 64,
                                                          scopes=["read"])
    log = old.get_model("audits", "AccessLog").objects.create(username="ada", action="view", target="release 1",
                                                              path="/releases/1/", release=release_then)
    content_types = {model: ContentType.objects.get(app_label="audits", model=model) for model in MOVED}
    content_types["signaturebundle"] = ContentType.objects.get(app_label="sbom", model="signaturebundle")
    permissions = {codename: Permission.objects.get(content_type__app_label="audits", codename=codename)
                   for codename in ("start_job", "view_evidencebundle", "add_apikey", "view_accesslog")}
    group = Group.objects.create(name="migrated")
    group.permissions.set(permissions.values())
    return {"job": job.pk, "document": document.pk, "bundle": bundle.pk, "signature": signature.pk,
            "key": key.pk, "log": log.pk,
            "content_types": {m: ct.pk for m, ct in content_types.items()},
            "permissions": {c: p.pk for c, p in permissions.items()}, "group": group.pk}


@pytest.mark.django_db(transaction=True)
def test_rows_content_types_and_permissions_survive_the_model_moves(sample_git):
    repo, first, _ = sample_git
    release = ingest_release(str(repo), first).release  # today's schema; migrating back keeps the rows
    old = migrate(BEFORE_THE_MOVES)
    try:
        before = write_rows_as_the_old_apps(old, release)
    finally:
        migrate()

    job = Job.objects.get(pk=before["job"])
    assert (job.kind, job.status, job.release_id, job.result) == ("evidence", "succeeded", release.pk, {"bundle": 1})
    bundle = EvidenceBundle.objects.select_related("release", "job").get(pk=before["bundle"])
    assert (bundle.release, bundle.job, bundle.generation_seconds) == (release, job, 1.5)
    assert bytes(bundle.content) == b"PK\x05\x06" + b"\0" * 18
    assert bundle.sha256 == hashlib.sha256(bundle.content).hexdigest()
    assert list(Release.objects.get(pk=release.pk).evidence_bundles.all()) == [bundle]
    assert SbomDocument.objects.get(pk=before["document"]).job == job
    assert SignatureBundle.objects.get(pk=before["signature"]).evidence_bundle == bundle

    assert ApiKey.objects.get(pk=before["key"]).name == "grc"
    assert AccessLog.objects.get(pk=before["log"]).release == Release.objects.get(pk=release.pk)

    for model in (Job, EvidenceBundle, ApiKey, AccessLog, SignatureBundle):
        assert ContentType.objects.get_for_model(model).pk == before["content_types"][model._meta.model_name]
    assert not ContentType.objects.filter(app_label="audits", model__in=list(MOVED)).exists()
    moved = {f"{p.content_type.app_label}.{p.codename}": p.pk
             for p in Group.objects.get(pk=before["group"]).permissions.select_related("content_type")}
    assert moved == {"jobs.start_job": before["permissions"]["start_job"],
                     "evidence.view_evidencebundle": before["permissions"]["view_evidencebundle"],
                     "access.add_apikey": before["permissions"]["add_apikey"],
                     "access.view_accesslog": before["permissions"]["view_accesslog"]}
    user = get_user_model().objects.create_user("mig")
    user.groups.add(before["group"])
    assert user.has_perms(["jobs.start_job", "evidence.view_evidencebundle", "access.add_apikey", "access.view_accesslog"])


@pytest.mark.django_db(transaction=True)
def test_a_signing_policy_set_before_its_history_was_kept_starts_the_history_with_its_last_edit(release, portal_admin):
    from signing.models import SigningPolicyChange

    old = migrate([("signing", "0001_initial")])
    try:
        policy = old.get_model("signing", "SigningPolicy").objects.create(
            release_id=release.pk, identity="ci@example.org", issuer="https://issuer.example.org",
            updated_by_id=portal_admin.pk)
    finally:
        migrate()
    (change,) = SigningPolicyChange.objects.all()
    assert (change.release_id, change.changed_by, change.changed_by_username, change.changed_at) == (
        release.pk, portal_admin, "ada", policy.updated_at)
    assert (change.old_identity, change.new_identity, change.new_issuer) == (
        "", "ci@example.org", "https://issuer.example.org")


@pytest.mark.corpus
@pytest.mark.django_db(transaction=True)
def test_the_corpus_release_is_row_for_row_the_same_after_the_model_moves():
    """The issue's database: the real Azure Linux release (7,580 components) ingested before the moves."""
    from django.test import override_settings

    from tests.support.corpus import BRANCH, bundle_path, seed_identity_cache
    from tests.support.snapshots import release_snapshot, texts_digest

    bundle = bundle_path()
    seed_identity_cache()
    with override_settings(PEDIGREE_ALLOW_LOCAL_SOURCES=True):
        release = ingest_release(str(bundle), BRANCH).release  # today's schema; migrating back keeps the rows
    before, texts = release_snapshot(release), texts_digest(release)
    old = migrate(BEFORE_THE_MOVES)  # before the blobs too: their texts go back into columns and return
    try:
        rows = write_rows_as_the_old_apps(old, release)
    finally:
        migrate()
    release = Release.objects.get(pk=release.pk)
    assert release.components.count() == 7580
    assert release_snapshot(release) == before
    assert texts_digest(release) == texts
    assert EvidenceBundle.objects.get(pk=rows["bundle"]).release == release
    assert Job.objects.get(pk=rows["job"]).release == release
