"""Source archives in memory, as azldev's archive-scoped overlays see them.

azldev (archiveoverlays.go, internal/utils/archive) unpacks a tar archive, lets
file-remove and file-search-replace overlays edit its members and packs it again.
This module is that archive: unpacked into a dict with azldev's rules (regular files,
directories and symlinks only; no absolute or escaping names or link targets; an
inflation limit against archive bombs), edited by name and repacked. It is apart from
the engine because it knows nothing of overlays. Pure Python, no Django.
"""

from __future__ import annotations

import gzip
import io
import lzma
import posixpath
import tarfile
from dataclasses import dataclass


class ArchiveError(ValueError):
    """An archive azldev could not extract or repack safely."""


_EXTENSIONS = (
    (".tar.gz", "gz"), (".tgz", "gz"), (".tar.xz", "xz"), (".txz", "xz"), (".tar.zst", "zst"), (".tzst", "zst"),
    (".tar", ""),
)  # fmt: skip
def is_archive_name(name: str) -> bool:
    """azldev's archive.IsArchiveName: a recognised archive extension."""
    return any(name.lower().endswith(ext) for ext, _ in _EXTENSIONS)


_MAGIC = ((b"\xfd7zXZ\x00", "xz"), (b"\x1f\x8b", "gz"), (b"\x28\xb5\x2f\xfd", "zst"))
_MAX_ARCHIVE_BYTES = 2 << 30  # in memory: refuse to inflate archive bombs past 2 GiB


@dataclass
class _Member:
    kind: str  # "file", "dir" or "symlink"
    mode: int
    data: bytes = b""
    target: str = ""


class ArchiveTree:
    """A tar archive unpacked into memory with azldev's rules (archive.go Extract): only
    regular files, directories and symlinks; no absolute or escaping names or link targets;
    file names are relative to the extraction root (the single top-level directory, if
    the archive has exactly one top-level entry and it is a directory)."""

    def __init__(self, name: str, compression: str, members: dict[str, _Member]):
        self.name, self.compression, self.members = name, compression, members
        tops = {path.split("/", 1)[0] for path in members}
        only = next(iter(tops)) if len(tops) == 1 else None
        self.root = only + "/" if only is not None and members.get(only, _Member("file", 0)).kind == "dir" else ""

    @classmethod
    def load(cls, name: str, blob: bytes) -> ArchiveTree:
        by_extension = next((c for ext, c in _EXTENSIONS if name.lower().endswith(ext)), None)
        if by_extension is None:
            raise ArchiveError(f"unsupported archive format {name!r}")
        compression = _sniff(blob, by_extension)
        raw = _decompress(blob, compression, name)
        members: dict[str, _Member] = {}
        try:
            with tarfile.open(fileobj=io.BytesIO(raw), mode="r:") as tar:
                for info in tar:
                    _extract_member(tar, info, members)
        except tarfile.TarError as exc:
            raise ArchiveError(f"reading {name!r}: {exc}") from None
        return cls(name, compression, members)

    def file_names(self) -> list[str]:
        n = len(self.root)
        return [p[n:] for p, m in self.members.items() if m.kind != "dir" and p.startswith(self.root)]

    def _full(self, name: str) -> str:
        return self.root + name

    def __getitem__(self, name: str) -> bytes:
        member = self._resolve(self._full(name))
        return member.data

    def __setitem__(self, name: str, data: bytes) -> None:
        full = self._full(name)
        member = self.members.get(full)
        if member is not None and member.kind == "symlink":
            member = self._resolve(full)
            member.data = data
        else:
            self.members[full] = _Member("file", member.mode if member else 0o644, data)

    def __delitem__(self, name: str) -> None:
        del self.members[self._full(name)]

    def pop(self, name: str) -> bytes:
        data = self[name]
        del self[name]
        return data

    def _resolve(self, full: str, depth: int = 0) -> _Member:
        member = self.members.get(full)
        if member is None or depth > 40:
            raise ArchiveError(f"{full!r} is not a file in {self.name!r}")
        if member.kind == "symlink":
            return self._resolve(posixpath.normpath(posixpath.join(posixpath.dirname(full), member.target)), depth + 1)
        if member.kind != "file":
            raise ArchiveError(f"{full!r} is not a regular file in {self.name!r}")
        return member

    def pack(self) -> bytes:
        """Deterministic repack (archive.go CreateDeterministicArchive): walk order, GNU
        format, mtime 0, uid/gid 0, no owner names, the original compression. The bytes
        differ from azldev's (Go's deflate/xz encoders are not zlib/liblzma), so the
        post-overlay hash in source-files cannot be reproduced here."""
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:", format=tarfile.GNU_FORMAT) as tar:
            for path in sorted(self.members, key=lambda p: p.split("/")):
                member = self.members[path]
                info = tarfile.TarInfo(path)
                info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
                info.mode = member.mode
                if member.kind == "dir":
                    info.type = tarfile.DIRTYPE
                    tar.addfile(info)
                elif member.kind == "symlink":
                    info.type, info.linkname, info.mode = tarfile.SYMTYPE, member.target, 0o777
                    tar.addfile(info)
                else:
                    info.size = len(member.data)
                    tar.addfile(info, io.BytesIO(member.data))
        data = buffer.getvalue()
        if self.compression == "gz":
            return gzip.compress(data, compresslevel=9, mtime=0)
        if self.compression == "xz":
            return lzma.compress(data, format=lzma.FORMAT_XZ)
        if self.compression == "zst":
            raise ArchiveError("zstd archives cannot be repacked (no zstd in this Python)")
        return data


def _sniff(blob: bytes, fallback: str) -> str:
    if not blob:
        return fallback
    return next((c for magic, c in _MAGIC if blob.startswith(magic)), "")


def _decompress(blob: bytes, compression: str, name: str) -> bytes:
    try:
        if compression == "gz":
            with gzip.GzipFile(fileobj=io.BytesIO(blob)) as stream:
                data = stream.read(_MAX_ARCHIVE_BYTES + 1)
        elif compression == "xz":
            decompressor = lzma.LZMADecompressor()
            data = decompressor.decompress(blob, max_length=_MAX_ARCHIVE_BYTES + 1)
        elif compression == "zst":
            raise ArchiveError(f"{name!r} is zstd-compressed, which this Python cannot read")
        else:
            data = blob
    except (OSError, EOFError, lzma.LZMAError) as exc:
        raise ArchiveError(f"decompressing {name!r}: {exc}") from None
    if len(data) > _MAX_ARCHIVE_BYTES:
        raise ArchiveError(f"{name!r} inflates past {_MAX_ARCHIVE_BYTES} bytes")
    return data


def _local(path: str) -> bool:
    return bool(path) and not path.startswith("/") and path != ".." and not path.startswith("../")


def _extract_member(tar: tarfile.TarFile, info: tarfile.TarInfo, members: dict[str, _Member]) -> None:
    raw = info.name
    if "\x00" in raw or raw.startswith("/") or ".." in raw.split("/"):
        raise ArchiveError(f"tar entry {raw!r} would be written outside the extraction directory")
    name = posixpath.normpath(raw)
    if name == ".":
        return
    if not _local(name):
        raise ArchiveError(f"tar entry {raw!r} would be written outside the extraction directory")
    parts = name.split("/")
    for i in range(1, len(parts)):  # implicit parent directories, 0755 as in ensureDirectory
        parent = "/".join(parts[:i])
        existing = members.get(parent)
        if existing is None:
            members[parent] = _Member("dir", 0o755)
        elif existing.kind != "dir":
            raise ArchiveError(f"tar entry {raw!r} passes through non-directory {parent!r}")
    existing = members.get(name)
    if info.isdir():
        if existing is not None and existing.kind != "dir":
            raise ArchiveError(f"tar entry {raw!r} replaces a non-directory")
        members[name] = _Member("dir", info.mode & 0o777)
        return
    if existing is not None and existing.kind != "file":
        raise ArchiveError(f"tar entry {raw!r} replaces a directory or symlink")
    if info.issym():
        target = info.linkname
        if target.startswith("/"):
            raise ArchiveError(f"tar symlink {raw!r} has absolute target {target!r}")
        if not _local(posixpath.normpath(posixpath.join(posixpath.dirname(name), target))):
            raise ArchiveError(f"tar symlink {raw!r} resolves outside the archive (target {target!r})")
        members[name] = _Member("symlink", 0o777, target=target)
    elif info.isreg():
        stream = tar.extractfile(info)
        members[name] = _Member("file", info.mode & 0o777, stream.read() if stream else b"")
    else:
        kind = "hardlink" if info.islnk() else "device, FIFO or other special"
        raise ArchiveError(
            f"tar entry {raw!r} is a {kind} entry; only regular files, directories and symlinks are supported"
        )


def archive_members(name: str, blob: bytes) -> dict[str, bytes]:
    """Regular files of an archive, relative to its extraction root (symlinks resolved)."""
    tree = ArchiveTree.load(name, blob)
    result = {}
    for member in tree.file_names():
        try:
            result[member] = tree[member]
        except ArchiveError:
            continue
    return result
