"""The moves of Job (audits -> jobs) and EvidenceBundle (audits -> evidence) change Django's state, never a
table: rows written before the moves are all there after them, and the content types move to the new apps
with their permissions and the groups that hold them."""

import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from audits.models import Release
from audits.services.ingest import ingest_release
from evidence.models import EvidenceBundle
from jobs.models import Job
from sbom.models import SbomDocument, SignatureBundle

# Every app as it was before the model moves (jobs and evidence did not exist yet).
BEFORE_THE_MOVES = [("audits", "0011_component_most_overlays_index"), ("sbom", "0002_signature_bundles"),
                    ("jobs", None), ("evidence", None)]


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
    content_types = {model: ContentType.objects.get(app_label="audits", model=model)
                     for model in ("job", "evidencebundle")}
    permissions = {codename: Permission.objects.get(content_type__app_label="audits", codename=codename)
                   for codename in ("start_job", "view_evidencebundle")}
    group = Group.objects.create(name="migrated")
    group.permissions.set(permissions.values())
    return {"job": job.pk, "document": document.pk, "bundle": bundle.pk, "signature": signature.pk,
            "content_types": {m: ct.pk for m, ct in content_types.items()},
            "permissions": {c: p.pk for c, p in permissions.items()}, "group": group.pk}


@pytest.mark.django_db(transaction=True)
def test_rows_content_types_and_permissions_survive_the_model_moves(sample_git):
    repo, first, _ = sample_git
    old = migrate(BEFORE_THE_MOVES)
    try:
        release = ingest_release(str(repo), first).release  # today's models: the tables are the same
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

    assert ContentType.objects.get_for_model(Job).pk == before["content_types"]["job"]
    assert ContentType.objects.get_for_model(EvidenceBundle).pk == before["content_types"]["evidencebundle"]
    assert not ContentType.objects.filter(app_label="audits", model__in=["job", "evidencebundle"]).exists()
    moved = {f"{p.content_type.app_label}.{p.codename}": p.pk
             for p in Group.objects.get(pk=before["group"]).permissions.select_related("content_type")}
    assert moved == {"jobs.start_job": before["permissions"]["start_job"],
                     "evidence.view_evidencebundle": before["permissions"]["view_evidencebundle"]}
    user = get_user_model().objects.create_user("mig")
    user.groups.add(before["group"])
    assert user.has_perms(["jobs.start_job", "evidence.view_evidencebundle"])
