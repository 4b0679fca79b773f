"""The offline checker: a good bundle passes; tampering, missing or extra files and zip-slip names fail."""

import datetime as dt
import io
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from evidence.check import check_bundle
from evidence.zipwriter import BundleFile, manifest_bytes, write_bundle
from tests.evidence.hostile import bundle_with, manifest_for, raw_zip
from tests.support.corpus import PROJECT_ROOT

FILES = {"component.json": b'{"name": "bash"}', "rendered/bash.spec": b"Name: bash\n"}


def good_bundle() -> bytes:
    meta = {"scope": "component", "component": "bash", "release": {"commit": "c" * 40}, "requested_by": "audrey",
            "requested_at": "2026-03-02T00:00:00+00:00", "notes": [], "verification": ["run it"]}
    files = [BundleFile(path, data, "test", "test file") for path, data in FILES.items()]
    return write_bundle(files, meta, timestamp=dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc))[0]


def problems(data: bytes) -> list[str]:
    return check_bundle(io.BytesIO(data)).problems


def test_a_bundle_from_the_writer_passes():
    result = check_bundle(io.BytesIO(good_bundle()))
    assert result.ok, result.problems
    assert result.files_checked == 2


def test_a_changed_file_is_reported_by_its_hash():
    manifest = manifest_for(FILES)
    tampered = dict(FILES, **{"rendered/bash.spec": b"Name: evil\n"})  # same size, other bytes
    assert problems(bundle_with(tampered, manifest=manifest)) == [
        "SHA-256 mismatch: rendered/bash.spec was changed after the manifest was written"]


def test_a_file_of_another_size_is_reported():
    tampered = dict(FILES, **{"component.json": b'{"name": "bash", "evil": true}'})
    assert problems(bundle_with(tampered, manifest=manifest_for(FILES)))[0].startswith("size mismatch: component.json")


def test_a_missing_file_is_reported():
    assert problems(bundle_with({"component.json": FILES["component.json"]}, manifest=manifest_for(FILES))) == [
        "missing file: rendered/bash.spec is listed in the manifest but not in the ZIP"]


def test_an_unlisted_file_is_reported():
    assert problems(bundle_with(FILES, extra=[("backdoor.sh", b"#!/bin/sh\n")])) == [
        "unlisted file: backdoor.sh is in the ZIP but not in the manifest"]


@pytest.mark.parametrize("name", ["../../../tmp/evil", "/etc/cron.d/evil", "..\\..\\evil.bat", "a/../../evil",
                                  "C:/evil", "ok/\x1b]evil"])
def test_zip_slip_names_are_rejected(name):
    found = problems(bundle_with(FILES, extra=[(name, b"x")]))
    assert any(p.startswith(f"unsafe entry name {name!r}") for p in found), found


def test_a_zip_slip_path_in_the_manifest_is_rejected():
    hostile = {**FILES, "../evil": b"x"}
    found = problems(bundle_with(hostile))
    assert "manifest: files[0]: unsafe path '../evil': path segment '..' (empty, '.' or '..')" in found


def test_a_symbolic_link_entry_is_rejected():
    found = problems(bundle_with(FILES, extra=[("link", b"/etc/passwd")], symlinks=("link",)))
    assert "entry 'link' is a symbolic link" in found


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_a_name_that_occurs_twice_is_rejected():
    data = raw_zip([("manifest.json", manifest_bytes(manifest_for(FILES))), *FILES.items(),
                    ("component.json", b'{"name": "evil"}')])
    assert "entry 'component.json' occurs more than once (or differs only in case)" in problems(data)


def test_a_bundle_without_a_manifest_is_rejected():
    assert problems(raw_zip(list(FILES.items()))) == ["manifest.json is missing"]


def test_a_manifest_of_the_wrong_shape_is_rejected():
    manifest = manifest_for(FILES)
    del manifest["verification"]
    manifest["files"][0]["sha256"] = "NOT-HEX"
    found = problems(bundle_with(FILES, manifest=manifest))
    assert "manifest: 'verification' is missing or not a list" in found
    assert "manifest: files[0] (component.json): sha256 is not a lowercase hex digest" in found


def test_a_file_that_is_not_a_zip_is_rejected():
    assert problems(b"PK but not really")[0].startswith("not a readable ZIP file")


def test_the_command_prints_ok_for_a_good_bundle(tmp_path, capsys):
    path = tmp_path / "good.zip"
    path.write_bytes(good_bundle())
    call_command("check_evidence", str(path))
    assert capsys.readouterr().out.startswith(f"OK: {path}: 2 files match manifest.json")


def test_the_command_fails_with_every_problem_for_a_bad_bundle(tmp_path, capsys):
    path = tmp_path / "bad.zip"
    path.write_bytes(bundle_with(FILES, extra=[("../evil", b"x")]))
    with pytest.raises(CommandError, match=r"FAILED: .*bad.zip: 2 problem\(s\)"):
        call_command("check_evidence", str(path))
    err = capsys.readouterr().err
    assert "unsafe entry name '../evil'" in err and "unlisted file: ../evil" in err


def test_the_checker_runs_without_django_and_exits_non_zero_on_a_bad_bundle(tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(bundle_with(FILES, extra=[("extra.txt", b"x")]))
    good = tmp_path / "good.zip"
    good.write_bytes(good_bundle())
    # -S -E: no site-packages, no environment: the checker needs nothing but the standard library.
    run = lambda p: subprocess.run([sys.executable, "-S", "-E", "-m", "evidence.check", str(p)], cwd=PROJECT_ROOT,
                                   capture_output=True, text=True)
    failed, passed = run(bad), run(good)
    assert failed.returncode == 1 and "unlisted file: extra.txt" in failed.stderr
    assert passed.returncode == 0, passed.stderr


def test_an_encrypted_entry_is_reported_as_unreadable():
    data = bytearray(bundle_with(FILES))
    # Set the "encrypted" flag of component.json in its local header and in the central directory.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(b"component.json")] == b"component.json":
                data[start + offset] |= 0x01
            start += 4
    found = problems(bytes(data))
    assert found and found[0].startswith("unreadable entry component.json"), found
