"""A small synthetic azldev history (tests/audits/sample_repo.py at its root) with one kind of change per commit."""

from __future__ import annotations

from pathlib import Path

from audits import githistory
from audits.analysis import analyse_release
from audits.gittree import GitTree
from history.states import ComponentState, state_of
from tests.audits import sample_repo
from tests.support.gitrepo import commit_all, init_repo, write_files

BROKEN_ROOT = 'includes = ["distro/distro.toml", "base/project.toml"\n'  # malformed TOML


def day(n: int) -> str:
    return f"2026-03-{n:02d}T12:00:00+00:00"


def build_history(repo: Path) -> list[str]:
    """The commits, oldest first: 0 the sample repo, 1 bash's spec, 2 the check-skip group (zlib), 3 a distro
    default (every component), 4 curl removed, 5 a broken root file, 6 the root file mended."""
    files = sample_repo.files()
    shas = [init_repo(repo, files)]

    def commit(changed: dict[str, str | None], message: str) -> None:
        write_files(repo, changed)
        shas.append(commit_all(repo, message, date=day(len(shas) + 1)))

    commit({"specs/b/bash/bash.spec": sample_repo.spec("bash", "5.3.1", "Requires: coreutils")}, "bash 5.3.1")
    commit({"base/comps/groups.toml": files["base/comps/groups.toml"].replace(
        "Tests need network access", "Tests need a network")}, "check-skip: reworded")
    commit({"distro/azurelinux.distro.toml": sample_repo.DISTRO + "\n[distros.azurelinux.versions.'4.0'.default-component-config.build]\n"
            "defines = { azl = \"1\" }\n"}, "distro: define azl")
    commit({"base/comps/components.toml": files["base/comps/components.toml"].replace("[components.curl]\n", ""),
            "specs/c/curl/curl.spec": None, "specs/c/curl/sources": None}, "curl removed")
    commit({"azldev.toml": BROKEN_ROOT}, "broken root file")
    commit({"azldev.toml": files["azldev.toml"]}, "root file mended")
    return shas


def full_states(git_dir: Path, sha: str) -> dict[str, ComponentState]:
    """state_of every record of a full single-commit analysis (audits.analysis), independent of history."""
    history = githistory.PathHistory(githistory.commits_by_path(git_dir, sha), githistory.commit_order(git_dir, sha))
    with GitTree(git_dir, sha) as tree:
        analysis = analyse_release(tree, history, lambda path: githistory.blame_lines(git_dir, sha, path))
    return {r.resolved.name: state_of(r) for r in analysis.components}
