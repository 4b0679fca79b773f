"""The production topology of deploy/run-production-local.sh, started against private PostgreSQL
and Redis servers, and a signed-in HTTP session against its gunicorn."""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import requests

from tests.support.services import PrivatePostgres, PrivateRedis, free_port, private_postgres, private_redis
from tests.support.worker import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "deploy" / "run-production-local.sh"
ADMIN_PASSWORD = "production-smoke-" + secrets.token_hex(8)


@dataclass
class RunningPortal:
    base_url: str
    env: dict[str, str]
    run_dir: Path
    process: subprocess.Popen
    postgres: PrivatePostgres
    redis: PrivateRedis

    def manage(self, *args: str, timeout: float = 300) -> str:
        """A management command in the portal's environment (what an operator would run)."""
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT_ROOT, env=self.env,
                              capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def log(self, name: str) -> str:
        path = self.run_dir / name
        return path.read_text(errors="replace") if path.exists() else ""

    def signed_in_session(self, username: str = "admin", password: str = ADMIN_PASSWORD) -> requests.Session:
        session = requests.Session()
        page = session.get(f"{self.base_url}/accounts/login/", timeout=30)
        page.raise_for_status()
        response = session.post(f"{self.base_url}/accounts/login/", timeout=30, allow_redirects=False, data={
            "username": username, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]})
        assert response.status_code == 302, response.text[:2000]
        return session

    def post_form(self, session: requests.Session, path: str, data: dict[str, str]) -> requests.Response:
        return session.post(f"{self.base_url}{path}", timeout=60, allow_redirects=False,
                            data={**data, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
                            headers={"Referer": f"{self.base_url}/"})

    def wait_for_job(self, session: requests.Session, job_id: int, *, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            jobs = session.get(f"{self.base_url}/jobs/status.json", params={"ids": job_id}, timeout=30).json()["jobs"]
            if jobs and jobs[0]["finished"]:
                return jobs[0]
            time.sleep(1)
        raise AssertionError(f"job {job_id} did not finish within {timeout}s\n" + self.log("worker-ingest.log")[-3000:]
                             + self.log("worker-artifacts.log")[-3000:])


def job_id_from(response: requests.Response) -> int:
    match = re.search(r"#job-(\d+)$", response.headers.get("Location", ""))
    assert match, f"no job in the redirect: {response.status_code} {response.headers.get('Location')}"
    return int(match.group(1))


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the script (it stops its children), then SIGKILL to whatever is left of its group."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)


@contextmanager
def production_portal(tmp_path: Path, **extra_env: str) -> Iterator[RunningPortal]:
    """Run the script against private servers; always stops every process it started."""
    with private_postgres() as postgres, private_redis() as redis:
        port = free_port()
        run_dir = tmp_path / "run"
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PEDIGREE_", "DJANGO_", "CELERY_"))},
            "DATABASE_URL": postgres.create_database("pedigree"),
            "CELERY_BROKER_URL": redis.url,
            "SECRET_KEY": secrets.token_urlsafe(40),
            "PEDIGREE_BIND": f"127.0.0.1:{port}",
            "PEDIGREE_RUN_DIR": str(run_dir),
            "PEDIGREE_VAR_DIR": str(tmp_path / "var"),
            "PEDIGREE_WEB_WORKERS": "2",
            "STATIC_ROOT": str(tmp_path / "static"),
            "PEDIGREE_ALLOW_LOCAL_SOURCES": "true",
            "PEDIGREE_ADMIN_PASSWORD": ADMIN_PASSWORD,
            **extra_env,
        }
        log = open(tmp_path / "script.log", "w")
        process = subprocess.Popen(["bash", str(SCRIPT)], cwd=PROJECT_ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        portal = RunningPortal(f"http://127.0.0.1:{port}", env, run_dir, process, postgres, redis)
        try:
            _wait_until_healthy(portal, tmp_path / "script.log")
            portal.manage("ensure_admin")
            yield portal
        finally:
            _stop(process)
            log.close()


def _wait_until_healthy(portal: RunningPortal, script_log: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if portal.process.poll() is not None:
            raise AssertionError("the production script exited:\n" + script_log.read_text()[-4000:])
        try:
            if requests.get(f"{portal.base_url}/healthz", timeout=30).status_code == 200:
                return
        except requests.RequestException:
            pass  # not listening yet, or still starting
        time.sleep(1)
    raise AssertionError("the portal did not become healthy:\n" + script_log.read_text()[-4000:])
