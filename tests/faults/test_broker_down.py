"""Redis stopped under a running production portal: pages are still served, and starting a job
says that jobs cannot be queued instead of failing or leaving a job queued forever."""

import pytest

from tests.audits import sample_repo
from tests.production.portal import production_portal
from tests.support.gitrepo import init_repo

pytestmark = [pytest.mark.faults, pytest.mark.production]


def test_with_the_broker_stopped_pages_are_served_and_the_ingest_form_says_jobs_cannot_be_queued(tmp_path):
    repo = tmp_path / "repo"
    sha = init_repo(repo, sample_repo.files())
    with production_portal(tmp_path) as portal:
        portal.manage("ingest", str(repo), "--ref", sha)
        session = portal.signed_in_session()
        portal.redis.stop()

        for path in ("/", "/releases/1/", "/releases/1/components/bash/", "/compare/"):
            assert session.get(f"{portal.base_url}{path}", timeout=60).status_code == 200, path
        health = session.get(f"{portal.base_url}/healthz", timeout=60)
        assert health.status_code == 503 and health.json()["checks"]["broker"] == "unavailable"

        response = portal.post_form(session, "/ingest/", {"source": str(repo), "ref": "main"})
        assert response.status_code == 503
        assert "Jobs cannot be queued right now: the message broker is unavailable" in response.text
        button = portal.post_form(session, "/releases/1/verify-upstream/", {})
        assert button.status_code == 302
        page = session.get(f"{portal.base_url}{button.headers['Location']}", timeout=60)
        assert "Jobs cannot be queued right now" in page.text

        metrics = portal.manage("job_metrics", "--json")
    assert '"queued": 0' in metrics and '"failed": 2' in metrics  # both rows say why, none waits forever
