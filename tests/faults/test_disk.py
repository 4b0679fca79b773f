"""The worker's temporary clone directory full: the ingest fails saying so, nothing is stored as
done, and no partial clone is left behind. (SBOMs and evidence live in the database.)

A read-only TMPDIR is not a failure: Python's tempfile skips an unwritable TMPDIR for /tmp."""

import os
import subprocess
from contextlib import contextmanager

import pytest

from audits.models import Release
from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from jobs.services import enqueue_job
from tests.support import corpus
from tests.support.worker import celery_worker, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.worker, pytest.mark.corpus, pytest.mark.django_db(transaction=True)]


@contextmanager
def tiny_tmpfs(path):
    """A small tmpfs at `path` (needs root, as CI runs); always unmounted."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tiny tmpfs needs root")
    path.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


def ingest_with_tmpdir(tmp_path, tmpdir) -> Job:
    log = tmp_path / "worker.log"
    with celery_worker(log, PEDIGREE_ALLOW_LOCAL_SOURCES="true", TMPDIR=str(tmpdir)):
        job = enqueue_job(JobKind.INGEST, {"source": str(corpus.bundle_path()), "ref": corpus.BRANCH})
        return wait_for(lambda: Job.objects.filter(pk=job.pk, status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED]).first(),
                        timeout=300, what="the ingest to end", log_path=log)


def test_a_full_clone_directory_fails_the_ingest_with_a_clear_error_and_leaves_no_partial_clone(tmp_path):
    with tiny_tmpfs(tmp_path / "full") as tmpdir:
        job = ingest_with_tmpdir(tmp_path, tmpdir)
        assert job.status == JobStatus.FAILED
        assert "could not write its temporary clone" in job.error and "No space left on device" in job.error
        assert list(tmpdir.iterdir()) == []
    assert Release.objects.count() == 0

