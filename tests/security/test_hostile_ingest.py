"""Hostile repositories, sources and refs: each ingest fails with a clear reason (or, for content
that is merely odd, is stored with the problem recorded) and the release ingested before stays as it was.

Already covered elsewhere and not repeated here: sources and refs in tests/audits/test_gitsource.py
(validation tables, ext:: never runs), size limits and symlinks in GitTree tests, RE2 details in
tests/audits/azldev/test_overlays.py.
"""

import json
import re
import time

import pytest
from django.db import connection

from audits.models import Inconsistency, Overlay
from audits.services.ingest import IngestError, ingest_release
from tests.audits import sample_repo
from tests.support.gitrepo import commit_all, git, write_files

pytestmark = pytest.mark.django_db

BASH = sample_repo.files()["base/comps/bash/bash.comp.toml"]


def overlay(**fields: str) -> dict[str, str]:
    """bash's configuration with one more overlay."""
    body = "".join(f"{key} = {json.dumps(value)}\n" for key, value in fields.items())
    return {"base/comps/bash/bash.comp.toml": BASH + "\n[[components.bash.overlays]]\n" + body}


HOSTILE_CONFIGURATIONS = {
    "include-with-dotdot": ({"azldev.toml": 'includes = ["distro/distro.toml", "base/project.toml", "../../etc/*.toml"]\n'},
                            "escapes the repository root"),
    "absolute-include": ({"azldev.toml": 'includes = ["distro/distro.toml", "base/project.toml", "/etc/*.toml"]\n'},
                         "absolute or non-POSIX path not allowed: '/etc/*.toml'"),
    "overlay-source-traversal": (overlay(type="file-add", file="x.txt", source="../../../../etc/passwd"),
                                 "path escapes the repository root: '../../../../etc/passwd'"),
    "overlay-source-absolute": (overlay(type="file-add", file="x.txt", source="/etc/passwd"),
                                "absolute or non-POSIX path not allowed: '/etc/passwd'"),
    "overlay-file-traversal": (overlay(type="file-add", file="../../../etc/cron.d/x", source="bash.comp.toml"),
                               "'file' must be a relative path inside the component"),
    "regex-with-backreference": (overlay(type="spec-search-replace", regex="(a)\\1", replacement="b"),
                                 "RE2 has no backreferences"),
    "deeply-nested-array": ({"base/comps/bash/bash.comp.toml": BASH + "\nx = " + "[" * 5000 + "]" * 5000 + "\n"},
                            "nesting is too deep"),
    "deeply-nested-inline-table": (
        {"base/comps/bash/bash.comp.toml": BASH + "\n[components.bash.build]\ny = " + "{a=" * 3000 + "1" + "}" * 3000 + "\n"},
        "nesting is too deep"),
    "malformed-toml": ({"base/comps/bash/bash.comp.toml": "[components.bash\nbroken = "}, "malformed TOML"),
    **{f"component-named-{label}": ({"base/comps/odd.comp.toml": f"[components.{json.dumps(name)}]\n"},
                                    f"invalid component name {name!r}")
       for label, name in [("with-slash", "a/b"), ("dotdot", ".."), ("with-space", "a b"), ("with-newline", "a\nb"),
                           ("with-percent", "%{name}"), ("with-question-mark", "a?b"), ("with-hash", "a#b"),
                           ("leading-dash", "-rf"), ("non-ascii", "ｂash"), ("too-long", "x" * 256)]},
}


def commit(repo, files, message="hostile change"):
    write_files(repo, files)
    return commit_all(repo, message, date="2026-03-05T12:00:00+00:00")


@pytest.mark.parametrize("files, reason", HOSTILE_CONFIGURATIONS.values(), ids=HOSTILE_CONFIGURATIONS.keys())
def test_a_hostile_configuration_fails_the_ingest_with_its_reason_and_changes_nothing(sample_git, baseline, files, reason):
    repo, _, _ = sample_git
    commit(repo, files)
    with pytest.raises(IngestError, match=re.escape(reason)):
        ingest_release(str(repo), "main")
    baseline.assert_unchanged()


def test_invalid_utf8_in_a_configuration_file_fails_naming_the_file_and_byte(sample_git, baseline):
    repo, _, _ = sample_git
    (repo / "base/comps/bash/bash.comp.toml").write_bytes(BASH.encode() + b"\n# \xff\xfe\n")
    commit_all(repo, "bad bytes", date="2026-03-05T12:00:00+00:00")
    with pytest.raises(IngestError, match=r"bash\.comp\.toml: not valid UTF-8 \(byte \d+\)"):
        ingest_release(str(repo), "main")
    baseline.assert_unchanged()


def test_a_symlink_out_of_the_repository_is_refused(sample_git, baseline):
    repo, _, _ = sample_git
    (repo / "base/comps/evil.comp.toml").symlink_to("/etc/hostname")
    commit_all(repo, "symlink out", date="2026-03-05T12:00:00+00:00")
    with pytest.raises(IngestError, match="symlink points outside the repository"):
        ingest_release(str(repo), "main")
    baseline.assert_unchanged()


def test_a_50_mb_spec_is_refused_by_the_size_limit_and_recorded_without_being_read(sample_git, baseline):
    repo, _, _ = sample_git
    commit(repo, {"specs/c/curl/curl.spec": sample_repo.spec("curl", "8.15.0") + "#" * (50 * 1024 * 1024)})
    release = ingest_release(str(repo), "main").release
    problem = Inconsistency.objects.get(release=release, component__name="curl")
    assert "limit" in problem.detail
    assert not hasattr(release.components.get(name="curl"), "rendered_spec") or \
        len(release.components.get(name="curl").rendered_spec.text) < 1024 * 1024
    baseline.assert_unchanged(new_releases=1)


def test_invalid_utf8_in_a_rendered_spec_is_stored_readably(sample_git, baseline):
    repo, _, _ = sample_git
    (repo / "specs/b/bash/bash.spec").write_bytes(
        sample_repo.spec("bash", "5.3", "Requires: coreutils").encode() + b"\n# \xff\xfe\n")
    commit_all(repo, "bad bytes in a spec", date="2026-03-05T12:00:00+00:00")
    release = ingest_release(str(repo), "main").release
    assert "\ufffd" in release.components.get(name="bash").rendered_spec.text
    baseline.assert_unchanged(new_releases=1)


def test_a_catastrophic_regex_gets_a_verdict_within_its_time_budget(sample_git, baseline):
    repo, _, _ = sample_git
    commit(repo, {**overlay(type="spec-search-replace", regex="(a+)+$", replacement="b"),
                  "specs/b/bash/bash.spec": sample_repo.spec("bash", "5.3", "Requires: coreutils\n# " + "a" * 40 + "!")})
    start = time.monotonic()
    release = ingest_release(str(repo), "main").release
    assert time.monotonic() - start < 30
    (hostile,) = [o for o in Overlay.objects.filter(component__release=release, component__name="bash")
                  if o.parameters.get("regex") == "(a+)+$"]
    assert hostile.presence and hostile.presence_reason  # a verdict with its reason, not a hang
    baseline.assert_unchanged(new_releases=1)


HOSTILE_SOURCES = [
    "ext::sh -c touch% /tmp/pedigree-pwned",
    "--upload-pack=touch /tmp/pedigree-pwned",
    "-oProxyCommand=touch /tmp/pedigree-pwned",
    "-",
    "fd::17",
    "https://user:secret@example.org/repo.git\n--upload-pack=x",
]
HOSTILE_REFS = ["--output=/tmp/pedigree-pwned", "-b", "main..other", "refs/heads/../../x", "ma in", "main\x00", "@{-1}"]


@pytest.mark.parametrize("source", HOSTILE_SOURCES)
def test_a_hostile_git_source_is_refused_before_git_runs(source, baseline, allow_local_sources, tmp_path):
    with pytest.raises(IngestError):
        ingest_release(source, "main")
    baseline.assert_unchanged()


@pytest.mark.parametrize("ref", HOSTILE_REFS)
def test_a_hostile_ref_is_refused(sample_git, baseline, ref):
    repo, _, _ = sample_git
    with pytest.raises(IngestError, match="ref"):
        ingest_release(str(repo), ref)
    baseline.assert_unchanged()


def test_a_commit_message_stays_data(sample_git, baseline):
    """A message that looks like git options or a shell command is stored verbatim (and escaped on pages)."""
    repo, _, _ = sample_git
    write_files(repo, {"specs/b/bash/bash.spec": sample_repo.spec("bash", "5.4", "Requires: coreutils")})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "--upload-pack=touch /tmp/x; $(rm -rf /) <img src=x onerror=alert(1)>")
    release = ingest_release(str(repo), "main").release
    assert release.commit.subject.startswith("--upload-pack=touch /tmp/x; $(rm -rf /)")
    baseline.assert_unchanged(new_releases=1)


def test_a_value_longer_than_the_database_takes_fails_the_ingest_cleanly(sample_git, baseline, settings):
    """An Epoch of 5,000 digits: PostgreSQL refuses it (SQLite stores any length); either way no 500 and nothing lost."""
    repo, _, _ = sample_git
    commit(repo, {"specs/c/curl/curl.spec": sample_repo.spec("curl", "8.15.0", extra="Epoch: " + "9" * 5000)})
    if connection.vendor == "sqlite":
        ingest_release(str(repo), "main")
        baseline.assert_unchanged(new_releases=1)
        return
    with pytest.raises(IngestError, match="the repository holds a value the database cannot store"):
        ingest_release(str(repo), "main")
    baseline.assert_unchanged()
