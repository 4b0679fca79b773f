"""The files of one commit, read straight from a fetched repository's object database (no checkout).

`GitTree` satisfies `audits.azldev.tree.RepoTree`: the configuration loader and the analysis read the
repository only through it, within the size limits and symlink rules of `azldev.tree`.
"""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path
from typing import Iterable, Iterator

from audits.azldev.tree import TreeEntry, TreeError, check_readable

from .gitsource import check_rev, git_env, kill_process, run_git


def _read_object(stdout, oid: bytes) -> bytes:
    """Read one `git cat-file --batch` response."""
    header = stdout.readline()
    parts = header.split()
    if len(parts) != 3 or parts[1] != b"blob":
        raise TreeError(f"git could not read blob {oid.decode()}: {header.decode('utf-8', 'replace').strip() or 'no answer'}")
    size = int(parts[2])
    data = stdout.read(size)
    if len(data) != size or stdout.read(1) != b"\n":
        raise TreeError(f"truncated answer from git cat-file for blob {oid.decode()}")
    return data


class GitTree:
    """The files of one commit, read from a git object database (satisfies RepoTree).

    Symlinks are listed with their target but never read; submodules are skipped.
    `read_bytes` uses one lazily started `git cat-file --batch` process (call `close()`
    or use the tree as a context manager); `read_many` streams through a process of
    its own, so it may be abandoned midway or mixed with `read_bytes` calls.
    """

    def __init__(self, git_dir: Path, commit: str, *, max_file_bytes: int | None = None,
                 sizes: dict[bytes, int] | None = None):
        self.git_dir = Path(git_dir)
        self.commit = check_rev(commit)
        self.max_file_bytes = max_file_bytes
        # blob id -> size, shared by the trees of many commits of one repository (the history ingest): the
        # listing then skips `ls-tree -l` (a size lookup per file) and asks only for sizes not known yet.
        self._sizes = sizes
        self._entries: dict[str, TreeEntry] | None = None
        self._oids: dict[str, bytes] = {}
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def entries(self) -> dict[str, TreeEntry]:
        if self._entries is None:
            sizes = self._sizes
            long = [] if sizes is not None else ["-l"]
            out = run_git(self.git_dir, ["ls-tree", "-r", *long, "-z", "--full-tree", self.commit], error=TreeError)
            records: list[tuple[str, int, bool]] = []
            link_oids: list[bytes] = []
            for record in out.split(b"\0"):
                if not record:
                    continue
                meta, _, raw_path = record.partition(b"\t")
                mode, kind, oid, *size = meta.split()
                if kind != b"blob" or not (mode.startswith(b"100") or mode == b"120000"):
                    continue  # submodules (160000) and anything unexpected
                path = raw_path.decode("utf-8", "surrogateescape")
                self._oids[path] = oid
                records.append((path, int(size[0]) if size else -1, mode == b"120000"))
                if mode == b"120000":
                    link_oids.append(oid)
            if sizes is not None:
                sizes.update(self._sizes_of({self._oids[path] for path, _, _ in records} - sizes.keys()))
                records = [(path, sizes[self._oids[path]], link) for path, _, link in records]
            targets = dict(zip(link_oids, self._stream(link_oids)))
            self._entries = {
                path: TreeEntry(path, size, targets[self._oids[path]].decode("utf-8", "surrogateescape") if link else None)
                for path, size, link in records
            }
        return self._entries

    def _sizes_of(self, oids: set[bytes]) -> dict[bytes, int]:
        if not oids:
            return {}
        out = run_git(self.git_dir, ["cat-file", "--batch-check=%(objectname) %(objectsize)"],
                      stdin=b"\n".join(oids) + b"\n", error=TreeError)
        found = {}
        for line in out.splitlines():
            oid, size = line.split()
            found[oid] = int(size)
        if found.keys() != oids:
            raise TreeError("git cat-file did not report the size of every blob")
        return found

    def blob_ids(self) -> dict[str, bytes]:
        """The git object id of every listed file (a symlink's: of its target text): equal ids, equal contents."""
        self.entries()
        return self._oids

    def _check(self, path: str) -> bytes:
        check_readable(self.entries(), path, self.max_file_bytes)
        return self._oids[path]

    def _spawn(self, *extra: str) -> subprocess.Popen:
        return subprocess.Popen(
            ["git", "--git-dir", str(self.git_dir), "cat-file", "--batch", *extra],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=git_env(isolated=True), start_new_session=True,
        )

    def read_bytes(self, path: str) -> bytes:
        oid = self._check(path)
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._proc = self._spawn()
            try:
                self._proc.stdin.write(oid + b"\n")
                self._proc.stdin.flush()
                return _read_object(self._proc.stdout, oid)
            except BaseException:
                self._stop()  # the protocol state is unknown now; start afresh next time
                raise

    def read_many(self, paths: Iterable[str]) -> Iterator[tuple[str, bytes]]:
        """Yield (path, content) in the order given; every path is checked before anything is read."""
        wanted = list(paths)
        oids = [self._check(path) for path in wanted]
        return zip(wanted, self._stream(oids))

    def _stream(self, oids: list[bytes]) -> Iterator[bytes]:
        if not oids:
            return
        proc = self._spawn("--buffer")

        def write_requests() -> None:  # a separate writer keeps both pipes moving (no deadlock)
            try:
                proc.stdin.writelines(oid + b"\n" for oid in oids)
                proc.stdin.close()
            except (OSError, ValueError):
                pass

        writer = threading.Thread(target=write_requests, daemon=True)
        writer.start()
        try:
            for oid in oids:
                yield _read_object(proc.stdout, oid)
        finally:
            kill_process(proc)
            writer.join()
            for pipe in (proc.stdin, proc.stdout):
                try:
                    pipe.close()
                except OSError:
                    pass

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            proc.stdin.close()
            proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            kill_process(proc)
        proc.stdout.close()

    def close(self) -> None:
        with self._lock:
            self._stop()

    def __enter__(self) -> GitTree:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
