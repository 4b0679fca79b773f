"""A real Celery worker process for job tests, sharing the test database and broker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from django.db import connection

from portal.celery import app

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _database_env() -> dict[str, str]:
    """Point the worker at the database the tests use right now."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return {"PEDIGREE_SQLITE_PATH": db["NAME"]}
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return {"DATABASE_URL": f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"}


@dataclass
class WorkerProcess:
    queue: str
    process: subprocess.Popen


@contextmanager
def celery_worker_process(log_path: Path, **extra_env: str) -> Iterator[WorkerProcess]:
    """Start a worker on a queue of its own; always stops it (or reaps it when a test killed it).

    Every task goes to that queue while the worker runs: the settings' routes (ingest and
    artifact queues) are set aside, so no message left by another test can reach it.
    """
    queue = f"pedigree-test-{uuid.uuid4().hex[:8]}"
    previous_queue, previous_routes = app.conf.task_default_queue, app.conf.task_routes
    app.conf.task_default_queue = queue
    app.conf.update(task_routes={})
    # The worker's own follow-on jobs (e.g. signing after an SBOM) must land on its queue too.
    env = {**os.environ, "CELERY_TASK_DEFAULT_QUEUE": queue, "PEDIGREE_INGEST_QUEUE": queue,
           "PEDIGREE_ARTIFACT_QUEUE": queue, **_database_env(), **extra_env}
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", queue, "-n", f"{queue}@%h"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        yield WorkerProcess(queue, proc)
    finally:
        app.conf.task_default_queue = previous_queue
        app.conf.update(task_routes=previous_routes)
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@contextmanager
def celery_worker(log_path: Path, **extra_env: str) -> Iterator[str]:
    """Start a worker on a queue of its own; yields the queue name; always stops the worker."""
    with celery_worker_process(log_path, **extra_env) as worker:
        yield worker.queue


def wait_for(predicate, *, timeout: float, interval: float = 0.5, what: str = "condition", log_path: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    detail = log_path.read_text()[-4000:] if log_path and log_path.exists() else ""
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{detail}")
