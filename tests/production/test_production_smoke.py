"""deploy/run-production-local.sh end to end: gunicorn, a worker per queue and celery beat against
PostgreSQL and Redis; the corpus is ingested, an SBOM generated and signed (a private Sigstore
instance on loopback) and its signature verified through the real job path, and everything is
read back through gunicorn by a signed-in session; the customer's stock `sigstore` command
verifies the downloads offline."""

import hashlib
import html
import json
import re
import shlex
import subprocess
import sys

import pytest

from tests.production.portal import job_id_from, production_portal
from tests.support import corpus
from tests.support.sigstore_local import EGRESS_ALLOW, LocalSigstore

pytestmark = [pytest.mark.production, pytest.mark.corpus]

INGEST_TIMEOUT = 600
SBOM_TIMEOUT = 1200
SIGN_TIMEOUT = 300
SIGNER = "release-bot@pedigree.test"


def check_release_sbom(portal, session, release_id: int) -> bytes:
    """The stored CycloneDX document, downloaded through gunicorn, is the one the job recorded."""
    response = session.get(f"{portal.base_url}/sbom/releases/{release_id}/cyclonedx.json", timeout=120)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["ETag"] == f'"{hashlib.sha256(response.content).hexdigest()}"'
    bom = json.loads(response.content)
    assert bom["bomFormat"] == "CycloneDX" and bom["specVersion"] == "1.6"
    assert len(bom["components"]) > 7000
    return response.content


def api(portal, session, path: str) -> dict:
    response = session.get(f"{portal.base_url}/api/v1{path}", timeout=60)
    assert response.status_code == 200, response.text[:500]
    return response.json()


def sigstore_env(instance: LocalSigstore, folder) -> dict[str, str]:
    """The portal configured for a private Sigstore instance, as docs/signing.md describes."""
    config, token = folder / "trust-config.json", folder / "oidc-token"
    config.write_text(json.dumps(instance.client_trust_config()))
    token.write_text(instance.token(SIGNER, lifetime=3600))
    return {"PEDIGREE_SIGSTORE_TRUST_CONFIG": str(config), "PEDIGREE_SIGSTORE_IDENTITY_TOKEN_FILE": str(token),
            "PEDIGREE_SIGSTORE_IDENTITY": SIGNER, "PEDIGREE_SIGSTORE_OIDC_ISSUER": instance.oidc.issuer,
            "PEDIGREE_SIGN_AFTER_SBOM": "true", "PEDIGREE_EGRESS_ALLOW": EGRESS_ALLOW}  # the instance is on loopback


def check_signature(portal, session, release_id: int, sbom: bytes, folder) -> None:
    """The signing job that followed the SBOM job signed it; the verification job verified it; the
    customer's command, as the release page shows it, verifies the files downloaded through gunicorn."""
    (sign_job,) = api(portal, session, f"/jobs/?release={release_id}&kind=sign")["results"]
    assert portal.wait_for_job(session, sign_job["id"], timeout=SIGN_TIMEOUT)["status"] == "succeeded"
    verify = portal.post_form(session, f"/sbom/releases/{release_id}/verify-signatures/", {})
    assert portal.wait_for_job(session, job_id_from(verify), timeout=SIGN_TIMEOUT)["status"] == "succeeded"

    bundles = api(portal, session, f"/releases/{release_id}/signature-bundles/")["results"]
    (bundle,) = [b for b in bundles if b["artifact_sha256"] == hashlib.sha256(sbom).hexdigest()]
    assert bundle["verifications"][0]["verified"], bundle["verifications"][0]["reason"]
    assert bundle["verifications"][0]["signer_identity"] == SIGNER
    (folder / bundle["artifact_name"]).write_bytes(sbom)
    (folder / bundle["file_name"]).write_bytes(session.get(bundle["download_url"], timeout=60).content)
    trust = session.get(f"{portal.base_url}/sbom/sigstore-trust-config.json", timeout=60)
    (folder / "sigstore-trust-config.json").write_bytes(trust.content)
    page = session.get(f"{portal.base_url}/releases/{release_id}/", timeout=60).text
    command = re.search(rf'class="verify-command" data-bundle="{bundle["id"]}">([^<]+)<', page).group(1)
    words = shlex.split(html.unescape(command))
    assert words[:3] == ["python", "-m", "sigstore"] and "--offline" in words
    done = subprocess.run([sys.executable, *words[1:]], cwd=folder, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_production_topology_ingests_generates_signs_and_serves_an_sbom(tmp_path):
    bundle = corpus.bundle_path()
    with LocalSigstore() as sigstore, production_portal(tmp_path, **sigstore_env(sigstore, tmp_path)) as portal:
        session = portal.signed_in_session()
        assert session.get(f"{portal.base_url}/static/css/pedigree.css", timeout=30).status_code == 200  # whitenoise

        started = portal.post_form(session, "/ingest/", {"source": str(bundle), "ref": corpus.BRANCH})
        ingest = portal.wait_for_job(session, job_id_from(started), timeout=INGEST_TIMEOUT)
        assert ingest["status"] == "succeeded", ingest["error"]
        release_id = int(ingest["release_url"].rstrip("/").rsplit("/", 1)[1])
        assert session.get(f"{portal.base_url}{ingest['release_url']}", timeout=60).status_code == 200

        started = portal.post_form(session, f"/sbom/releases/{release_id}/generate", {})  # the dashboard button
        sbom = portal.wait_for_job(session, job_id_from(started), timeout=SBOM_TIMEOUT)
        assert sbom["status"] == "succeeded", sbom["error"]
        document = check_release_sbom(portal, session, release_id)
        downloads = tmp_path / "downloads"
        downloads.mkdir()
        check_signature(portal, session, release_id, document, downloads)

        # Each job ran on the worker of its queue.
        assert "Task audits.tasks.run_ingest_job[" in portal.log("worker-ingest.log")
        assert "Task sbom.tasks.generate_release_sbom_job[" in portal.log("worker-artifacts.log")
        assert "Task sbom.tasks.generate_release_sbom_job[" not in portal.log("worker-ingest.log")
        assert "Task signing.tasks.sign_release_job[" in portal.log("worker-artifacts.log")
        assert json.loads(portal.manage("job_metrics", "--json"))["jobs_by_status"]["succeeded"] == 4
