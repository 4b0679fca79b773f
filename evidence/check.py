"""PURE PYTHON: re-verify an evidence bundle offline, trusting nothing but the ZIP itself.

    python -m evidence.check FILE.zip        (or: python manage.py check_evidence FILE.zip)

Checks: every entry name is safe (no absolute path, '..', backslash, control character or
duplicate: no zip-slip on extraction), no entry is a symlink, manifest.json is present and
well-formed, every listed file is present with the listed size, SHA-256 and SHA-512, and the ZIP
holds nothing that the manifest does not list. Nothing is extracted to disk.
"""

from __future__ import annotations

import hashlib
import json
import re
import stat
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from . import BUNDLE_FORMAT, MANIFEST_NAME
from .zipwriter import unsafe_reason

MAX_MANIFEST_BYTES = 64 * 1024 * 1024
_HEX = {"sha256": re.compile(r"^[0-9a-f]{64}$"), "sha512": re.compile(r"^[0-9a-f]{128}$")}
_REQUIRED_TOP = {
    "format": str, "format_version": int, "generator": dict, "scope": str, "release": dict,
    "requested_by": str, "requested_at": str, "files": list, "verification": list,
}
_REQUIRED_FILE = {"path": str, "size": int, "sha256": str, "sha512": str, "kind": str, "description": str}
_CHUNK = 1024 * 1024


@dataclass
class CheckResult:
    files_checked: int = 0
    problems: list[str] = field(default_factory=list)
    manifest: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def check_bundle(source: str | Path | IO[bytes]) -> CheckResult:
    """Verify the bundle at `source` (a path or a binary file object); never raises for a bad bundle."""
    result = CheckResult()
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        result.problems.append(f"not a readable ZIP file: {exc}")
        return result
    with archive:
        infos = archive.infolist()
        seen: set[str] = set()
        for info in infos:
            reason = unsafe_reason(info.filename)
            if reason:
                result.problems.append(f"unsafe entry name {info.filename!r}: {reason}")
            folded = info.filename.casefold()
            if folded in seen:
                result.problems.append(f"entry {info.filename!r} occurs more than once (or differs only in case)")
            seen.add(folded)
            if info.is_dir():
                result.problems.append(f"directory entry {info.filename!r}: bundles hold files only")
            elif info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16):
                result.problems.append(f"entry {info.filename!r} is a symbolic link")
        manifest = _read_manifest(archive, result)
        if manifest is None:
            return result
        result.manifest = manifest
        listed = _check_manifest_shape(manifest, result)
        names = {info.filename: info for info in infos}
        for entry in listed:
            path = entry["path"]
            listed_info = names.get(path)
            if listed_info is None:
                result.problems.append(f"missing file: {path} is listed in the manifest but not in the ZIP")
                continue
            _check_file(archive, listed_info, entry, result)
        expected = {entry["path"] for entry in listed} | {MANIFEST_NAME}
        for name in sorted(set(names) - expected):
            result.problems.append(f"unlisted file: {name} is in the ZIP but not in the manifest")
    return result


def _read_manifest(archive: zipfile.ZipFile, result: CheckResult) -> dict[str, Any] | None:
    try:
        info = archive.getinfo(MANIFEST_NAME)
    except KeyError:
        result.problems.append(f"{MANIFEST_NAME} is missing")
        return None
    if info.file_size > MAX_MANIFEST_BYTES:
        result.problems.append(f"{MANIFEST_NAME} is larger than {MAX_MANIFEST_BYTES} bytes")
        return None
    try:
        manifest = json.loads(archive.read(info).decode("utf-8"))
    except (zipfile.BadZipFile, UnicodeDecodeError, ValueError) as exc:
        result.problems.append(f"{MANIFEST_NAME} is not valid UTF-8 JSON: {exc}")
        return None
    if not isinstance(manifest, dict):
        result.problems.append(f"{MANIFEST_NAME} is not a JSON object")
        return None
    return manifest


def _check_manifest_shape(manifest: dict[str, Any], result: CheckResult) -> list[dict[str, Any]]:
    """Problems with the manifest's fields; returns the file entries that are well-formed enough to check."""
    for key, kind in _REQUIRED_TOP.items():
        if not isinstance(manifest.get(key), kind) or isinstance(manifest.get(key), bool):
            result.problems.append(f"manifest: '{key}' is missing or not a {kind.__name__}")
    if manifest.get("format") not in (None, BUNDLE_FORMAT) and isinstance(manifest.get("format"), str):
        result.problems.append(f"manifest: format is {manifest['format']!r}, expected {BUNDLE_FORMAT!r}")
    release = manifest.get("release")
    if isinstance(release, dict) and not isinstance(release.get("commit"), str):
        result.problems.append("manifest: release.commit is missing")
    files = manifest.get("files")
    if not isinstance(files, list):
        files = []
    usable: list[dict[str, Any]] = []
    paths: set[str] = set()
    for index, entry in enumerate(files):
        where = f"manifest: files[{index}]"
        if not isinstance(entry, dict):
            result.problems.append(f"{where} is not an object")
            continue
        bad = [k for k, kind in _REQUIRED_FILE.items() if not isinstance(entry.get(k), kind) or isinstance(entry.get(k), bool)]
        if bad:
            result.problems.append(f"{where}: {', '.join(bad)} missing or of the wrong type")
            continue
        bad_hashes = [k for k, pattern in _HEX.items() if not pattern.match(entry[k])]
        if bad_hashes:
            result.problems.append(f"{where} ({entry['path']}): {', '.join(bad_hashes)} is not a lowercase hex digest")
            continue
        reason = unsafe_reason(entry["path"])
        if reason:
            result.problems.append(f"{where}: unsafe path {entry['path']!r}: {reason}")
            continue
        if entry["path"] == MANIFEST_NAME or entry["path"] in paths:
            result.problems.append(f"{where}: path {entry['path']!r} listed twice (or is the manifest itself)")
            continue
        paths.add(entry["path"])
        usable.append(entry)
    return usable


def _check_file(archive: zipfile.ZipFile, info: zipfile.ZipInfo, entry: dict[str, Any], result: CheckResult) -> None:
    path = entry["path"]
    if info.file_size != entry["size"]:
        result.problems.append(f"size mismatch: {path} is {info.file_size} bytes, the manifest says {entry['size']}")
        return
    sha256, sha512, size = hashlib.sha256(), hashlib.sha512(), 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > entry["size"]:
                    break
                sha256.update(chunk)
                sha512.update(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        # CRC errors are BadZipFile; encrypted entries RuntimeError; unknown compression NotImplementedError
        result.problems.append(f"unreadable entry {path}: {exc}")
        return
    if size != entry["size"]:
        result.problems.append(f"size mismatch: {path} holds {size} bytes, the manifest says {entry['size']}")
    elif sha256.hexdigest() != entry["sha256"]:
        result.problems.append(f"SHA-256 mismatch: {path} was changed after the manifest was written")
    elif sha512.hexdigest() != entry["sha512"]:
        result.problems.append(f"SHA-512 mismatch: {path} was changed after the manifest was written")
    else:
        result.files_checked += 1


def report_lines(result: CheckResult, name: str) -> list[str]:
    """What the command prints: one line per problem, then a verdict."""
    if result.ok:
        manifest = result.manifest or {}
        release = manifest.get("release", {})
        scope = manifest.get("component") or "the whole release"
        return [f"OK: {name}: {result.files_checked} files match manifest.json "
                f"({scope}, commit {release.get('commit', '?')})"]
    return [f"PROBLEM: {p}" for p in result.problems] + [f"FAILED: {name}: {len(result.problems)} problem(s)"]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m evidence.check FILE.zip", file=sys.stderr)
        return 2
    result = check_bundle(args[0])
    for line in report_lines(result, args[0]):
        print(line, file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
