"""Tiny builders for synthetic azldev repositories used by the azldev unit tests.

`write_tree(root, files)` writes {relative_path: text | bytes | Link} under `root`
and returns a `DirectoryTree`. `project_tree(root, files)` does the same on top of
`DEFAULT_PROJECT`, a minimal but complete azldev project that each test extends
with a few files (usually one `*.comp.toml`).
"""

from __future__ import annotations

import os
import textwrap
from dataclasses import dataclass
from pathlib import Path

from audits.azldev.loader import Project, load_project
from audits.azldev.resolve import ResolvedComponent, resolve_components
from audits.azldev.tree import DirectoryTree

from tests.audits.sample_repo import FEDORA


@dataclass(frozen=True)
class Link:
    """A symlink to write instead of a file; `target` is written verbatim."""

    target: str


SNAPSHOT = "2026-02-24T00:00:00-08:00"


def _t(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


DEFAULT_PROJECT: dict[str, str] = {
    "azldev.toml": _t(
        """
        includes = ["distro/*.distro.toml", "base/project.toml"]
        """
    ),
    "distro/azurelinux.distro.toml": _t(
        f"""
        [distros.azurelinux]
        description = "Azure Linux"
        default-version = "4.0"

        [distros.azurelinux.versions.'4.0']
        description = "Azure Linux 4.0"
        release-ver = "4.0"

        [distros.azurelinux.versions.'4.0'.default-component-config]
        spec = {{ type = "upstream", upstream-distro = {{ name = "fedora", version = "43", snapshot = "{SNAPSHOT}" }} }}
        """
    ),
    "distro/fedora.distro.toml": FEDORA,
    "base/project.toml": _t(
        """
        includes = ["comps/components.toml"]

        [project]
        description = "synthetic test project"
        rendered-specs-dir = "../specs"
        default-distro = { name = "azurelinux", version = "4.0" }
        """
    ),
    "base/comps/components.toml": _t(
        """
        includes = ["**/*.comp.toml"]
        """
    ),
}


def write_tree(root: Path, files: dict[str, str | bytes | Link]) -> DirectoryTree:
    """Write `files` under `root` (created if needed) and return a tree over it."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Link):
            os.symlink(content.target, target)
        elif isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(_t(content), encoding="utf-8")
    return DirectoryTree(root)


def project_tree(root: Path, files: dict[str, str | bytes | Link] | None = None) -> DirectoryTree:
    """The default project plus `files` (which may replace default files)."""
    return write_tree(root, {**DEFAULT_PROJECT, **(files or {})})


def comp_file(name: str) -> str:
    """The conventional dedicated file of component `name`."""
    return f"base/comps/{name}/{name}.comp.toml"


def load(root: Path, files: dict[str, str | bytes | Link] | None = None) -> tuple[Project, DirectoryTree]:
    tree = project_tree(root, files)
    return load_project(tree), tree


def resolve_all(root: Path, files: dict[str, str | bytes | Link] | None = None) -> dict[str, ResolvedComponent]:
    project, tree = load(root, files)
    return {c.name: c for c in resolve_components(project, tree)}
