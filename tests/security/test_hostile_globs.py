"""Hostile glob patterns (issue #18.3): a configuration or overlay controls the doublestar patterns
Pedigree matches against every file of a repository, so a pattern must not be able to make matching
take exponential time, and a pattern too large to match cheaply is refused with a clear reason.

The work is asserted with `Glob.measure`, which counts segment comparisons, never with a clock.
Doublestar semantics themselves are pinned in tests/audits/azldev/ (test_tree.py, test_overlays.py).
"""

import pytest

from audits.azldev import globs
from audits.azldev.globs import GlobError, glob_files, glob_match
from audits.azldev.loader import ConfigError, load_project
from tests.audits.azldev.builders import write_tree

NINE_GLOBSTARS = "**/" * 9 + "x.toml"
DEPTH = 60


def deep_tree(depth: int = DEPTH) -> list[str]:
    """d0/x.toml, d0/d1/x.toml, ... and a y.toml beside each: one directory chain `depth` deep."""
    names = []
    for level in range(1, depth + 1):
        directory = "/".join(f"d{i}" for i in range(level))
        names += [f"{directory}/x.toml", f"{directory}/y.toml"]
    return names


def test_nine_globstars_over_a_deep_tree_compare_each_pattern_segment_at_most_once_per_name_segment():
    compiled = globs.compile_glob(NINE_GLOBSTARS)
    for name in deep_tree():
        matched, steps = compiled.measure(name)
        assert matched == name.endswith("/x.toml")
        assert steps <= 10 * (len(name.split("/")) + 1)  # 10 pattern segments


def test_nine_globstars_find_every_match_in_a_deep_tree():
    names = deep_tree()
    assert glob_files(NINE_GLOBSTARS, names) == sorted(n for n in names if n.endswith("/x.toml"))


def test_globstars_that_cannot_match_a_deep_name_cost_at_most_segments_times_depth():
    # Each `**` can stop at any `a`, so a backtracking matcher tries every way of placing them
    # before it finds there is no `b`; the segment matcher reads the name once.
    pattern = "**/a/" * 8 + "**/b/x"
    name = "a/" * 50 + "x"
    matched, steps = globs.compile_glob(pattern).measure(name)
    assert not matched
    assert steps <= len(pattern.split("/")) * (len(name.split("/")) + 1)


def test_many_stars_in_one_segment_match_without_polynomial_backtracking():
    # `*a*a*...*b` against a long run of `a` is polynomial (degree = stars) for a backtracking regex.
    assert not glob_match("*a" * 12 + "*b", "a" * 300)
    assert glob_match("*a" * 12 + "*b", "a" * 300 + "b")


def test_an_include_of_nine_globstars_loads_a_deep_tree(tmp_path):
    files = {name: "" for name in deep_tree(40) if name.endswith("y.toml")}
    files["d0/d1/d2/x.toml"] = "[components.deep]"
    files["azldev.toml"] = f'includes = ["{NINE_GLOBSTARS}"]'
    project = load_project(write_tree(tmp_path, files))
    assert project.files == ["azldev.toml", "d0/d1/d2/x.toml"] and list(project.components) == ["deep"]


def test_a_pattern_of_a_thousand_segments_is_refused_instead_of_matched():
    with pytest.raises(GlobError, match="path segments"):
        glob_match("a/" * 500 + "x", "a/x")


def test_a_pattern_over_the_length_limit_is_refused_naming_its_length():
    pattern = "a" * (globs.MAX_PATTERN_LENGTH + 1)
    with pytest.raises(GlobError, match=f"is {len(pattern)} characters long; the limit is {globs.MAX_PATTERN_LENGTH}"):
        glob_match(pattern, "a")


def test_a_pattern_with_one_segment_too_many_is_refused_and_one_at_the_limit_is_not():
    assert glob_match("a/" * (globs.MAX_SEGMENTS - 1) + "b", "a/" * (globs.MAX_SEGMENTS - 1) + "b")
    with pytest.raises(GlobError, match=f"more than {globs.MAX_SEGMENTS} path segments"):
        glob_match("a/" * globs.MAX_SEGMENTS + "b", "b")


def test_segments_are_counted_over_every_brace_alternative():
    # 8 alternatives of 9 segments each: 72 segments to compare, over the limit of 64
    with pytest.raises(GlobError, match="counting every brace alternative"):
        globs.compile_glob("{a,b}/{a,b}/{a,b}/" + "c/" * 5 + "d")


def test_brace_alternatives_that_multiply_past_the_limit_are_refused():
    with pytest.raises(GlobError, match=f"more than {globs.MAX_ALTERNATIVES} brace alternatives"):
        glob_match("{a,b}" * 20, "ab")


def test_braces_nested_too_deep_are_refused():
    with pytest.raises(GlobError, match="nests braces more than"):
        glob_match("{" * 100 + "a" + "}" * 100, "a")


def test_an_oversized_include_pattern_is_a_configuration_error_naming_the_file_and_key(tmp_path):
    tree = write_tree(tmp_path, {"azldev.toml": 'includes = ["' + "**/" * 100 + '*.toml"]', "a.toml": ""})
    with pytest.raises(ConfigError, match="path segments") as info:
        load_project(tree)
    assert (info.value.file, info.value.key) == ("azldev.toml", "includes")


def test_an_oversized_spec_glob_of_a_component_group_is_a_configuration_error(tmp_path):
    group = '[component-groups.g]\nspecs = ["' + "*/" * 100 + '*.spec"]\n'
    tree = write_tree(tmp_path, {"azldev.toml": group, "a/a.spec": ""})
    with pytest.raises(ConfigError, match="path segments") as info:
        load_project(tree)
    assert info.value.key == "component-groups.g.specs"
