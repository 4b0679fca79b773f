"""Cancelling jobs from the API (POST /api/v1/jobs/<id>/cancel/) and from the job rows of the pages
(POST /jobs/<id>/cancel/): who may cancel which kind of job, and what the others get."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from access.models import AccessLog
from jobs.choices import JobKind, JobStatus
from jobs.models import Job

pytestmark = pytest.mark.django_db

ALLOWED, DENIED = "allowed", "denied"
# Who asks -> may they cancel a job of any kind? (every kind is started with the release-manager permission)
ACTORS = {
    "release-manager session": ALLOWED,
    "admin session": ALLOWED,
    "jobs key": ALLOWED,
    "auditor session": DENIED,
    "outsider session": DENIED,
    "read key": DENIED,
    "read and export key": DENIED,
}


@pytest.fixture
def client_of(release_manager, portal_admin, auditor, outsider, key_client):
    def make(actor: str) -> Client:
        if actor.endswith("key"):
            return key_client(*actor.removesuffix(" key").split(" and "))
        client = Client()
        user = {"release-manager": release_manager, "admin": portal_admin, "auditor": auditor,
                "outsider": outsider}[actor.removesuffix(" session")]
        client.force_login(user)
        return client

    return make


def job_of(kind: str, release, status: str = JobStatus.QUEUED) -> Job:
    params = {"source": "https://example.org/r.git", "ref": "main"} if kind == JobKind.INGEST else {"release_id": release.pk}
    return Job.objects.create(kind=kind, params=params, release=release, status=status)


@pytest.mark.parametrize("kind", JobKind.values)
@pytest.mark.parametrize("actor", ACTORS)
def test_the_api_lets_exactly_those_who_may_start_a_kind_cancel_it(client_of, small_release, actor, kind):
    job = job_of(kind, small_release)
    response = client_of(actor).post(f"/api/v1/jobs/{job.pk}/cancel/")
    job.refresh_from_db()
    if ACTORS[actor] == ALLOWED:
        assert (response.status_code, response.json()["status"], job.status) == (200, "cancelled", JobStatus.CANCELLED)
    else:
        assert (response.status_code, response["Content-Type"]) == (403, "application/problem+json")
        assert job.status == JobStatus.QUEUED


@pytest.mark.parametrize("kind", JobKind.values)
@pytest.mark.parametrize("actor", ACTORS)
def test_the_cancel_button_lets_exactly_those_who_may_start_a_kind_cancel_it(client_of, small_release, actor, kind):
    job = job_of(kind, small_release)
    client = client_of(actor)
    response = client.post(reverse("jobs:job-cancel", args=[job.pk]))
    job.refresh_from_db()
    if actor.endswith("key"):  # a key is no session: the page does not know it
        assert response.status_code in (302, 403) and job.status == JobStatus.QUEUED
    elif ACTORS[actor] == ALLOWED:
        assert response.status_code == 302 and job.status == JobStatus.CANCELLED
    else:
        assert response.status_code == 403 and job.status == JobStatus.QUEUED


def test_cancelling_a_running_job_through_the_api_asks_it_to_stop(client_of, small_release):
    job = job_of(JobKind.UPSTREAM, small_release, JobStatus.RUNNING)
    body = client_of("jobs key").post(f"/api/v1/jobs/{job.pk}/cancel/").json()
    assert body["status"] == "running" and body["cancel_requested_at"] and body["cancelled_by"].startswith("API key ")


def test_cancelling_a_finished_job_is_a_409_problem(client_of, small_release):
    job = job_of(JobKind.SBOM, small_release, JobStatus.FAILED)
    response = client_of("jobs key").post(f"/api/v1/jobs/{job.pk}/cancel/")
    assert (response.status_code, response["Content-Type"]) == (409, "application/problem+json")
    assert response.json()["detail"] == f"job {job.pk} has already finished (failed)"


def test_cancelling_through_the_api_is_in_the_access_log(key_client, small_release):
    job = job_of(JobKind.SBOM, small_release)
    key_client("jobs", name="ci").post(f"/api/v1/jobs/{job.pk}/cancel/")
    assert AccessLog.objects.get(api_key_name="ci").target.endswith(f"cancelled sbom job {job.pk}")


def test_the_cancel_action_takes_only_post(client_of, small_release):
    job = job_of(JobKind.SBOM, small_release)
    assert client_of("jobs and read key").get(f"/api/v1/jobs/{job.pk}/cancel/").status_code == 405


def test_the_cancel_button_takes_only_post(client_of, small_release):
    job = job_of(JobKind.SBOM, small_release)
    assert client_of("release-manager session").get(reverse("jobs:job-cancel", args=[job.pk])).status_code == 405


def test_the_cancel_button_needs_the_csrf_token(release_manager, small_release):
    job = job_of(JobKind.SBOM, small_release)
    client = Client(enforce_csrf_checks=True)
    client.force_login(release_manager)
    assert client.post(reverse("jobs:job-cancel", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED


def test_the_cancel_button_goes_back_to_the_release_page_at_the_job(client_of, small_release):
    job = job_of(JobKind.SBOM, small_release)
    response = client_of("release-manager session").post(reverse("jobs:job-cancel", args=[job.pk]),
                                                         {"next": "https://evil.example/"})
    assert response["Location"] == reverse("audits:release-detail", args=[small_release.pk]) + f"#job-{job.pk}"


def test_the_release_page_offers_the_cancel_button_to_a_release_manager(client_of, small_release):
    job_of(JobKind.SBOM, small_release, JobStatus.RUNNING)
    finished = job_of(JobKind.SIGN, small_release, JobStatus.SUCCEEDED)
    html = client_of("release-manager session").get(reverse("audits:release-detail", args=[small_release.pk])).content.decode()
    assert html.count('class="job-cancel"') == 1 and f"jobs/{finished.pk}/cancel/" not in html


def test_the_release_page_shows_no_cancel_button_to_an_auditor(client_of, small_release):
    job_of(JobKind.SBOM, small_release, JobStatus.RUNNING)
    html = client_of("auditor session").get(reverse("audits:release-detail", args=[small_release.pk])).content.decode()
    assert 'class="job-cancel"' not in html


def test_a_cancelled_job_row_says_who_cancelled_it(client_of, small_release):
    job = job_of(JobKind.SBOM, small_release)
    client = client_of("release-manager session")
    client.post(reverse("jobs:job-cancel", args=[job.pk]))
    html = client.get(reverse("audits:release-detail", args=[small_release.pk])).content.decode()
    assert "Cancelled by manny at " in html and 'data-finished="true"' in html


def test_the_polled_status_says_a_running_job_is_being_cancelled(client_of, small_release):
    job = job_of(JobKind.SBOM, small_release, JobStatus.RUNNING)
    client = client_of("release-manager session")
    client.post(reverse("jobs:job-cancel", args=[job.pk]))
    (polled,) = client.get(reverse("jobs:job-status"), {"ids": str(job.pk)}).json()["jobs"]
    assert (polled["status"], polled["cancelling"], polled["finished"]) == ("running", True, False)
