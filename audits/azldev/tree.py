"""Read-only view of a repository's files at one commit.

The loader never touches the filesystem directly: it asks a `RepoTree` for
normalised, root-relative POSIX paths. That makes path traversal impossible by
construction (a path that would leave the root is rejected before any read) and
lets ingestion read blobs straight from git without a checkout.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Protocol

from .globs import Glob, GlobError, compile_glob


class TreeError(ValueError):
    """A path or file the repository tree refuses to serve."""


@dataclass(frozen=True)
class TreeEntry:
    path: str  # root-relative POSIX path, no leading "./"
    size: int
    link_target: str | None = None  # raw target when the entry is a symlink

    @property
    def is_symlink(self) -> bool:
        return self.link_target is not None


class RepoTree(Protocol):
    max_file_bytes: int | None

    def entries(self) -> dict[str, TreeEntry]:
        """Every regular file and symlink, keyed by root-relative path."""

    def read_bytes(self, path: str) -> bytes:
        """Content of a regular file; symlinks are refused."""

    def read_many(self, paths: Iterable[str]) -> Iterator[tuple[str, bytes]]:
        """(path, content) for many files at once, in order; each path must be readable."""


def read_readable(tree: RepoTree, paths: Iterable[str]) -> dict[str, bytes]:
    """Contents of those `paths` the tree will serve, in one batch; the rest are left out.

    Callers read a left-out path with `read_bytes` to get its TreeError.
    """
    return dict(stream_readable(tree, paths))


def stream_readable(tree: RepoTree, paths: Iterable[str]) -> Iterator[tuple[str, bytes]]:
    """read_readable's (path, contents) in the order given, as the tree reads them."""
    entries = tree.entries()
    readable = []
    for path in paths:
        try:
            check_readable(entries, path, tree.max_file_bytes)
        except TreeError:
            continue
        readable.append(path)
    return tree.read_many(readable)


def check_readable(entries: dict[str, TreeEntry], path: str, max_file_bytes: int | None) -> TreeEntry:
    """The one rule every tree applies before reading: a regular file within the size limit."""
    entry = entries.get(path)
    if entry is None:
        raise TreeError(f"no such file in the repository: {path}")
    if entry.is_symlink:
        raise TreeError(f"symlinks are not followed: {path}")
    if max_file_bytes is not None and entry.size > max_file_bytes:
        raise TreeError(f"file exceeds the size limit ({entry.size} > {max_file_bytes} bytes): {path}")
    return entry


MAX_SYMLINK_HOPS = 8


def resolve(tree: RepoTree, path: str) -> str:
    """Follow symlinks that stay inside the repository; refuse those that leave it."""
    entries = tree.entries()
    current = path
    for _ in range(MAX_SYMLINK_HOPS):
        entry = entries.get(current)
        if entry is None:
            raise TreeError(f"no such file in the repository: {path}")
        if not entry.is_symlink:
            return current
        try:
            current = normalize(entry.link_target or "", base=posixpath.dirname(current))
        except TreeError:
            raise TreeError(f"symlink points outside the repository: {current} -> {entry.link_target}") from None
    raise TreeError(f"too many levels of symlinks: {path}")


def read_text(tree: RepoTree, path: str) -> str:
    """UTF-8 text of a file, following in-repository symlinks."""
    data = tree.read_bytes(resolve(tree, path))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TreeError(f"{path}: not valid UTF-8 (byte {exc.start})") from None


def normalize(path: str, *, base: str = "") -> str:
    """Join `path` onto the directory `base` and normalise it inside the root.

    Absolute paths, NUL bytes and anything that climbs above the root raise
    `TreeError` naming the offending value.
    """
    if "\x00" in path:
        raise TreeError(f"path contains a NUL byte: {path!r}")
    if path.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", path) or "\\" in path:
        raise TreeError(f"absolute or non-POSIX path not allowed: {path!r}")
    joined = posixpath.normpath(posixpath.join(base, path)) if base else posixpath.normpath(path)
    if joined == "." or joined == "":
        return ""
    if joined == ".." or joined.startswith("../"):
        raise TreeError(f"path escapes the repository root: {path!r}")
    return joined


_GLOB_CHARS = re.compile(r"[*?\[]")


def has_glob(pattern: str) -> bool:
    """azldev's rule for includes and overlay-files: without * ? [ a pattern is a literal path."""
    return bool(_GLOB_CHARS.search(pattern))


def glob_pattern(pattern: str) -> Glob:
    """The compiled doublestar pattern; a malformed or oversized pattern is a TreeError."""
    try:
        return compile_glob(pattern)
    except GlobError as exc:
        raise TreeError(str(exc)) from None


def glob(tree_paths: Iterable[str], pattern: str, *, base: str = "") -> list[str]:
    """Paths matching `pattern` relative to `base`, sorted for a stable order."""
    compiled = glob_pattern(normalize(pattern, base=base))
    return sorted(p for p in tree_paths if compiled.match(p))


class DirectoryTree:
    """A tree backed by a directory on disk (tests, local checkouts)."""

    def __init__(self, root: str | os.PathLike[str], *, max_file_bytes: int | None = None):
        self.root = Path(root).resolve()
        self.max_file_bytes = max_file_bytes
        self._entries: dict[str, TreeEntry] | None = None

    def entries(self) -> dict[str, TreeEntry]:
        if self._entries is None:
            found: dict[str, TreeEntry] = {}
            for dirpath, dirnames, filenames in os.walk(self.root):
                dirnames[:] = sorted(d for d in dirnames if d != ".git")
                rel_dir = os.path.relpath(dirpath, self.root)
                for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
                    full = os.path.join(dirpath, name)
                    st = os.lstat(full)
                    rel = name if rel_dir == "." else f"{rel_dir}/{name}".replace(os.sep, "/")
                    if stat.S_ISLNK(st.st_mode):
                        found[rel] = TreeEntry(rel, 0, link_target=os.readlink(full))
                    elif stat.S_ISREG(st.st_mode):
                        found[rel] = TreeEntry(rel, st.st_size)
            self._entries = found
        return self._entries

    def read_bytes(self, path: str) -> bytes:
        check_readable(self.entries(), path, self.max_file_bytes)
        return (self.root / path).read_bytes()

    def read_many(self, paths: Iterable[str]) -> Iterator[tuple[str, bytes]]:
        wanted = list(paths)
        for path in wanted:
            check_readable(self.entries(), path, self.max_file_bytes)
        return ((path, (self.root / path).read_bytes()) for path in wanted)
