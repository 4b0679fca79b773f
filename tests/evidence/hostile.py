"""Hand-made ZIPs that a hostile sender could produce, for the checker's tests."""

from __future__ import annotations

import io
import json
import stat
import zipfile

from evidence.zipwriter import BundleFile, file_entry, manifest_bytes


def manifest_for(files: dict[str, bytes]) -> dict:
    return {
        "format": "pedigree-evidence-bundle", "format_version": 1,
        "generator": {"name": "test", "version": "0"}, "scope": "component", "component": "x",
        "release": {"commit": "c" * 40}, "requested_by": "tester", "requested_at": "2026-03-01T00:00:00+00:00",
        "notes": [], "verification": ["check"],
        "files": [file_entry(name, BundleFile(name, data, "test", "test file")) for name, data in sorted(files.items())],
    }


def raw_zip(entries: list[tuple[str, bytes]], *, symlinks: tuple[str, ...] = ()) -> bytes:
    """A ZIP with exactly these entry names (zipfile would normalise some; ZipInfo keeps them)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo("placeholder")
            info.filename = name  # set after construction: the constructor strips some hostile forms
            info.create_system = 3
            info.external_attr = ((stat.S_IFLNK | 0o777) if name in symlinks else (stat.S_IFREG | 0o644)) << 16
            archive.writestr(info, data)
    return out.getvalue()


def bundle_with(files: dict[str, bytes], *, manifest: dict | None = None, extra: list[tuple[str, bytes]] = (),
                symlinks: tuple[str, ...] = ()) -> bytes:
    """A bundle whose manifest lists `files` (or `manifest`), plus `extra` entries the manifest does not list."""
    manifest = manifest_for(files) if manifest is None else manifest
    entries = [("manifest.json", manifest_bytes(manifest))] + list(files.items()) + list(extra)
    return raw_zip(entries, symlinks=symlinks)


def dumps(value) -> bytes:
    return json.dumps(value).encode()
