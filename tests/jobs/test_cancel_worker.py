"""A real Celery worker runs a long upstream verification (every dist-git clone hangs a second on a
loopback server, then breaks); cancelling it stops the work within a clone or two."""

from __future__ import annotations

import time

import pytest

from audits.services.ingest import ingest_release
from jobs.cancellation import request_cancel
from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from jobs.services import enqueue_job
from tests.audits import sample_repo
from tests.support.git_https import Listener
from tests.support.gitrepo import init_repo
from tests.support.worker import celery_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PACKAGES = [f"pkg{n:02}" for n in range(30)]


@pytest.fixture
def many_packages(tmp_path, allow_local_sources):
    files = sample_repo.files()
    files["base/comps/components.toml"] += "".join(f"[components.{name}]\n" for name in PACKAGES)
    files.update({f"specs/p/{name}/{name}.spec": sample_repo.spec(name) for name in PACKAGES})
    init_repo(tmp_path / "repo", files)
    return ingest_release(str(tmp_path / "repo"), "main").release


def test_a_cancelled_running_job_stops_on_a_real_worker(many_packages, release_manager, tmp_path):
    log = tmp_path / "worker.log"
    with Listener(hold=1.0) as server, celery_worker(
        log, PEDIGREE_EGRESS_ALLOW="127.0.0.1", PEDIGREE_UPSTREAM_MAX_NETWORK_FAILURES="1000",
        PEDIGREE_UPSTREAM_DIST_GIT_BASE_URI=f"https://127.0.0.1:{server.port}/rpms/$pkg.git",
    ):
        job = enqueue_job(JobKind.UPSTREAM, {"release_id": many_packages.pk}, release=many_packages)
        wait_for(lambda: Job.objects.filter(pk=job.pk, progress_done__gte=2).exists(), timeout=90,
                 what="the job to get through two packages", log_path=log)
        request_cancel(job.pk, release_manager)
        asked_at, dialled = time.monotonic(), server.connections
        ended = wait_for(lambda: Job.objects.filter(pk=job.pk, status=JobStatus.CANCELLED).first(), timeout=30,
                         what="the job to stop", log_path=log)
        stopped_after = time.monotonic() - asked_at
    total = len(PACKAGES) + 3  # bash, curl and zlib come from Fedora too
    assert ended.error.startswith("Cancelled by manny at ")
    assert server.connections <= dialled + 1 < total
    assert ended.progress_done < total and stopped_after < 10
