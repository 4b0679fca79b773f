"""Signatures and evidence bundles together: evidence carries the SBOM signatures and their results,
the evidence job queues signing when configured, and the evidence list links each ZIP's bundle."""

from __future__ import annotations

import json

import pytest

from evidence.services.bundles import (
    create_component_bundle,
    create_release_bundle,
    member,
)
from jobs.choices import JobKind
from jobs.models import Job
from jobs.services import run_job_in_process
from signing.models import SignatureBundle
from signing.tasks import sign_release_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(release, generated, sigstore_settings):
    """The release's three SBOMs, signed by the local instance and verified once."""
    run_job_in_process(JobKind.SIGN, {"release_id": release.pk}, release=release)
    run_job_in_process(JobKind.VERIFY, {"release_id": release.pk}, release=release)
    return list(SignatureBundle.objects.filter(release=release).select_related("sbom_document"))


def test_a_release_evidence_bundle_carries_every_sbom_signature_and_its_verifications(release, signed):
    evidence = create_release_bundle(release)
    assert len(signed) == 3
    for bundle in signed:
        assert member(evidence, f"signatures/{bundle.file_name}") == bytes(bundle.content)
        results = json.loads(member(evidence, f"signatures/{bundle.artifact_name}.verifications.json"))
        assert [(r["verified"], r["artifact_sha256"]) for r in results] == [(True, bundle.artifact_sha256)]
    kinds = {f["path"]: f["kind"] for f in evidence.manifest["files"]}
    assert kinds[f"signatures/{signed[0].file_name}"] == "signature-bundle"
    assert not any(n.startswith("No signature bundles") for n in evidence.manifest["notes"])


def test_a_component_evidence_bundle_carries_the_release_sbom_signatures_that_cover_it(release, signed):
    evidence = create_component_bundle(release, "curl")
    paths = {f["path"] for f in evidence.manifest["files"] if f["path"].startswith("signatures/")}
    assert {f"signatures/{b.file_name}" for b in signed} <= paths


def test_an_evidence_bundle_leaves_out_signatures_of_earlier_evidence_bundles(release, signed, sigstore_settings):
    earlier = create_release_bundle(release)
    run_job_in_process(JobKind.SIGN, {"release_id": release.pk}, release=release)
    assert SignatureBundle.objects.filter(evidence_bundle=earlier).exists()
    later = create_release_bundle(release)
    assert not any("evidence" in f["path"] for f in later.manifest["files"] if f["path"].startswith("signatures/"))


def test_the_evidence_job_queues_signing_when_configured(release, sigstore_settings, monkeypatch,
                                                         django_capture_on_commit_callbacks):
    sigstore_settings.PEDIGREE_SIGN_AFTER_EVIDENCE = True
    queued = []
    monkeypatch.setattr(sign_release_job, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        run_job_in_process(JobKind.EVIDENCE, {"release_id": release.pk}, release=release)
    sign_job = Job.objects.get(kind=JobKind.SIGN)
    assert sign_job.params == {"release_id": release.pk} and queued == [sign_job.pk]


def test_without_the_setting_the_evidence_job_queues_no_signing(release, sigstore_settings):
    run_job_in_process(JobKind.EVIDENCE, {"release_id": release.pk}, release=release)
    assert not Job.objects.filter(kind=JobKind.SIGN).exists()


def test_the_evidence_list_links_the_signature_of_each_signed_zip(release, signed, sigstore_settings, auditor_client):
    evidence = create_release_bundle(release)
    unsigned_html = auditor_client.get(f"/releases/{release.pk}/evidence/").content.decode()
    assert "not signed" in unsigned_html
    run_job_in_process(JobKind.SIGN, {"release_id": release.pk}, release=release)
    bundle = SignatureBundle.objects.get(evidence_bundle=evidence)
    html = auditor_client.get(f"/releases/{release.pk}/evidence/").content.decode()
    assert f'href="/sbom/bundles/{bundle.pk}/bundle.sigstore.json" download="{bundle.file_name}"' in html
