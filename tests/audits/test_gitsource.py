"""Tests for audits.gitsource: fetching a repository and reading it without a checkout."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from audits import githistory, gitsource
from audits.azldev.tree import TreeError, read_text, resolve
from audits.githistory import (
    CommitHistory,
    PathHistory,
    blame_lines,
    commit_order,
    commits_by_path,
    last_commits_by_path,
)
from audits.gitsource import (
    GitSourceError,
    GitTransientError,
    fetch,
    validate_ref,
    validate_source,
)
from audits.gittree import GitTree


@pytest.fixture(autouse=True)
def isolated_git_config(monkeypatch):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


class Repo:
    """A throwaway git repository with deterministic authors and dates."""

    def __init__(self, path: Path):
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Committer")
        self.git("config", "user.email", "committer@example.org")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        full_env = {**os.environ, **(env or {})}
        result = subprocess.run(["git", *args], cwd=self.path, env=full_env, capture_output=True, text=True, check=True)
        return result.stdout.strip()

    def write(self, rel: str, content: str | bytes, *, executable: bool = False) -> None:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink():
            target.unlink()
        target.write_bytes(content.encode() if isinstance(content, str) else content)
        target.chmod(0o755 if executable else 0o644)

    def symlink(self, rel: str, link_target: str) -> None:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(link_target)

    def remove(self, rel: str) -> None:
        self.git("rm", "-q", "--", rel)

    def commit(self, message: str, *, date: str, author: str = "Alice") -> str:
        self.git("add", "-A")
        env = {
            "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": f"{author.lower()}@example.org", "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_NAME": "Committer", "GIT_COMMITTER_EMAIL": "committer@example.org",
            "GIT_COMMITTER_DATE": date,
        }
        self.git("commit", "-q", "--allow-empty", "-m", message, env=env)
        return self.git("rev-parse", "HEAD")


class Sample:
    """Three commits: add, modify/delete (tagged v1), re-add/add symlinks."""

    def __init__(self, root: Path):
        repo = self.repo = Repo(root / "src")
        repo.write("README.md", "hello\n")
        repo.write("specs/c/curl/curl.spec", "Name: curl\nVersion: 1\nRelease: 1\n")
        repo.write("tools/run.sh", "#!/bin/sh\necho run\n", executable=True)
        repo.write("docs/old.txt", "old\n")
        repo.write("docs/gone.txt", "gone\n")
        self.first = repo.commit("Add everything\n\nLonger explanation.\nSecond line.", date="2026-01-01T10:00:00+01:00")
        repo.write("specs/c/curl/curl.spec", "Name: curl\nVersion: 2\nRelease: 1\n")
        repo.remove("docs/old.txt")
        repo.remove("docs/gone.txt")
        self.second = repo.commit("Bump curl", date="2026-01-02T10:00:00-05:00", author="Bob")
        repo.git("tag", "-a", "v1", "-m", "version 1", env={"GIT_COMMITTER_DATE": "2026-01-02T11:00:00+00:00"})
        repo.write("docs/old.txt", "old again\n")
        repo.write("specs/z/zlib/zlib.spec", "Name: zlib\n")
        repo.symlink("links/inside", "../README.md")
        repo.symlink("links/outside", "../../etc/passwd")
        self.third = repo.commit("Re-add old.txt, add zlib and links", date="2026-01-03T10:00:00+00:00", author="Carol")
        self.bundle = root / "sample.bundle"
        repo.git("bundle", "create", "-q", str(self.bundle), "--all")


@pytest.fixture
def sample(tmp_path) -> Sample:
    return Sample(tmp_path)


@pytest.fixture
def checkout(sample):
    with fetch(str(sample.repo.path), "main", allow_local=True) as result:
        yield result


@pytest.fixture
def tree(checkout):
    with GitTree(checkout.git_dir, checkout.commit.sha) as result:
        yield result


def record_temp_dirs(monkeypatch) -> list[Path]:
    """Temp dirs made by gitsource during the test (other processes may be using /tmp too)."""
    created: list[Path] = []
    real_mkdtemp = tempfile.mkdtemp

    def recording_mkdtemp(*args, **kwargs):
        created.append(Path(real_mkdtemp(*args, **kwargs)))
        return str(created[-1])

    monkeypatch.setattr(gitsource.tempfile, "mkdtemp", recording_mkdtemp)
    return created


# ----------------------------------------------------------------------------- fetch


@pytest.mark.parametrize("source_kind", ["directory", "bundle", "file-url"])
@pytest.mark.parametrize("ref_kind", ["branch", "tag", "full-id", "short-id"])
def test_fetch_resolves_branches_tags_and_commit_ids_from_local_sources(sample, source_kind, ref_kind):
    source = {"directory": str(sample.repo.path), "bundle": str(sample.bundle),
              "file-url": sample.repo.path.as_uri()}[source_kind]
    ref, expected = {"branch": ("main", sample.third), "tag": ("v1", sample.second),
                     "full-id": (sample.first, sample.first), "short-id": (sample.first[:7], sample.first)}[ref_kind]
    with fetch(source, ref, allow_local=True) as result:
        assert result.commit.sha == expected
        assert result.ref == ref
        assert (result.git_dir / "objects").is_dir()


def test_fetched_commit_carries_authors_aware_dates_and_the_full_message(sample):
    with fetch(str(sample.bundle), sample.first, allow_local=True) as result:
        commit = result.commit
    assert (commit.author_name, commit.author_email) == ("Alice", "alice@example.org")
    assert (commit.committer_name, commit.committer_email) == ("Committer", "committer@example.org")
    assert commit.authored_at == datetime(2026, 1, 1, 10, tzinfo=timezone(timedelta(hours=1)))
    assert commit.committed_at.utcoffset() == timedelta(hours=1)
    assert commit.subject == "Add everything"
    assert commit.message == "Add everything\n\nLonger explanation.\nSecond line."


def test_fetch_removes_its_temp_dir_after_success(sample):
    with fetch(str(sample.bundle), "main", allow_local=True) as result:
        temp_dir = result.git_dir.parent
        assert temp_dir.name.startswith("pedigree-git-") and temp_dir.is_dir()
    assert not temp_dir.exists()


def test_fetch_removes_its_temp_dir_after_an_exception_in_the_with_block(sample):
    with pytest.raises(RuntimeError, match="boom"):
        with fetch(str(sample.bundle), "main", allow_local=True) as result:
            temp_dir = result.git_dir.parent
            raise RuntimeError("boom")
    assert not temp_dir.exists()


def test_fetch_removes_its_temp_dir_after_a_keyboard_interrupt_in_the_with_block(sample):
    with pytest.raises(KeyboardInterrupt):
        with fetch(str(sample.bundle), "main", allow_local=True) as result:
            temp_dir = result.git_dir.parent
            raise KeyboardInterrupt
    assert not temp_dir.exists()


def test_fetch_removes_its_temp_dir_when_interrupted_during_the_clone(sample, monkeypatch):
    created = record_temp_dirs(monkeypatch)

    def interrupted_clone(source, dest, **kwargs):
        dest.mkdir()
        (dest / "partial.pack").write_bytes(b"x")
        raise KeyboardInterrupt

    monkeypatch.setattr(gitsource, "clone_bare", interrupted_clone)
    with pytest.raises(KeyboardInterrupt):
        with fetch(str(sample.bundle), "main", allow_local=True):
            pass
    assert len(created) == 1 and not created[0].exists()


def test_a_git_command_over_its_timeout_is_killed_and_reported_as_transient():
    start = time.monotonic()
    with pytest.raises(GitTransientError, match="timed out after 0.5 s"):
        gitsource._run("nap", ["-c", "alias.nap=!sleep 30", "nap"], env=gitsource.git_env(isolated=False), timeout=0.5)
    assert time.monotonic() - start < 10


def test_fetch_ignores_an_inherited_git_dir_variable(sample, monkeypatch):
    monkeypatch.setenv("GIT_DIR", str(sample.repo.path / "nonexistent"))
    with fetch(str(sample.repo.path), "main", allow_local=True) as result:
        assert result.commit.sha == sample.third
        with GitTree(result.git_dir, result.commit.sha) as tree:
            assert tree.read_bytes("README.md") == b"hello\n"


def test_fetch_removes_its_temp_dir_when_the_ref_is_unknown(sample, monkeypatch):
    created = record_temp_dirs(monkeypatch)
    with pytest.raises(GitSourceError):
        with fetch(str(sample.bundle), "no-such-branch", allow_local=True):
            pass
    assert len(created) == 1 and not created[0].exists()


def test_fetch_reports_an_unknown_ref_as_a_source_error_listing_known_refs(sample):
    with pytest.raises(GitSourceError, match=r"'no-such-branch' was not found.*main"):
        with fetch(str(sample.repo.path), "no-such-branch", allow_local=True):
            pass


def test_fetch_reports_an_unreachable_local_repository_as_a_source_error(tmp_path):
    (tmp_path / "empty-dir").mkdir()
    with pytest.raises(GitSourceError, match="could not fetch"):
        with fetch(str(tmp_path / "empty-dir"), "main", allow_local=True):
            pass


@pytest.mark.parametrize("kind", ["directory", "bundle", "file-url"])
def test_fetch_refuses_local_sources_when_local_sources_are_disabled(sample, kind):
    source = {"directory": str(sample.repo.path), "bundle": str(sample.bundle), "file-url": sample.repo.path.as_uri()}[kind]
    with pytest.raises(GitSourceError, match="local sources are disabled.*PEDIGREE_ALLOW_LOCAL_SOURCES"):
        with fetch(source, "main", allow_local=False):
            pass


def test_a_rejected_ext_source_never_runs_its_command(tmp_path):
    marker = tmp_path / "pwned"
    for source in (f"ext::sh -c touch% {marker}", f"ext::touch%{marker}"):
        with pytest.raises(GitSourceError, match="invalid repository source"):
            with fetch(source, "main", allow_local=True):
                pass
    assert not marker.exists()


def test_git_itself_refuses_the_ext_transport_even_if_validation_were_bypassed(tmp_path):
    marker = tmp_path / "pwned"
    with pytest.raises(GitSourceError, match="this transport is not allowed"):
        gitsource.clone_bare(f"ext::sh -c touch% {marker}", tmp_path / "dest.git", allow_local=True, timeout=30)
    assert not marker.exists()


@pytest.mark.parametrize("stderr", [
    b"fatal: unable to access 'https://h/r/': Could not resolve host: h",
    b"fatal: unable to access 'https://h/r/': Failed to connect to h port 443: Connection timed out",
    b"error: RPC failed; curl 56 Recv failure: Connection reset by peer\nfatal: early EOF",
])
def test_network_failures_are_reported_as_transient(stderr):
    assert isinstance(gitsource._clone_error("https://h/r", stderr), GitTransientError)


@pytest.mark.parametrize("stderr, words", [
    (b"remote: Repository not found.\nfatal: repository 'https://h/r/' not found", "not a git repository"),
    (b"git@h: Permission denied (publickey).\nfatal: Could not read from remote repository.", "access was denied"),
])
def test_missing_repositories_and_refused_credentials_are_source_errors_in_our_words(stderr, words):
    error = gitsource._clone_error("https://h/r", stderr)
    assert isinstance(error, GitSourceError) and not isinstance(error, GitTransientError)
    assert str(error).startswith(f"could not fetch from h: {words}")
    assert "Repository not found" not in str(error) and "publickey" not in str(error)


def test_git_stderr_never_reaches_the_error_message_and_is_logged(caplog):
    error = gitsource._clone_error("https://h/r", b"x" * 100_000 + b"\nfatal: the end")
    assert "fatal: the end" not in str(error) and "xxx" not in str(error) and len(str(error)) < 300
    assert "fatal: the end" in caplog.text


def test_a_clone_is_pinned_to_the_checked_addresses_whichever_way_the_url_writes_the_name(monkeypatch):
    import socket

    from access.egress import EgressPolicy

    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("140.82.112.3", port)),
        (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("2606:50c0::1", port, 0, 0))])
    for source in ("https://Git.Example.org./r.git", "https://git.example.org:8443/r.git"):
        args, env = gitsource._pinned(source, EgressPolicy())
        port = 8443 if ":8443" in source else 443
        assert args == ["-c", "http.curloptResolve=",
                        "-c", f"http.curloptResolve=git.example.org:{port}:140.82.112.3,[2606:50c0::1]",
                        "-c", f"http.curloptResolve=git.example.org.:{port}:140.82.112.3,[2606:50c0::1]"] and env == {}


# ----------------------------------------------------------------------------- validation


@pytest.mark.parametrize("source", [
    "https://github.com/microsoft/azurelinux.git",
    "https://git.example.org:8443/group/sub/repo",
    "https://token@github.com/org/repo",
    "ssh://git@github.com/microsoft/azurelinux.git",
    "ssh://git@[2606:4700::1111]:2222/repo.git",  # a public address (2001:db8::/32 is refused: not global)
    "git@github.com:microsoft/azurelinux.git",
])
def test_validate_source_accepts_https_ssh_and_scp_like_addresses(source):
    assert validate_source(source, allow_local=False) == source


def test_validate_source_accepts_local_directories_bundles_and_file_urls_when_allowed(sample):
    for source in (str(sample.repo.path), str(sample.bundle), sample.repo.path.as_uri()):
        assert validate_source(source, allow_local=True)


def test_validate_source_rejects_local_files_that_are_not_bundles(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(GitSourceError, match="no such directory or .bundle file"):
        validate_source(str(tmp_path / "notes.txt"), allow_local=True)


@pytest.mark.parametrize("source", [
    "ext::sh -c touch% /tmp/pwned",
    "ext::sh",
    "-oProxyCommand=x",
    "--upload-pack=touch x",
    "--upload-pack=touch",
    "https://h/r--upload-pack=x",
    "-u",
    "ssh://-oProxyCommand=x/r",
    "ssh://git@h/-oProxyCommand=x",
    "git@-oProxyCommand=x:r",
    "git@h:-r",
    "fd::17",
    "transport::https://h/r",
    "git://h/r",
    "http://h/r",
    "ftp://h/r",
    "https://user:pass@h/r",
    "https://user:@h/r",
    "https:///r",
    "https://h/",
    "relative/path",
    "./repo",
    "repo",
    "a b",
    "https://h/r\n",
    "https://h/r\x00",
    "https://h/\u202er",
    "",
    "\n",
    " ",
    "https://h/" + "r" * 2048,
])
def test_validate_source_rejects_unsafe_or_unsupported_sources(source):
    with pytest.raises(GitSourceError):
        validate_source(source, allow_local=True)


@pytest.mark.parametrize("ref", ["main", "tomls/base/main", "v1.0", "release-2026.01", "074f8fe", "074f8fe9c17e6321b889f0dd0d0df406f187f850"])
def test_validate_ref_accepts_branch_tag_names_and_commit_ids(ref):
    assert validate_ref(ref) == ref


@pytest.mark.parametrize("ref", [
    "", "-b", "--upload-pack=x", "a..b", "main@{1}", "@", "a b", "a\tb", "a\nb", "a\x7fb",
    "a~1", "a^", "a:b", "a?", "a*", "a[b", "a\\b", "main.lock", "a/b.lock/c", "main/", "/main",
    "a//b", "main.", ".hidden", "a/.b", "x" * 256,
])
def test_validate_ref_rejects_what_git_check_ref_format_rejects(ref):
    with pytest.raises(GitSourceError):
        validate_ref(ref)


# ----------------------------------------------------------------------------- GitTree


def test_git_tree_lists_files_executables_and_symlinks_with_sizes(tree):
    entries = tree.entries()
    assert sorted(entries) == ["README.md", "docs/old.txt", "links/inside", "links/outside",
                               "specs/c/curl/curl.spec", "specs/z/zlib/zlib.spec", "tools/run.sh"]
    assert entries["README.md"].size == 6 and not entries["README.md"].is_symlink
    assert entries["tools/run.sh"].size == len("#!/bin/sh\necho run\n")
    assert entries["links/inside"].link_target == "../README.md"
    assert entries["links/outside"].link_target == "../../etc/passwd"


def test_git_tree_skips_submodules(sample, tmp_path):
    sample.repo.git("update-index", "--add", "--cacheinfo", f"160000,{sample.first},vendor/sub")
    sha = sample.repo.commit("Add a submodule", date="2026-01-04T00:00:00+00:00")
    with GitTree(sample.repo.path / ".git", sha) as tree:
        assert "vendor/sub" not in tree.entries() and "README.md" in tree.entries()


def test_git_tree_reads_regular_and_executable_files(tree):
    assert tree.read_bytes("README.md") == b"hello\n"
    assert tree.read_bytes("tools/run.sh") == b"#!/bin/sh\necho run\n"
    assert tree.read_bytes("README.md") == b"hello\n"  # the batch process is reused


def test_git_tree_refuses_to_read_symlinks(tree):
    with pytest.raises(TreeError, match="symlinks are not followed: links/inside"):
        tree.read_bytes("links/inside")


def test_git_tree_symlinks_resolve_inside_the_repository_and_are_refused_outside(tree):
    assert read_text(tree, "links/inside") == "hello\n"
    with pytest.raises(TreeError, match="outside the repository"):
        resolve(tree, "links/outside")


def test_git_tree_refuses_unknown_paths(tree):
    with pytest.raises(TreeError, match="no such file in the repository: nope.txt"):
        tree.read_bytes("nope.txt")


def test_git_tree_refuses_files_over_the_size_limit_before_reading_them(checkout):
    with GitTree(checkout.git_dir, checkout.commit.sha, max_file_bytes=10) as tree:
        with pytest.raises(TreeError, match=r"\(19 > 10 bytes\): tools/run.sh"):
            tree.read_bytes("tools/run.sh")
        assert tree._proc is None  # nothing was requested from git
        assert tree.read_bytes("README.md") == b"hello\n"


def test_git_tree_read_many_streams_contents_in_request_order(tree):
    paths = ["tools/run.sh", "README.md", "specs/c/curl/curl.spec", "README.md"]
    assert list(tree.read_many(paths)) == [(p, tree.read_bytes(p)) for p in paths]


def test_git_tree_read_many_checks_every_path_before_reading_any(tree):
    with pytest.raises(TreeError, match="links/inside"):
        tree.read_many(["README.md", "links/inside"])


def test_git_tree_read_many_survives_being_abandoned_midway(tree):
    stream = tree.read_many(["README.md"] * 5000)
    assert next(stream) == ("README.md", b"hello\n")
    del stream
    assert tree.read_bytes("docs/old.txt") == b"old again\n"


def test_git_tree_close_stops_the_batch_process_and_a_later_read_restarts_it(tree):
    tree.read_bytes("README.md")
    process = tree._proc
    tree.close()
    assert process.poll() is not None
    assert tree.read_bytes("README.md") == b"hello\n"


# ----------------------------------------------------------------------------- history


def test_last_commits_by_path_picks_the_newest_commit_per_path(sample, checkout):
    index = last_commits_by_path(checkout.git_dir, checkout.commit.sha)
    assert index["README.md"].sha == sample.first
    assert index["specs/c/curl/curl.spec"].sha == sample.second
    assert index["specs/z/zlib/zlib.spec"].sha == sample.third


def test_last_commits_by_path_uses_the_readding_commit_for_deleted_then_readded_files(sample, checkout):
    assert last_commits_by_path(checkout.git_dir, checkout.commit.sha)["docs/old.txt"].sha == sample.third


def test_last_commits_by_path_includes_deleted_files_with_the_deleting_commit(sample, checkout):
    assert last_commits_by_path(checkout.git_dir, checkout.commit.sha)["docs/gone.txt"].sha == sample.second


def test_last_commits_by_path_only_sees_history_reachable_from_the_commit(sample, checkout):
    index = last_commits_by_path(checkout.git_dir, sample.second)
    assert "specs/z/zlib/zlib.spec" not in index and index["docs/old.txt"].sha == sample.second


def test_last_commits_by_path_shares_one_commit_object_between_paths(checkout):
    index = last_commits_by_path(checkout.git_dir, checkout.commit.sha)
    assert index["README.md"] is index["tools/run.sh"]


def test_path_history_finds_the_newest_commit_under_each_directory(sample, checkout):
    history = PathHistory(commits_by_path(checkout.git_dir, checkout.commit.sha), commit_order(checkout.git_dir, checkout.commit.sha))
    assert history.for_dir("specs/c/curl/").sha == sample.second
    assert history.for_dir("specs/c/curl").sha == sample.second
    assert history.for_dir("specs").sha == sample.third
    assert history.for_dir("").sha == sample.third
    assert history.for_dir("tools").sha == sample.first
    assert history.for_dir("nope") is None
    assert history.for_path("tools/run.sh").sha == sample.first


def test_path_history_orders_commits_by_history_when_dates_tie(tmp_path):
    repo = Repo(tmp_path / "tie")
    repo.write("a/one", "1")
    repo.commit("first", date="2026-04-29T14:11:57-04:00")
    repo.write("b/two", "2")
    later = repo.commit("second, same date", date="2026-04-29T14:11:57-04:00")
    history = PathHistory(commits_by_path(repo.path / ".git", later), commit_order(repo.path / ".git", later))
    assert history.for_dir("").sha == later


def test_a_commit_history_reads_git_only_when_first_asked(sample, checkout, monkeypatch):
    calls = []
    monkeypatch.setattr(githistory, "commits_by_path", lambda *args: calls.append(args) or commits_by_path(*args))
    history = CommitHistory(checkout.git_dir, checkout.commit.sha)
    assert calls == []
    assert history.for_dir("specs").sha == sample.third and history.all_for_path("tools/run.sh")[0].sha == sample.first
    assert len(calls) == 1


def test_blame_lines_attributes_each_line_to_the_commit_that_last_changed_it(sample, checkout):
    lines = blame_lines(checkout.git_dir, checkout.commit.sha, "specs/c/curl/curl.spec")
    assert [c.sha for c in lines] == [sample.first, sample.second, sample.first]
    assert lines[1].author_name == "Bob" and lines[1].subject == "Bump curl"


def test_blame_lines_reads_the_file_as_of_the_given_commit(sample, checkout):
    assert [c.sha for c in blame_lines(checkout.git_dir, sample.first, "specs/c/curl/curl.spec")] == [sample.first] * 3


# ----------------------------------------------------------------------------- real corpus


def corpus_bundle() -> Path:
    default = (Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus").resolve()
    bundle = Path(os.environ.get("PEDIGREE_CORPUS_DIR") or default) / "azurelinux-tomls-base.bundle"
    if not bundle.is_file():
        if os.environ.get("PEDIGREE_REQUIRE_CORPUS") == "1":
            pytest.fail(f"corpus bundle not found at {bundle} and PEDIGREE_REQUIRE_CORPUS=1")
        pytest.skip(f"corpus bundle not found at {bundle} (set PEDIGREE_CORPUS_DIR to its folder)")
    return bundle


@pytest.mark.corpus
def test_the_real_azure_linux_bundle_is_read_at_its_cut_commit():
    bundle = corpus_bundle()
    timings: dict[str, float] = {}
    start = time.perf_counter()
    with fetch(str(bundle), "tomls/base/main", allow_local=True) as result:
        timings["fetch"] = time.perf_counter() - start
        assert result.commit.sha == "074f8fe9c17e6321b889f0dd0d0df406f187f850"
        assert result.commit.subject == "fix: remove gdb Recommends: default-yama-scope"
        with GitTree(result.git_dir, result.commit.sha) as tree:
            start = time.perf_counter()
            specs = [p for p in tree.entries() if p.startswith("specs/") and p.endswith(".spec")]
            timings["entries"] = time.perf_counter() - start
            assert len(specs) == 7608
            start = time.perf_counter()
            total = sum(len(data) for _, data in tree.read_many(specs))
            timings["read specs"] = time.perf_counter() - start
            assert total > 0
        start = time.perf_counter()
        index = last_commits_by_path(result.git_dir, result.commit.sha)
        timings["last_commits_by_path"] = time.perf_counter() - start
        assert index["azldev.toml"].sha == "20b5e42136f5602ae4880dbdd782995c6ef9ad19"
    print("corpus timings (s): " + ", ".join(f"{k} {v:.2f}" for k, v in timings.items()))
