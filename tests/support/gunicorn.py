"""The portal under gunicorn (the production web server), sharing the test database: for requests only a
real server shapes, such as chunked uploads (gunicorn de-chunks them and passes no Content-Length).

Tests that use it need committed data: mark them django_db(transaction=True).
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.services import free_port, wait_for_port
from tests.support.worker import PROJECT_ROOT, _database_env


@dataclass
class Gunicorn:
    port: int
    log_path: Path

    def post_chunked(self, path: str, chunks: Iterable[bytes], headers: dict[str, str]) -> tuple[int, bytes]:
        """POST the body in chunks (Transfer-Encoding: chunked, no Content-Length); the status and body."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request("POST", path, body=iter(chunks), headers=headers, encode_chunked=True)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()


@contextmanager
def gunicorn_portal(log_path: Path, **extra_env: str) -> Iterator[Gunicorn]:
    """One sync gunicorn worker on a free loopback port; always stopped."""
    port = free_port()
    # ALLOWED_HOSTS: with DATABASE_URL set (CI, production) no host is allowed unless named.
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost", **_database_env(), **extra_env}
    log = open(log_path, "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--timeout", "60", "--error-logfile", "-"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port)
        yield Gunicorn(port, log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
