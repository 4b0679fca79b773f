"""Rendered trees of newer azldev hold only the spec and its `sources` file: a file overlay there is
not verifiable in the rendered tree, while a tree that does carry files still shows a missing one as absent."""

from __future__ import annotations

from audits.azldev.presence import (
    ABSENT, NOT_VERIFIABLE, PRESENT, TREE_UNVERIFIABLE, check_presence, spec_and_sources_only, summarise,
)  # fmt: skip

from .test_presence import OVERLAYS, rendered  # noqa: F401  (the rendered synthetic component, a fixture)

BARE_TREE = {"demo.spec", "sources"}
FILE_OVERLAYS = {11: "patch-add", 13: "file-prepend-lines", 14: "file-search-replace", 15: "file-add",
                 16: "file-remove", 17: "file-rename"}


def verdicts_by_position(spec: str, files) -> dict[int, tuple[str, str]]:
    return {v.position: (v.verdict, v.code) for v in check_presence(spec, OVERLAYS, files=files)}


def test_a_directory_of_only_the_spec_and_sources_is_recognised():
    assert spec_and_sources_only({"demo.spec", "sources"}) and spec_and_sources_only({"demo.spec"})


def test_a_directory_with_a_patch_besides_the_spec_is_not_bare():
    assert not spec_and_sources_only({"demo.spec", "sources", "fix.patch"})


def test_a_spec_in_a_subdirectory_counts_as_another_file():
    assert not spec_and_sources_only({"demo.spec", "sub/other.spec"})


def test_loose_file_overlays_in_a_bare_tree_are_not_verifiable_in_the_tree(rendered):  # noqa: F811
    spec, _ = rendered
    found = verdicts_by_position(spec, BARE_TREE)
    assert {p: found[p] for p in FILE_OVERLAYS} == {p: (TREE_UNVERIFIABLE, "spec-and-sources-only") for p in FILE_OVERLAYS}


def test_no_overlay_of_a_bare_tree_is_absent(rendered):  # noqa: F811
    spec, _ = rendered
    assert ABSENT not in {verdict for verdict, _ in verdicts_by_position(spec, BARE_TREE).values()}


def test_spec_effects_in_a_bare_tree_are_still_decided(rendered):  # noqa: F811
    spec, _ = rendered
    found = verdicts_by_position(spec, BARE_TREE)
    spec_positions = [p for p, o in enumerate(OVERLAYS) if o["type"].startswith("spec-") and p != 8]
    assert all(found[p][0] == PRESENT for p in spec_positions + [12])  # 12: patch-remove, judged by the spec


def test_archive_overlays_in_a_bare_tree_keep_their_own_reason(rendered):  # noqa: F811
    spec, _ = rendered
    found = verdicts_by_position(spec, BARE_TREE)
    assert (found[18], found[19]) == ((NOT_VERIFIABLE, "archive-not-available"),) * 2


def test_a_patch_not_registered_in_the_spec_of_a_bare_tree_stays_absent(rendered):  # noqa: F811
    spec, _ = rendered
    overlay = {"type": "patch-add", "source": "patches/never-registered.patch"}
    verdict = check_presence(spec, [overlay], files=BARE_TREE)[0]
    assert (verdict.verdict, verdict.code) == (ABSENT, "patch-not-registered")


def test_a_registered_patch_in_a_bare_tree_keeps_its_spec_line_as_evidence(rendered):  # noqa: F811
    spec, _ = rendered
    verdict = check_presence(spec, OVERLAYS, files=BARE_TREE)[11]
    assert verdict.lines and spec.splitlines()[verdict.lines[0] - 1].endswith("fix-abi.patch")
    assert "holds only the spec and its sources file" in verdict.reason


def test_a_missing_file_stays_absent_where_the_tree_carries_other_files(rendered):  # noqa: F811
    spec, files = rendered
    without = {name for name in files if name != "extra.macros"}
    assert verdicts_by_position(spec, without)[15] == (ABSENT, "file-missing")


def test_a_missing_patch_stays_absent_where_the_tree_carries_other_files(rendered):  # noqa: F811
    spec, files = rendered
    without = {name for name in files if name != "fix-abi.patch"}
    assert verdicts_by_position(spec, without)[11] == (ABSENT, "patch-file-missing")


def test_the_summary_counts_and_names_tree_unverifiable_overlays(rendered):  # noqa: F811
    spec, _ = rendered
    summary = summarise(check_presence(spec, OVERLAYS, files=BARE_TREE))
    assert summary[TREE_UNVERIFIABLE] == len(FILE_OVERLAYS)
    assert summary["reasons"][TREE_UNVERIFIABLE] == {"spec-and-sources-only": len(FILE_OVERLAYS)}
    assert f"{len(FILE_OVERLAYS)} not verifiable in a rendered tree of only the spec and sources" in summary["text"]
