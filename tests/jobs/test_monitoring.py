"""Monitoring: queue depth and job ages, from `manage.py job_metrics` and /healthz/jobs."""

import datetime as dt
import json
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from kombu import Connection

from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from jobs.monitoring import broker_queue_depths, job_metrics
from portal.celery import app

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.timezone.utc)


def job(status, *, created_minutes_ago=0, started_minutes_ago=None, beat_minutes_ago=None):
    row = Job.objects.create(kind=JobKind.INGEST, status=status)
    ago = lambda minutes: None if minutes is None else NOW - dt.timedelta(minutes=minutes)  # noqa: E731
    Job.objects.filter(pk=row.pk).update(created_at=ago(created_minutes_ago), started_at=ago(started_minutes_ago),
                                         heartbeat_at=ago(beat_minutes_ago))
    return row


def test_metrics_give_the_age_of_the_oldest_queued_and_running_jobs():
    job(JobStatus.QUEUED, created_minutes_ago=5)
    job(JobStatus.QUEUED, created_minutes_ago=30)
    job(JobStatus.RUNNING, created_minutes_ago=90, started_minutes_ago=60, beat_minutes_ago=2)
    job(JobStatus.SUCCEEDED, created_minutes_ago=600)
    job(JobStatus.CANCELLED, created_minutes_ago=700)
    metrics = job_metrics(now=NOW)
    assert metrics.jobs_by_status == {"queued": 2, "running": 1, "succeeded": 1, "failed": 0, "cancelled": 1}
    assert (metrics.oldest_queued_seconds, metrics.oldest_running_seconds, metrics.stalest_heartbeat_seconds) == (
        1800.0, 3600.0, 120.0)


def test_metrics_without_jobs_report_no_ages():
    metrics = job_metrics(now=NOW)
    assert metrics.oldest_queued_seconds is None and metrics.oldest_running_seconds is None


def test_queue_depth_counts_the_messages_waiting_in_a_queue():
    queue = f"pedigree-depth-{uuid.uuid4().hex[:8]}"
    assert broker_queue_depths([queue])[0].messages == 0
    app.send_task("jobs.tasks.reap_stale_jobs_task", queue=queue)
    app.send_task("jobs.tasks.reap_stale_jobs_task", queue=queue)
    try:
        assert broker_queue_depths([queue])[0].messages == 2
    finally:
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(queue)


def test_an_unreachable_broker_is_reported_not_raised(monkeypatch):
    monkeypatch.setattr(app, "connection_for_read", lambda: Connection("redis://127.0.0.1:1/0"))
    depth = broker_queue_depths(["ingest"])[0]
    assert depth.messages is None and "Connection refused" in depth.error


def test_the_command_prints_queues_and_ages_and_json_for_scripts():
    job(JobStatus.QUEUED, created_minutes_ago=0)
    out = StringIO()
    call_command("job_metrics", stdout=out)
    assert "queue ingest:" in out.getvalue() and "oldest queued job:" in out.getvalue()
    out = StringIO()
    call_command("job_metrics", "--json", stdout=out)
    assert json.loads(out.getvalue())["jobs_by_status"]["queued"] == 1


def test_the_endpoint_needs_the_monitoring_token_or_an_admin(client, settings, auditor, portal_admin):
    settings.PEDIGREE_MONITORING_TOKEN = "s3cret-token"
    assert client.get("/healthz/jobs").status_code == 403
    assert client.get("/healthz/jobs", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    response = client.get("/healthz/jobs", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert response.status_code == 200 and "oldest_queued_seconds" in response.json()
    client.force_login(auditor)
    assert client.get("/healthz/jobs").status_code == 403
    client.force_login(portal_admin)
    assert client.get("/healthz/jobs").status_code == 200


def test_without_a_token_setting_no_bearer_value_is_accepted(client, settings):
    settings.PEDIGREE_MONITORING_TOKEN = ""
    assert client.get("/healthz/jobs", HTTP_AUTHORIZATION="Bearer ").status_code == 403


def test_metrics_count_running_jobs_asked_to_stop():
    job(JobStatus.RUNNING, started_minutes_ago=3, beat_minutes_ago=1)
    asked = job(JobStatus.RUNNING, started_minutes_ago=9, beat_minutes_ago=1)
    Job.objects.filter(pk=asked.pk).update(cancel_requested_at=NOW)
    assert job_metrics(now=NOW).cancelling == 1
