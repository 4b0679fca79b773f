"""PostgreSQL restarted while an ingest job writes: the job ends failed with the reason (no
half-written release), the web keeps serving once the database is back, and a re-run succeeds."""

import time

import pytest

from tests.production.portal import job_id_from, production_portal
from tests.support import corpus

pytestmark = [pytest.mark.faults, pytest.mark.production, pytest.mark.corpus]


def test_a_database_restart_during_an_ingest_fails_the_job_cleanly_and_a_rerun_succeeds(tmp_path):
    bundle = str(corpus.bundle_path())
    with production_portal(tmp_path) as portal:
        portal.manage("loaddata", str(corpus.identity_cache_fixture(tmp_path / "identities.json")))  # about the restart
        session = portal.signed_in_session()
        job_id = job_id_from(portal.post_form(session, "/ingest/", {"source": bundle, "ref": corpus.BRANCH}))
        deadline = time.monotonic() + 300
        while "writing" not in session.get(f"{portal.base_url}/jobs/status.json", params={"ids": job_id},
                                           timeout=30).json()["jobs"][0]["stage"]:
            assert time.monotonic() < deadline, "the ingest never reached its write"
            time.sleep(0.1)
        portal.postgres.restart()

        job = portal.wait_for_job(session, job_id, timeout=120)
        assert job["status"] == "failed"
        assert "the database failed during the job" in job["error"]
        assert "No release has been ingested yet" in session.get(f"{portal.base_url}/", timeout=60).text

        rerun = portal.wait_for_job(
            session, job_id_from(portal.post_form(session, "/ingest/", {"source": bundle, "ref": corpus.BRANCH})),
            timeout=600)
        assert rerun["status"] == "succeeded", rerun["error"]
        assert session.get(f"{portal.base_url}{rerun['release_url']}", timeout=60).status_code == 200
