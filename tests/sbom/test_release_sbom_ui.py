"""The SBOM panel of the release dashboard, the generate button, package-page links and the
automatic SBOM job after an ingest."""

import pytest
from django.test import override_settings

from access.models import AccessLog
from audits.tasks import run_ingest_job
from jobs.choices import JobKind
from jobs.models import Job

pytestmark = pytest.mark.django_db


def test_the_dashboard_lists_each_stored_sbom_with_its_download_and_digest(auditor_client, release, generated):
    html = auditor_client.get(f"/releases/{release.pk}/").content.decode()
    for fmt, path in (("cyclonedx-json", "cyclonedx.json"), ("cyclonedx-xml", "cyclonedx.xml"), ("spdx-json", "spdx.json")):
        assert f'href="/sbom/releases/{release.pk}/{path}" download' in html
        assert generated["documents"][fmt]["sha256"] in html


def test_the_dashboard_says_when_no_sbom_was_generated_yet(auditor_client, release):
    assert "No SBOM has been generated for this release yet." in auditor_client.get(f"/releases/{release.pk}/").content.decode()


def test_an_auditor_sees_no_generate_button(auditor_client, release):
    assert "Generate SBOMs" not in auditor_client.get(f"/releases/{release.pk}/").content.decode()


def test_a_release_manager_starts_the_sbom_job_from_the_dashboard(client, release_manager, release, django_capture_on_commit_callbacks, monkeypatch):
    queued = []
    monkeypatch.setattr("sbom.tasks.generate_release_sbom_job.delay", lambda pk: queued.append(pk))
    client.force_login(release_manager)
    assert "Generate SBOMs" in client.get(f"/releases/{release.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/sbom/releases/{release.pk}/generate")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/releases/{release.pk}/#job-{job.pk}"
    assert (job.kind, job.params, job.release, job.created_by, queued) == (
        JobKind.SBOM, {"release_id": release.pk}, release, release_manager, [job.pk]
    )
    assert AccessLog.objects.filter(action="start-job", target__startswith=f"SBOM generation job {job.pk}").exists()


def test_an_auditor_cannot_start_the_sbom_job(auditor_client, release):
    assert auditor_client.post(f"/sbom/releases/{release.pk}/generate").status_code == 403
    assert not Job.objects.exists()


def test_a_signed_in_account_without_a_role_cannot_download_an_sbom(client, outsider, release, generated):
    client.force_login(outsider)
    assert client.get(f"/sbom/releases/{release.pk}/cyclonedx.json").status_code == 403
    assert client.get(f"/sbom/releases/{release.pk}/components/curl/spdx.json").status_code == 403


def test_a_download_is_recorded_in_the_access_log(auditor_client, release, generated):
    auditor_client.get(f"/sbom/releases/{release.pk}/cyclonedx.json")
    entry = AccessLog.objects.get(action="export")
    assert (entry.username, entry.release_id) == ("audrey", release.pk)
    assert entry.target.startswith("SBOM azurelinux-4.0-") and entry.target.endswith(".cdx.json")


def test_the_package_page_links_the_component_boms_in_every_format(auditor_client, release):
    html = auditor_client.get(f"/releases/{release.pk}/components/curl/").content.decode()
    for path in ("cyclonedx.json", "cyclonedx.xml", "spdx.json"):
        assert f'href="/sbom/releases/{release.pk}/components/curl/{path}" download' in html


def _run_ingest_job(source, user) -> Job:
    job = Job.objects.create(kind=JobKind.INGEST, params={"source": source, "ref": "main"}, created_by=user)
    run_ingest_job(job.pk)
    job.refresh_from_db()
    return job


@override_settings(PEDIGREE_SBOM_AFTER_INGEST=True)
def test_with_the_setting_an_ingest_job_that_creates_a_release_queues_its_sbom_job(tmp_path, allow_local_sources, release_manager, monkeypatch, django_capture_on_commit_callbacks):
    from tests.audits import sample_repo
    from tests.support.gitrepo import init_repo

    queued = []
    monkeypatch.setattr("sbom.tasks.generate_release_sbom_job.delay", lambda pk: queued.append(pk))
    init_repo(tmp_path / "repo", sample_repo.files())
    with django_capture_on_commit_callbacks(execute=True):
        job = _run_ingest_job(str(tmp_path / "repo"), release_manager)
    sbom_job = Job.objects.get(kind=JobKind.SBOM)
    assert (sbom_job.params, sbom_job.release_id, sbom_job.created_by) == ({"release_id": job.release_id}, job.release_id, release_manager)
    assert queued == [sbom_job.pk]
    _run_ingest_job(str(tmp_path / "repo"), release_manager)  # the same commit again: no new release, no new SBOM job
    assert Job.objects.filter(kind=JobKind.SBOM).count() == 1


def test_without_the_setting_an_ingest_job_queues_no_sbom_job(tmp_path, allow_local_sources, release_manager):
    from tests.audits import sample_repo
    from tests.support.gitrepo import init_repo

    init_repo(tmp_path / "repo", sample_repo.files())
    job = _run_ingest_job(str(tmp_path / "repo"), release_manager)
    assert job.status == "succeeded" and not Job.objects.filter(kind=JobKind.SBOM).exists()
