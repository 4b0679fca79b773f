"""deploy/run-production-local.sh end to end: gunicorn, a worker per queue and celery beat against
PostgreSQL and Redis; the corpus is ingested and an SBOM generated through the real job path,
and both are read back through gunicorn by a signed-in session."""

import hashlib
import json

import pytest

from tests.production.portal import job_id_from, production_portal
from tests.support import corpus

pytestmark = [pytest.mark.production, pytest.mark.corpus]

INGEST_TIMEOUT = 600
SBOM_TIMEOUT = 1200


def check_release_sbom(portal, session, release_id: int) -> None:
    """The stored CycloneDX document, downloaded through gunicorn, is the one the job recorded.

    Extension point: when signing lands, the signature of this document is downloaded and
    verified here as well (the signing job runs on the same artifact queue).
    """
    response = session.get(f"{portal.base_url}/sbom/releases/{release_id}/cyclonedx.json", timeout=120)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["ETag"] == f'"{hashlib.sha256(response.content).hexdigest()}"'
    bom = json.loads(response.content)
    assert bom["bomFormat"] == "CycloneDX" and bom["specVersion"] == "1.6"
    assert len(bom["components"]) > 7000


def test_the_production_topology_ingests_generates_an_sbom_and_serves_it(tmp_path):
    bundle = corpus.bundle_path()
    with production_portal(tmp_path) as portal:
        session = portal.signed_in_session()
        assert session.get(f"{portal.base_url}/static/css/pedigree.css", timeout=30).status_code == 200  # whitenoise

        started = portal.post_form(session, "/ingest/", {"source": str(bundle), "ref": corpus.BRANCH})
        ingest = portal.wait_for_job(session, job_id_from(started), timeout=INGEST_TIMEOUT)
        assert ingest["status"] == "succeeded", ingest["error"]
        release_id = int(ingest["release_url"].rstrip("/").rsplit("/", 1)[1])
        assert session.get(f"{portal.base_url}{ingest['release_url']}", timeout=60).status_code == 200

        sbom_job = portal.manage("shell", "-c", (
            "from audits.services.jobs import enqueue_job; from audits.models import Release; "
            f"r = Release.objects.get(pk={release_id}); print(enqueue_job('sbom', {{'release_id': r.pk}}, release=r).pk)"
        )).split()[-1]
        sbom = portal.wait_for_job(session, int(sbom_job), timeout=SBOM_TIMEOUT)
        assert sbom["status"] == "succeeded", sbom["error"]
        check_release_sbom(portal, session, release_id)

        # Each job ran on the worker of its queue.
        assert "Task audits.tasks.run_ingest_job[" in portal.log("worker-ingest.log")
        assert "Task sbom.tasks.generate_release_sbom_job[" in portal.log("worker-artifacts.log")
        assert "Task sbom.tasks.generate_release_sbom_job[" not in portal.log("worker-ingest.log")
        assert json.loads(portal.manage("job_metrics", "--json"))["jobs_by_status"]["succeeded"] == 2
