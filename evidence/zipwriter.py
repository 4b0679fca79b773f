"""PURE PYTHON: write an evidence bundle as a deterministic ZIP with a manifest.

Same files and metadata give the same bytes: entries are sorted by name, every entry has the
release commit's date as its timestamp, mode 0644, the same compression level, no extra fields
and no comments. Names are sanitised so that no entry can escape the extraction directory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import Any, Iterable

from . import (
    BUNDLE_FORMAT,
    BUNDLE_FORMAT_VERSION,
    GENERATOR_NAME,
    MANIFEST_NAME,
    __version__,
)

COMPRESSLEVEL = 6
FILE_MODE = 0o100644  # regular file, rw-r--r--
MAX_SEGMENT = 150
MAX_NAME = 1000
_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9._+@=-]")
_DRIVE = re.compile(r"^[A-Za-z]:")
ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)  # the earliest time a ZIP entry can hold


@dataclass(frozen=True)
class BundleFile:
    """One file of a bundle: where it goes, its bytes, and what it is (for the manifest)."""

    path: str
    data: bytes
    kind: str  # machine-readable: "config-file", "rendered-spec", "sbom", "report-html", ...
    description: str  # plain words for the reader of the manifest
    media_type: str = "application/octet-stream"
    repository_path: str = ""  # set when the bytes are a file of the distro repository at the release commit


def unsafe_reason(name: str) -> str | None:
    """Why `name` must not be a ZIP entry of a bundle (None when it is safe).

    Shared by the writer (which never produces such names) and the checker (which refuses them).
    """
    if not name:
        return "empty name"
    if len(name) > MAX_NAME:
        return f"name longer than {MAX_NAME} characters"
    if "\\" in name:
        return "backslash in name"
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        return "control or format character in name"
    if name.startswith("/"):
        return "absolute path"
    if _DRIVE.match(name):
        return "drive letter in name"
    for segment in name.split("/"):
        if segment in ("", ".", ".."):
            return f"path segment {segment!r} (empty, '.' or '..')"
    if unicodedata.normalize("NFC", name) != name:
        return "name is not in Unicode normal form C"
    return None


def sanitise_path(path: str) -> str:
    """A safe entry name for `path`: each segment keeps only [A-Za-z0-9._+@=-], '.'/'..'/'' become '_'."""
    segments = []
    for raw in unicodedata.normalize("NFC", path).replace("\\", "/").split("/"):
        segment = _UNSAFE_CHARS.sub("_", raw)[:MAX_SEGMENT]
        if segment in ("", ".", ".."):
            if raw == "" or raw == ".":
                continue  # "a//b", "./a": nothing to keep
            segment = "_"
        segments.append(segment)
    return "/".join(segments) or "_"


def assign_names(paths: Iterable[str]) -> dict[str, str]:
    """Map each path to a safe, unique entry name; a sanitised clash gets "~2", "~3"... before its suffix.

    Clashes are resolved in sorted order of the original paths, so the result is deterministic.
    """
    taken: set[str] = {MANIFEST_NAME}
    names: dict[str, str] = {}
    for path in sorted(set(paths)):
        base = sanitise_path(path)
        candidate, n = base, 1
        while candidate in taken or candidate.lower() in taken:
            n += 1
            stem, dot, suffix = base.rpartition(".")
            candidate = f"{stem}~{n}.{suffix}" if dot and "/" not in suffix and stem else f"{base}~{n}"
        taken.update((candidate, candidate.lower()))
        names[path] = candidate
    return names


def file_entry(name: str, file: BundleFile) -> dict[str, Any]:
    entry = {
        "path": name,
        "size": len(file.data),
        "sha256": hashlib.sha256(file.data).hexdigest(),
        "sha512": hashlib.sha512(file.data).hexdigest(),
        "kind": file.kind,
        "description": file.description,
        "media_type": file.media_type,
    }
    if file.repository_path:
        entry["repository_path"] = file.repository_path
    return entry


def verification_steps(commit: str, source_url: str) -> list[str]:
    """What a third party re-runs, without trusting the portal (written into every manifest)."""
    return [
        "Compare the SHA-256 of this ZIP file with the value the portal lists for the bundle "
        "(and, once bundles are signed, verify the Sigstore bundle published beside the ZIP).",
        "Run `python manage.py check_evidence FILE.zip` (or `python -m evidence.check FILE.zip`, "
        "which needs only Python): it performs the next three steps offline and exits non-zero on any problem.",
        "Check that every entry name is relative, has no '..' segment, no backslash and no control character, "
        "and that no name occurs twice.",
        "For every entry of `files`, check that the file exists in the ZIP and that its size, SHA-256 and "
        "SHA-512 (`sha256sum`, `sha512sum`) equal the manifest's values.",
        "Check that the ZIP holds no file other than manifest.json and the files listed.",
        f"For every file with a `repository_path`, clone {source_url or 'the distro repository'} and check that "
        f"`git show {commit}:<repository_path> | sha256sum` equals its sha256: the file is exactly as ingested.",
        "Read report.html or report.pdf for the verdicts in plain words; the JSON files hold the same facts.",
    ]


def zip_timestamp(moment: dt.datetime) -> tuple[int, int, int, int, int, int]:
    """`moment` in UTC as a ZIP date-time (2-second resolution, not before 1980)."""
    utc = max(moment.astimezone(dt.timezone.utc), ZIP_EPOCH)
    return (utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second - utc.second % 2)


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def write_bundle(
    files: Iterable[BundleFile], metadata: dict[str, Any], *, timestamp: dt.datetime
) -> tuple[bytes, dict[str, Any]]:
    """The ZIP bytes and the manifest written into it.

    `metadata` holds the scope, release, requester, notes and verification steps; the manifest
    adds the format, the generator and one entry per file (sorted by name, manifest.json
    excluded). `timestamp` (the release commit's date) is every entry's time.
    """
    files = list(files)
    names = assign_names(f.path for f in files)
    if len(names) != len(files):
        raise ValueError("two bundle files have the same path")
    by_name = {names[f.path]: f for f in files}
    manifest = {
        "format": BUNDLE_FORMAT,
        "format_version": BUNDLE_FORMAT_VERSION,
        "generator": {"name": GENERATOR_NAME, "version": __version__},
        **metadata,
        "files": [file_entry(name, by_name[name]) for name in sorted(by_name)],
    }
    contents = {name: f.data for name, f in by_name.items()}
    contents[MANIFEST_NAME] = manifest_bytes(manifest)
    when = zip_timestamp(timestamp)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESSLEVEL) as archive:
        for name in sorted(contents):
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the mode below is read as such everywhere
            info.external_attr = FILE_MODE << 16
            archive.writestr(info, contents[name], compresslevel=COMPRESSLEVEL)
    return out.getvalue(), manifest
