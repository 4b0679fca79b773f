"""Identities of a sample of the corpus specs, both architectures, as the helpers compute them:
`python -m tests.support.expansion_sample BUNDLE COMMIT STEP` prints them as JSON (every STEP-th spec),
so that a test can compare the compiled expansion with the pure-Python one in another process."""

from __future__ import annotations

import json
import sys
from typing import Callable

from audits.gitsource import fetch
from audits.gittree import GitTree
from audits.identities import ARCHES
from audits.rpmspec.identity import spec_identities
from audits.rpmspec.lua import LuaSandbox
from audits.rpmspec.macrofiles import distribution_macro_paths, load_macro_set
from audits.rpmspec.vercmp import rpmvercmp


def sample_identities(bundle: str, commit: str, step: int) -> dict[str, str]:
    with fetch(bundle, commit, allow_local=True) as checkout, GitTree(checkout.git_dir, commit) as tree:
        entries = tree.entries()
        paths = distribution_macro_paths(entries, "azurelinux")
        macro_sets = {arch: load_macro_set(tree.read_bytes, paths, arch) for arch in ARCHES}
        sandbox = LuaSandbox(macro_sets[ARCHES[0]].lua_modules, vercmp=rpmvercmp)
        specs = sorted(p for p in entries if p.endswith(".spec"))[::step]
        found = {}
        for path, data in tree.read_many(specs):
            found[path] = repr(spec_identities(data.decode("utf-8", "replace"), macro_sets, sandbox=sandbox,
                                               read_source=folder_reader(tree, path)))
        return found


def folder_reader(tree: GitTree, spec_path: str) -> Callable[[str], str | None]:
    """The spec's read_source: a file of its own folder, as the ingest gives one."""
    folder, entries = spec_path.rpartition("/")[0], tree.entries()

    def read_source(name: str) -> str | None:
        sibling = f"{folder}/{name}"
        return tree.read_bytes(sibling).decode("utf-8", "replace") if sibling in entries else None

    return read_source


if __name__ == "__main__":
    json.dump(sample_identities(sys.argv[1], sys.argv[2], int(sys.argv[3])), sys.stdout)
