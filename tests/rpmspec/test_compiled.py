"""The compiled expansion (scripts/compile_expansion.py, audits/rpmspec/__init__.py): used only while built from
the current sources, and the same identities as the pure-Python modules it is compiled from."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys

import pytest

from audits import rpmspec
from audits.rpmspec import engine
from tests.support.corpus import CUT_COMMIT, PROJECT_ROOT, bundle_path
from tests.support.expansion_sample import sample_identities

from .engine_support import identity, spec

REQUIRED = os.environ.get("PEDIGREE_REQUIRE_COMPILED") == "1"  # .ci/run: the suite runs the compiled expansion


def compiled_in_use() -> bool:
    return engine.__file__ is not None and not engine.__file__.endswith(".py")


@pytest.fixture
def build(tmp_path, monkeypatch):
    monkeypatch.setattr(rpmspec, "BUILD", tmp_path)
    monkeypatch.delenv("PEDIGREE_PURE_PYTHON", raising=False)
    return tmp_path


def test_a_build_of_the_current_sources_is_used(build):
    (build / rpmspec.MANIFEST).write_text(json.dumps(rpmspec.source_hashes()))
    assert rpmspec.compiled_modules() == build / "audits" / "rpmspec"


def test_a_build_of_another_version_of_one_source_is_not_used(build):
    hashes = rpmspec.source_hashes()
    (build / rpmspec.MANIFEST).write_text(json.dumps(hashes | {"engine": "0" * 64}))
    assert rpmspec.compiled_modules() is None


def test_no_build_means_pure_python(build):
    assert rpmspec.compiled_modules() is None


def test_pure_python_can_be_asked_for(build, monkeypatch):
    (build / rpmspec.MANIFEST).write_text(json.dumps(rpmspec.source_hashes()))
    monkeypatch.setenv("PEDIGREE_PURE_PYTHON", "1")
    assert rpmspec.compiled_modules() is None


def test_the_suite_runs_the_compiled_expansion_where_it_is_required():
    if not REQUIRED:
        pytest.skip("PEDIGREE_REQUIRE_COMPILED is not set (only .ci/run requires scripts/compile_expansion.py)")
    assert compiled_in_use(), f"{engine.__file__}: run scripts/compile_expansion.py"


@pytest.mark.corpus
def test_the_compiled_expansion_gives_every_sampled_corpus_spec_the_pure_python_identities():
    if not compiled_in_use():
        if REQUIRED:
            pytest.fail("the compiled expansion is required and not in use")
        pytest.skip("the expansion is not compiled here: nothing to compare")
    bundle = str(bundle_path())
    compiled = sample_identities(bundle, CUT_COMMIT, 7)
    pure = subprocess.run(
        [sys.executable, "-m", "tests.support.expansion_sample", bundle, CUT_COMMIT, "7"], cwd=PROJECT_ROOT,
        env={**os.environ, "PEDIGREE_PURE_PYTHON": "1"}, capture_output=True, text=True, check=True,
    )
    assert len(compiled) > 1000 and json.loads(pure.stdout) == compiled


def test_an_identity_survives_pickling_as_a_process_pools_answer():
    found = identity(spec("Name: demo", "Version: 1", "Release: %{nope}", "Summary: s", "License: MIT",
                          "Requires: libfoo", "%description", "d", "%files"))
    assert found.packages and found.unresolved  # a binary identity and an unresolved reason go through too
    assert pickle.loads(pickle.dumps(found)) == found
