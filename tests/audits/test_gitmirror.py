"""audits.gitmirror: a source's bare mirror is kept and fetched into, with a clone's validation and hardening."""

import os
import shutil
import threading

import pytest

from audits import gitmirror
from audits.gitsource import GitSourceError, GitTransientError
from tests.support.gitrepo import commit_all, git, init_repo, write_files


@pytest.fixture
def repo(tmp_path):
    path = tmp_path / "repo"
    init_repo(path, {"README.md": "one\n"})
    return path


def mirror(repo, root, ref="main"):
    return gitmirror.mirrored(str(repo), ref, root=root, allow_local=True, timeout=30)


def test_the_first_use_clones_the_source_into_a_kept_mirror(repo, tmp_path):
    root = tmp_path / "mirrors"
    with mirror(repo, root) as checkout:
        assert checkout.commit.sha == git(repo, "rev-parse", "HEAD").strip()
        assert checkout.git_dir == root / f"{gitmirror.mirror_name(str(repo))}.git"
    assert checkout.git_dir.is_dir()


def test_a_new_commit_is_fetched_into_the_same_mirror(repo, tmp_path):
    root = tmp_path / "mirrors"
    with mirror(repo, root) as first:
        inode = os.stat(first.git_dir).st_ino
    write_files(repo, {"README.md": "two\n"})
    head = commit_all(repo, "two")
    with mirror(repo, root) as second:
        assert second.commit.sha == head
        assert os.stat(second.git_dir).st_ino == inode


def test_a_rewritten_branch_is_what_the_source_has_now(repo, tmp_path):
    root = tmp_path / "mirrors"
    write_files(repo, {"README.md": "two\n"})
    commit_all(repo, "two")
    with mirror(repo, root):
        pass
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    write_files(repo, {"README.md": "other\n"})
    other = commit_all(repo, "other")
    with mirror(repo, root) as checkout:
        assert checkout.commit.sha == other


def test_a_corrupt_mirror_is_cloned_again(repo, tmp_path):
    root = tmp_path / "mirrors"
    with mirror(repo, root) as checkout:
        git_dir = checkout.git_dir
    shutil.rmtree(git_dir / "objects")  # not written to: a local clone's objects are hard links to the source's
    (git_dir / "HEAD").write_text("garbage\n")
    with mirror(repo, root) as again:
        assert again.commit.sha == git(repo, "rev-parse", "HEAD").strip()


def test_a_source_a_clone_would_refuse_is_refused_before_any_directory_is_made(tmp_path):
    root = tmp_path / "mirrors"
    with pytest.raises(GitSourceError):
        with gitmirror.mirrored("ext::sh -c touch% /tmp/x", "main", root=root, allow_local=True):
            pass
    with pytest.raises(GitSourceError):
        with gitmirror.mirrored(str(tmp_path), "main", root=root, allow_local=False):
            pass
    assert not root.exists()


def test_an_unknown_ref_is_a_clear_error_and_the_mirror_stays(repo, tmp_path):
    root = tmp_path / "mirrors"
    with pytest.raises(GitSourceError, match="ref 'nope' was not found"):
        with mirror(repo, root, ref="nope"):
            pass
    assert (root / f"{gitmirror.mirror_name(str(repo))}.git").is_dir()


def test_a_killed_first_clone_leaves_no_mirror_behind(repo, tmp_path, monkeypatch):
    root = tmp_path / "mirrors"

    def interrupted(source, dest, **kwargs):
        dest.mkdir(parents=True)
        (dest / "partial.pack").write_bytes(b"x")
        raise KeyboardInterrupt

    monkeypatch.setattr(gitmirror, "clone_bare", interrupted)
    with pytest.raises(KeyboardInterrupt):
        with mirror(repo, root):
            pass
    assert [p.name for p in root.iterdir()] == [f"{gitmirror.mirror_name(str(repo))}.lock"]


def test_a_second_fetch_of_the_same_source_waits_for_the_first_reader(repo, tmp_path):
    root = tmp_path / "mirrors"
    with mirror(repo, root):
        outcome = []
        thread = threading.Thread(target=lambda: outcome.append(_try(repo, root)))
        thread.start()
        thread.join()
    assert outcome == ["busy"]


def _try(repo, root):
    try:
        with gitmirror.mirrored(str(repo), "main", root=root, allow_local=True, timeout=0.5):
            return "entered"
    except GitTransientError:
        return "busy"
