"""Who changed what, and when: commits, per-path history and blame of a fetched repository (audits.gitsource).

Pure Python over git's plumbing; every call goes through `gitsource.run_git` (argument lists, no shell,
isolated configuration, a timeout).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Iterable

from .gitsource import (
    BLAME_HEADER,
    LOG_OPTIONS,
    CommitInfo,
    check_rev,
    parse_log,
    read_commits,
    run_git,
)


def commits_by_path(git_dir: Path, commit: str) -> dict[str, list[CommitInfo]]:
    """Every commit touching each path ever present in the history of `commit`, newest first.

    Added, modified and deleted paths all count (renames count as delete + add);
    merge commits contribute no paths. One CommitInfo object per commit is shared by
    all its paths, and the dict is in history order: paths of newer commits come first.
    """
    out = run_git(git_dir, ["log", "--name-only", *LOG_OPTIONS, check_rev(commit), "--"])
    touched: dict[str, list[CommitInfo]] = {}
    for info, paths in parse_log(out):
        for path in paths:
            touched.setdefault(path, []).append(info)
    return touched


def last_commits_by_path(git_dir: Path, commit: str) -> dict[str, CommitInfo]:
    """The newest commit touching each path (see commits_by_path)."""
    return {path: commits[0] for path, commits in commits_by_path(git_dir, commit).items()}


def commit_order(git_dir: Path, commit: str) -> dict[str, int]:
    """Commit id -> position in the history of `commit` (0 = `commit` itself, the newest)."""
    out = run_git(git_dir, ["rev-list", check_rev(commit), "--"])
    return {sha: i for i, sha in enumerate(out.decode().split())}


class PathHistory:
    """Commit lookups for files and directories, newest first.

    Built once from `commits_by_path()` and `commit_order()`; history order decides
    which commit is newer, never committer dates, since several commits may share one.
    A directory collects the commits of every path below it at any depth ("" or "/"
    is the whole repository).
    """

    def __init__(self, index: dict[str, list[CommitInfo]], order: dict[str, int]):
        self._files = index
        self._order = order
        dirs: dict[str, dict[str, CommitInfo]] = {}
        for path, commits in index.items():
            d = path
            while d:
                d = d.rpartition("/")[0]
                bucket = dirs.setdefault(d, {})
                for info in commits:
                    bucket.setdefault(info.sha, info)
        self._dirs = {d: self.newest_first(bucket.values()) for d, bucket in dirs.items()}

    def newest_first(self, commits: Iterable[CommitInfo]) -> list[CommitInfo]:
        """Distinct commits sorted by their position in history, newest first."""
        unique = {c.sha: c for c in commits}
        return sorted(unique.values(), key=lambda c: self._order.get(c.sha, len(self._order)))

    def for_path(self, path: str) -> CommitInfo | None:
        commits = self._files.get(path)
        return commits[0] if commits else None

    def for_dir(self, directory: str) -> CommitInfo | None:
        commits = self._dirs.get(directory.strip("/"))
        return commits[0] if commits else None

    def all_for_path(self, path: str) -> list[CommitInfo]:
        return self._files.get(path, [])

    def all_for_dir(self, directory: str) -> list[CommitInfo]:
        return self._dirs.get(directory.strip("/"), [])


class CommitHistory:
    """The PathHistory of `commit`, read from git when first asked: an ingest starts expanding its specs
    first, so that the helpers work while the history is read (audits.services.checkout_analysis)."""

    def __init__(self, git_dir: Path, commit: str):
        self.git_dir = git_dir
        self.commit = commit

    @cached_property
    def _read(self) -> PathHistory:
        return PathHistory(commits_by_path(self.git_dir, self.commit), commit_order(self.git_dir, self.commit))

    def newest_first(self, commits: Iterable[CommitInfo]) -> list[CommitInfo]:
        return self._read.newest_first(commits)

    def for_path(self, path: str) -> CommitInfo | None:
        return self._read.for_path(path)

    def for_dir(self, directory: str) -> CommitInfo | None:
        return self._read.for_dir(directory)

    def all_for_path(self, path: str) -> list[CommitInfo]:
        return self._read.all_for_path(path)

    def all_for_dir(self, directory: str) -> list[CommitInfo]:
        return self._read.all_for_dir(directory)


def blame_lines(git_dir: Path, commit: str, path: str) -> list[CommitInfo]:
    """The commit that last changed each line of `path` at `commit` (index 0 is line 1)."""
    out = run_git(git_dir, ["blame", "--porcelain", check_rev(commit), "--", path], literal_paths=True)
    line_shas: list[str] = []
    current = ""
    for line in out.split(b"\n"):
        if line.startswith(b"\t"):
            line_shas.append(current)
        elif BLAME_HEADER.match(line):
            current = line.split(b" ", 1)[0].decode()
    commits = read_commits(git_dir, line_shas)
    return [commits[sha] for sha in line_shas]
