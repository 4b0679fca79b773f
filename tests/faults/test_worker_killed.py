"""kill -9 of a Celery worker in the middle of an ingest's write transaction."""

import os
import signal
import time

import pytest
from django.core.management import call_command

from audits.models import Component, Release
from audits.services.ingest import ingest_release
from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from jobs.services import enqueue_job
from tests.support import corpus
from tests.support.snapshots import release_snapshot
from tests.support.worker import celery_worker, celery_worker_process, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.worker, pytest.mark.corpus, pytest.mark.django_db(transaction=True)]

WRITING = "writing (one transaction)"


def test_a_worker_killed_mid_ingest_leaves_the_previous_release_intact_and_a_rerun_equals_a_clean_ingest(
        tmp_path, sample_git):
    bundle = str(corpus.bundle_path())
    repo, first, _ = sample_git
    previous = ingest_release(str(repo), first).release
    previous_before = release_snapshot(previous)
    corpus.seed_identity_cache()  # this test is about the kill, not the expansion

    clean = ingest_release(bundle, corpus.BRANCH).release  # the reference: an ingest nobody interrupted
    clean_snapshot = release_snapshot(clean)
    clean.delete()

    log = tmp_path / "killed-worker.log"
    with celery_worker_process(log, PEDIGREE_ALLOW_LOCAL_SOURCES="true") as worker:
        job = enqueue_job(JobKind.INGEST, {"source": bundle, "ref": corpus.BRANCH})
        wait_for(lambda: Job.objects.filter(pk=job.pk, stage=WRITING).exists(), timeout=300, interval=0.05,
                 what="the ingest to start writing", log_path=log)
        os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.wait(timeout=30)

    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING  # nobody is left to say otherwise: the reaper's case
    time.sleep(1.5)
    call_command("reap_jobs", "--stale-after", "1", stdout=open(os.devnull, "w"))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "stopped sending heartbeats" in job.error and "started again" in job.error

    assert list(Release.objects.all()) == [previous]
    assert release_snapshot(previous) == previous_before
    assert Component.objects.exclude(release=previous).count() == 0  # nothing half-written

    log = tmp_path / "rerun-worker.log"
    with celery_worker(log, PEDIGREE_ALLOW_LOCAL_SOURCES="true"):
        rerun = enqueue_job(JobKind.INGEST, {"source": bundle, "ref": corpus.BRANCH})
        rerun = wait_for(lambda: Job.objects.filter(pk=rerun.pk, status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED]).first(),
                         timeout=600, what="the re-run to finish", log_path=log)
    assert rerun.status == JobStatus.SUCCEEDED, rerun.error
    assert release_snapshot(rerun.release) == clean_snapshot
    assert release_snapshot(previous) == previous_before
