"""An image's CycloneDX documents are signed and verified by the release's sign and verify jobs, against the
local Sigstore instance (tests/support/sigstore_fixtures.py), and listed in the release's signature panel."""

import pytest

from jobs.choices import JobKind, JobStatus
from jobs.services import run_job_in_process
from signing.models import SignatureBundle, SignatureVerification
from tests.audits import image_repo
from tests.sbom.conftest import set_identities

pytestmark = pytest.mark.django_db


@pytest.fixture
def image_release(tmp_path, allow_local_sources):
    release = image_repo.ingest(tmp_path)
    set_identities(release)
    job = run_job_in_process(JobKind.SBOM, {"release_id": release.pk}, release=release)
    assert job.status == JobStatus.SUCCEEDED, job.error
    return release


def run(kind: str, release):
    job = run_job_in_process(kind, {"release_id": release.pk}, release=release)
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job


def test_the_sign_and_verify_jobs_cover_every_image_document(image_release, sigstore_settings):
    signed = run(JobKind.SIGN, image_release)
    image_bundles = SignatureBundle.objects.filter(release=image_release).exclude(sbom_document__image_name="")
    assert signed.result["signed"] == 3 + 6 and image_bundles.count() == 6
    assert all(b.file_name == b.sbom_document.file_name + ".sigstore.json" for b in image_bundles)
    verified = run(JobKind.VERIFY, image_release)
    assert (verified.result["verified"], verified.result["rejected"]) == (9, 0)
    assert SignatureVerification.objects.filter(bundle__in=image_bundles, verified=True).count() == 6


def test_a_tampered_image_document_is_rejected(image_release, sigstore_settings):
    run(JobKind.SIGN, image_release)
    bundle = SignatureBundle.objects.filter(release=image_release, sbom_document__image_name="vm").first()
    type(bundle.sbom_document).objects.filter(pk=bundle.sbom_document_id).update(content=b"{}")
    run(JobKind.VERIFY, image_release)
    result = SignatureVerification.objects.filter(bundle=bundle).latest("verified_at")
    assert not result.verified and result.reason


def test_the_release_signature_panel_lists_the_image_documents(auditor_client, image_release, sigstore_settings):
    run(JobKind.SIGN, image_release)
    html = auditor_client.get(f"/releases/{image_release.pk}/").content.decode()
    assert "CycloneDX JSON 1.6 of image vm" in html
    assert f'href="/sbom/releases/{image_release.pk}/images/vm/cyclonedx.json"' in html
