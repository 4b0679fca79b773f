"""Starting and polling jobs through the API (the rows; tests/audits/test_worker.py runs real workers)."""

from __future__ import annotations

import pytest

from access.models import AccessLog
from jobs.choices import JobKind, JobStatus
from jobs.models import Job


def test_a_jobs_key_starts_an_sbom_job_for_a_release(key_client, small_release):
    response = key_client("jobs", "read", name="ci").post(
        "/api/v1/jobs/", {"kind": "sbom", "release": small_release.pk}, content_type="application/json")
    assert response.status_code == 201, response.content
    job = Job.objects.get(pk=response.json()["id"])
    assert (job.kind, job.status, job.params, job.release_id) == (JobKind.SBOM, JobStatus.QUEUED,
                                                                  {"release_id": small_release.pk}, small_release.pk)
    assert job.created_by is None and response["Location"] == response.json()["url"]
    entry = AccessLog.objects.get(api_key_name="ci", action="start-job")
    assert entry.target.endswith(f"started sbom job {job.pk} of release {small_release.pk}")


def test_an_upstream_verification_job_can_be_started(key_client, small_release):
    response = key_client("jobs").post("/api/v1/jobs/", {"kind": "upstream", "release": small_release.pk},
                                       content_type="application/json")
    assert response.status_code == 201 and Job.objects.get(kind=JobKind.UPSTREAM).release == small_release


def test_an_ingest_job_validates_its_source(key_client, db):
    client = key_client("jobs")
    bad = client.post("/api/v1/jobs/", {"kind": "ingest", "source": "--upload-pack=evil", "ref": "main"},
                      content_type="application/json")
    assert bad.status_code == 400 and "source" in bad.json()["errors"]
    good = client.post("/api/v1/jobs/", {"kind": "ingest", "source": "https://example.org/repo.git", "ref": "main"},
                       content_type="application/json")
    assert good.status_code == 201 and Job.objects.get().params == {"source": "https://example.org/repo.git", "ref": "main"}


def test_a_release_job_without_a_release_is_a_400(key_client, db):
    response = key_client("jobs").post("/api/v1/jobs/", {"kind": "sbom"}, content_type="application/json")
    assert response.status_code == 400 and "release" in response.json()["errors"]


def test_an_unknown_kind_of_job_is_a_400(key_client, small_release):
    response = key_client("jobs").post("/api/v1/jobs/", {"kind": "reboot", "release": small_release.pk},
                                       content_type="application/json")
    assert response.status_code == 400 and "kind" in response.json()["errors"]


@pytest.mark.parametrize("kind", ["sbom", "sign", "verify", "evidence", "upstream"])
def test_every_release_job_can_be_started_with_the_jobs_scope(key_client, small_release, kind):
    response = key_client("jobs").post("/api/v1/jobs/", {"kind": kind, "release": small_release.pk},
                                       content_type="application/json")
    assert response.status_code == 201, response.content
    assert Job.objects.get().params == {"release_id": small_release.pk}


def test_a_job_is_polled_for_its_progress(read_client, small_release):
    job = Job.objects.create(kind=JobKind.SBOM, release=small_release, status=JobStatus.RUNNING, progress_done=5,
                             progress_total=20, stage="Building")
    body = read_client.get(f"/api/v1/jobs/{job.pk}/").json()
    assert (body["status"], body["percent"], body["stage"]) == ("running", 25, "Building")


def test_jobs_are_filtered_by_status(read_client, small_release):
    Job.objects.create(kind=JobKind.SBOM, release=small_release, status=JobStatus.FAILED)
    Job.objects.create(kind=JobKind.SBOM, release=small_release)
    rows = read_client.get("/api/v1/jobs/?status=failed").json()["results"]
    assert [r["status"] for r in rows] == ["failed"]


def test_a_release_manager_session_starts_jobs(client, release_manager, small_release):
    client.force_login(release_manager)
    response = client.post("/api/v1/jobs/", {"kind": "sbom", "release": small_release.pk}, content_type="application/json")
    assert response.status_code == 201 and Job.objects.get().created_by == release_manager


def test_an_auditor_session_may_not_start_jobs(auditor_client, small_release):
    response = auditor_client.post("/api/v1/jobs/", {"kind": "sbom", "release": small_release.pk},
                                   content_type="application/json")
    assert response.status_code == 403 and not Job.objects.exists()
