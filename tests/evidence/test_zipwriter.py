"""The pure bundle writer: deterministic bytes, a complete manifest, safe names."""

import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest

from evidence import MANIFEST_NAME, __version__
from evidence.zipwriter import (
    BundleFile,
    assign_names,
    sanitise_path,
    unsafe_reason,
    write_bundle,
)

COMMIT_DATE = dt.datetime(2026, 3, 1, 12, 0, 7, tzinfo=dt.timezone.utc)
META = {"scope": "component", "component": "bash", "release": {"commit": "c" * 40},
        "requested_by": "audrey", "requested_at": "2026-03-02T00:00:00+00:00", "notes": [], "verification": ["run it"]}


def files():
    return [
        BundleFile("report.html", b"<html></html>", "report-html", "the report", "text/html"),
        BundleFile("config/base/comps/bash.comp.toml", b'[components.bash]\n', "config-file", "as ingested",
                   "application/toml", "base/comps/bash.comp.toml"),
        BundleFile("component.json", b"{}", "component-record", "the record", "application/json"),
    ]


def test_the_same_files_give_the_same_bytes_twice():
    first, _ = write_bundle(files(), META, timestamp=COMMIT_DATE)
    second, _ = write_bundle(list(reversed(files())), META, timestamp=COMMIT_DATE)
    assert first == second


def test_another_requester_changes_only_the_manifest():
    first, _ = write_bundle(files(), META, timestamp=COMMIT_DATE)
    second, _ = write_bundle(files(), {**META, "requested_by": "manny"}, timestamp=COMMIT_DATE)
    read = lambda data: {i.filename: zipfile.ZipFile(io.BytesIO(data)).read(i) for i in zipfile.ZipFile(io.BytesIO(data)).infolist()}
    a, b = read(first), read(second)
    assert [k for k in a if a[k] != b[k]] == [MANIFEST_NAME]


def test_entries_are_sorted_with_the_commit_date_a_fixed_mode_and_no_extra_fields():
    content, _ = write_bundle(files(), META, timestamp=COMMIT_DATE)
    infos = zipfile.ZipFile(io.BytesIO(content)).infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(2026, 3, 1, 12, 0, 6)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}
    assert {i.extra for i in infos} == {b""} and {i.comment for i in infos} == {b""}
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}


def test_the_manifest_lists_every_file_with_size_both_digests_and_what_it_is():
    content, manifest = write_bundle(files(), META, timestamp=COMMIT_DATE)
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert json.loads(archive.read(MANIFEST_NAME)) == manifest
    assert manifest["generator"]["version"] == __version__ and manifest["requested_by"] == "audrey"
    assert [f["path"] for f in manifest["files"]] == sorted(set(archive.namelist()) - {MANIFEST_NAME})
    for entry in manifest["files"]:
        data = archive.read(entry["path"])
        assert entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["sha512"] == hashlib.sha512(data).hexdigest()
        assert entry["kind"] and entry["description"] and entry["media_type"]
    toml = next(f for f in manifest["files"] if f["kind"] == "config-file")
    assert toml["repository_path"] == "base/comps/bash.comp.toml"


@pytest.mark.parametrize("hostile, safe", [
    ("../../etc/passwd", "_/_/etc/passwd"),
    ("/etc/passwd", "etc/passwd"),
    ("C:\\Windows\\win.ini", "C_/Windows/win.ini"),
    ("a\x00b\x1b[31m.toml", "a_b__31m.toml"),
    ("a/./b//c", "a/b/c"),
    ("spec with spaces & ünïcode.spec", "spec_with_spaces____n_code.spec"),
])
def test_hostile_paths_become_safe_names(hostile, safe):
    assert sanitise_path(hostile) == safe
    assert unsafe_reason(safe) is None


def test_names_that_clash_after_sanitising_get_distinct_names():
    names = assign_names(["config/a b.toml", "config/a_b.toml", "config/A_B.toml"])
    assert len(set(names.values())) == 3
    assert names["config/a_b.toml"] != names["config/a b.toml"]
    assert all(unsafe_reason(n) is None for n in names.values())


def test_a_file_cannot_take_the_manifests_name():
    content, manifest = write_bundle([BundleFile(MANIFEST_NAME, b"forged", "x", "x")], META, timestamp=COMMIT_DATE)
    assert [f["path"] for f in manifest["files"]] == ["manifest~2.json"]
    assert json.loads(zipfile.ZipFile(io.BytesIO(content)).read(MANIFEST_NAME)) == manifest


@pytest.mark.parametrize("name", ["../x", "/x", "a\\b", "a/../b", "a\nb", "", "a/", "C:x", "a\u202eb"])
def test_unsafe_names_are_named_as_such(name):
    assert unsafe_reason(name)
