"""Build small synthetic git repositories for ingestion tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def git(repo: Path, *args: str, date: str = "2026-03-01T12:00:00+00:00", identity: dict[str, str] | None = None) -> str:
    """Run git in `repo` as Ada Packager at `date`; `identity` overrides GIT_AUTHOR_EMAIL and the like."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Ada Packager",
        "GIT_AUTHOR_EMAIL": "ada@example.org",
        "GIT_COMMITTER_NAME": "Ada Packager",
        "GIT_COMMITTER_EMAIL": "ada@example.org",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        **(identity or {}),
    }
    return subprocess.run(["git", "-C", str(repo), *args], env=env, check=True, capture_output=True, text=True).stdout.strip()


def write_files(repo: Path, files: dict[str, str | None]) -> None:
    """Write (or, for None, delete) files under `repo`."""
    for rel, text in files.items():
        path = repo / rel
        if text is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def commit_all(repo: Path, message: str, date: str = "2026-03-01T12:00:00+00:00",
               identity: dict[str, str] | None = None) -> str:
    """Commit every change; `identity` as for `git` (e.g. {"GIT_AUTHOR_EMAIL": "root@host.(none)"})."""
    git(repo, "add", "-A", date=date)
    git(repo, "commit", "-q", "-m", message, date=date, identity=identity)
    return git(repo, "rev-parse", "HEAD")


def init_repo(path: Path, files: dict[str, str | None], message: str = "initial", branch: str = "main") -> str:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", branch)
    write_files(path, files)
    return commit_all(path, message)
