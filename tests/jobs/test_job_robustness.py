"""Job robustness: routes per kind of job, a broker that refuses a message, a database that goes
away during a job, and the scheduled re-verification."""

import pytest
from django.db import OperationalError as DatabaseOperationalError
from kombu.exceptions import OperationalError

from audits import tasks
from audits.services.ingest import ingest_release
from audits.services.upstream import queue_scheduled_reverification
from evidence import tasks as evidence_tasks
from jobs import services as job_services
from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from jobs.services import JobNotQueued, enqueue_job, run_job
from portal.celery import app


def broker_down(*args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")


def test_ingest_and_upstream_jobs_go_to_the_ingest_queue_and_sbom_jobs_to_the_artifact_queue(settings):
    route = app.amqp.router.route
    assert route({}, "audits.tasks.run_ingest_job")["queue"].name == settings.PEDIGREE_INGEST_QUEUE
    assert route({}, "audits.tasks.run_upstream_verification_job")["queue"].name == settings.PEDIGREE_INGEST_QUEUE
    assert route({}, "sbom.tasks.generate_release_sbom_job")["queue"].name == settings.PEDIGREE_ARTIFACT_QUEUE
    assert route({}, "signing.tasks.sign_release_job")["queue"].name == settings.PEDIGREE_ARTIFACT_QUEUE
    assert route({}, "signing.tasks.verify_signatures_job")["queue"].name == settings.PEDIGREE_ARTIFACT_QUEUE
    assert route({}, "evidence.tasks.run_evidence_job")["queue"].name == settings.PEDIGREE_ARTIFACT_QUEUE
    assert route({}, "jobs.tasks.reap_stale_jobs_task")["queue"].name == settings.CELERY_TASK_DEFAULT_QUEUE


def test_the_upstream_time_limit_comes_from_its_setting(settings):
    assert tasks.run_upstream_verification_job.soft_time_limit == settings.PEDIGREE_UPSTREAM_TIME_LIMIT
    assert tasks.run_upstream_verification_job.time_limit == settings.PEDIGREE_UPSTREAM_TIME_LIMIT + 60


@pytest.mark.django_db(transaction=True)
def test_a_broker_error_fails_the_job_row_and_raises_a_clear_message(monkeypatch):
    monkeypatch.setattr(tasks.run_ingest_job, "delay", broker_down)
    with pytest.raises(JobNotQueued, match="Jobs cannot be queued right now: the message broker is unavailable"):
        enqueue_job(JobKind.INGEST, {"source": "https://example.org/r.git", "ref": "main"})
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and job.finished_at is not None
    assert "could not be queued" in job.error and "Connection refused" in job.error


@pytest.mark.django_db(transaction=True)
def test_the_ingest_form_says_jobs_cannot_be_queued_when_the_broker_is_down(monkeypatch, release_manager, client):
    monkeypatch.setattr(tasks.run_ingest_job, "delay", broker_down)
    client.force_login(release_manager)
    response = client.post("/ingest/", {"source": "https://example.org/r.git", "ref": "main"})
    assert response.status_code == 503
    page = response.content.decode()
    assert "Jobs cannot be queued right now" in page and 'value="https://example.org/r.git"' in page
    assert "please correct the fields" not in page
    assert Job.objects.get().status == JobStatus.FAILED


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("task", "button"), [
    ("audits.tasks.run_upstream_verification_job", "/releases/{pk}/verify-upstream/"),
    ("evidence.tasks.run_evidence_job", "/releases/{pk}/evidence/start/"),
    ("sbom.tasks.generate_release_sbom_job", "/sbom/releases/{pk}/generate"),
    ("signing.tasks.sign_release_job", "/sbom/releases/{pk}/sign/"),
    ("signing.tasks.verify_signatures_job", "/sbom/releases/{pk}/verify-signatures/"),
])
def test_a_job_button_says_jobs_cannot_be_queued_when_the_broker_is_down(monkeypatch, release, release_manager, client,
                                                                         task, button):
    monkeypatch.setattr(f"{task}.delay", broker_down)
    client.force_login(release_manager)
    response = client.post(button.format(pk=release.pk), follow=True)
    assert response.status_code == 200
    assert "Jobs cannot be queued right now" in response.content.decode()
    assert Job.objects.get().status == JobStatus.FAILED


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_503_when_jobs_cannot_be_queued(monkeypatch, release, release_manager, client):
    monkeypatch.setattr(evidence_tasks.run_evidence_job, "delay", broker_down)
    client.force_login(release_manager)
    response = client.post("/api/v1/jobs/", {"kind": "evidence", "release": release.pk}, content_type="application/json")
    assert response.status_code == 503 and response["Content-Type"] == "application/problem+json"
    assert "Jobs cannot be queued right now" in response.json()["detail"]
    assert Job.objects.get().status == JobStatus.FAILED


@pytest.mark.django_db(transaction=True)
def test_scheduled_reverification_queues_the_newest_release_once(monkeypatch, sample_git):
    repo, first, second = sample_git
    ingest_release(str(repo), first)
    newest = ingest_release(str(repo), second).release
    sent = []
    monkeypatch.setattr(tasks.run_upstream_verification_job, "delay", sent.append)
    assert [job.release for job in queue_scheduled_reverification()] == [newest]
    assert queue_scheduled_reverification() == []  # already queued: not twice
    assert sent == [Job.objects.get().pk]


def lose_the_database(context):
    raise DatabaseOperationalError("server closed the connection unexpectedly")


@pytest.mark.django_db
def test_a_lost_database_connection_fails_the_job_saying_so():
    job = Job.objects.create(kind=JobKind.INGEST)
    run_job(job.pk, lose_the_database, user_errors=())
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("the database failed during the job: its connection was lost or it refused a query "
                                "(OperationalError: server closed")


@pytest.mark.django_db(transaction=True)  # the retry reconnects, which a test transaction would not survive
def test_the_end_of_a_job_is_written_once_the_database_answers_again(monkeypatch):
    job = Job.objects.create(kind=JobKind.INGEST, status=JobStatus.RUNNING)
    real_filter, failures = Job.objects.filter, []

    def filter_failing_twice(*args, **kwargs):
        if len(failures) < 2:
            failures.append(1)
            raise DatabaseOperationalError("the database system is starting up")
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Job.objects, "filter", filter_failing_twice)
    monkeypatch.setattr(job_services.time, "sleep", lambda seconds: None)
    job_services._finish(job.pk, JobStatus.SUCCEEDED, result={"ok": True})
    job.refresh_from_db()
    assert (job.status, job.result, len(failures)) == (JobStatus.SUCCEEDED, {"ok": True}, 2)
