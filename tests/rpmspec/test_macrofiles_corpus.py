"""The real distribution's macro set, read from the corpus bundle (skipped without the corpus)."""

from __future__ import annotations

import pytest

from audits.gitsource import fetch
from audits.gittree import GitTree
from audits.rpmspec.lua import LuaSandbox
from audits.rpmspec.macrofiles import MacroSet, distribution_macro_paths, load_macro_set
from tests.rpmspec.lua_fake_host import FakeHost
from tests.support.corpus import CUT_COMMIT, bundle_path


@pytest.fixture(scope="module")
def corpus_macros() -> MacroSet:
    with fetch(str(bundle_path()), CUT_COMMIT, allow_local=True) as checkout, GitTree(checkout.git_dir, CUT_COMMIT) as tree:
        paths = distribution_macro_paths(tree.entries(), "azurelinux")
        return load_macro_set(tree.read_bytes, paths, "x86_64")


def latest(macro_set: MacroSet) -> dict[str, str]:
    return {d.name: d.body for d in macro_set.definitions}


def test_the_corpus_macro_set_defines_what_identities_need(corpus_macros):
    macros = latest(corpus_macros)
    assert {"dist", "_target_cpu", "python3_pkgversion", "autorelease"} <= macros.keys()


def test_the_corpus_distcore_is_azl4(corpus_macros):
    assert latest(corpus_macros)["distcore"] == ".azl4"


def test_the_corpus_macro_set_carries_the_fedora_lua_modules(corpus_macros):
    assert {"fedora.common", "fedora.srpm.python"} <= corpus_macros.lua_modules.keys()


def test_every_corpus_macro_file_is_read_without_problems(corpus_macros):
    assert corpus_macros.problems == ()
    assert len(corpus_macros.files) > 40 and len(corpus_macros.definitions) > 500


def test_the_corpus_lua_modules_load_in_the_sandbox(corpus_macros):
    sandbox = LuaSandbox(corpus_macros.lua_modules)
    code = 'local c = require "fedora.common" local p = require "fedora.srpm.python" print(type(c.read), type(p.python_altnames))'
    assert sandbox.run(code, FakeHost()) == "function\tfunction"
