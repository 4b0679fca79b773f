"""Path normalisation, doublestar globbing and safe reads of a repository tree."""

from __future__ import annotations

import pytest

from audits.azldev.tree import DirectoryTree, TreeError, glob, glob_pattern, normalize, read_readable, read_text, resolve

from .builders import Link, write_tree

PATHS = [
    "z.toml",
    "a.toml",
    "ab.toml",
    "b.toml",
    "c.txt",
    "sub/x.toml",
    "sub/deep/y.toml",
    "sub/deep/er/z.toml",
]


# --- normalize ---------------------------------------------------------------


def test_normalize_joins_a_relative_path_onto_its_base_directory():
    assert normalize("comps/x.toml", base="base") == "base/comps/x.toml"


def test_normalize_collapses_dot_segments_and_double_slashes():
    assert normalize("./a//b/./c/../d.toml") == "a/b/d.toml"


def test_normalize_allows_dotdot_that_stays_inside_the_root():
    assert normalize("../shared.toml", base="base/comps") == "base/shared.toml"


def test_normalize_rejects_an_absolute_path():
    with pytest.raises(TreeError, match="absolute"):
        normalize("/etc/passwd")


def test_normalize_rejects_a_windows_drive_path():
    with pytest.raises(TreeError, match="absolute or non-POSIX"):
        normalize("C:/x.toml")


@pytest.mark.parametrize(("path", "base"), [("../x.toml", ""), ("../../x.toml", "base"), ("a/../../x", ""), ("..", "")])
def test_normalize_rejects_dotdot_that_escapes_the_root(path, base):
    with pytest.raises(TreeError, match="escapes the repository root"):
        normalize(path, base=base)


def test_normalize_rejects_a_nul_byte():
    with pytest.raises(TreeError, match="NUL"):
        normalize("a\x00b.toml")


def test_normalize_rejects_a_backslash_path():
    with pytest.raises(TreeError, match="non-POSIX"):
        normalize("base\\comps.toml")


# --- glob --------------------------------------------------------------------


def test_star_does_not_cross_a_slash():
    assert glob(PATHS, "*.toml") == ["a.toml", "ab.toml", "b.toml", "z.toml"]


def test_doublestar_matches_zero_or_more_directories():
    assert glob(PATHS, "**/*.toml") == sorted(p for p in PATHS if p.endswith(".toml"))


def test_doublestar_in_the_middle_matches_zero_directories():
    assert glob(PATHS, "sub/**/y.toml") == ["sub/deep/y.toml"]
    assert glob(PATHS, "sub/**/x.toml") == ["sub/x.toml"]


def test_trailing_doublestar_matches_everything_below_a_directory():
    assert glob(PATHS, "sub/deep/**") == ["sub/deep/er/z.toml", "sub/deep/y.toml"]


def test_doublestar_inside_a_segment_acts_like_a_single_star():
    assert glob(PATHS, "sub/**.toml") == ["sub/x.toml"]


def test_question_mark_matches_exactly_one_character_but_not_a_slash():
    assert glob(PATHS, "?.toml") == ["a.toml", "b.toml", "z.toml"]
    assert not glob_pattern("sub?x.toml").match("sub/x.toml")


def test_character_class_matches_listed_characters():
    assert glob(PATHS, "[ab].toml") == ["a.toml", "b.toml"]


def test_negated_character_class_excludes_listed_characters():
    assert glob(PATHS, "[!ab].toml") == ["z.toml"]


def test_character_range_matches_the_range():
    assert glob(PATHS, "[a-c].*") == ["a.toml", "b.toml", "c.txt"]


def test_unclosed_bracket_is_a_bad_pattern_as_in_doublestar():
    with pytest.raises(TreeError, match="unterminated"):
        glob(["[x.toml", "x.toml"], "[x.toml")


def test_braces_give_alternatives_as_in_doublestar():
    assert glob(["a.toml", "b.toml", "c.toml"], "{a,c}.toml") == ["a.toml", "c.toml"]


def test_glob_is_relative_to_its_base_directory():
    assert glob(PATHS, "*.toml", base="sub") == ["sub/x.toml"]


def test_glob_results_are_sorted_whatever_the_input_order():
    assert glob(reversed(PATHS), "**/*.toml") == glob(PATHS, "**/*.toml") == sorted(glob(PATHS, "**/*.toml"))


def test_glob_escaping_the_root_is_refused():
    with pytest.raises(TreeError, match="escapes"):
        glob(PATHS, "../*.toml")


# --- DirectoryTree, resolve, read_text ---------------------------------------


def test_directory_tree_ignores_the_git_directory(tmp_path):
    tree = write_tree(tmp_path, {".git/config": "[core]\n", "a.toml": ""})
    assert list(tree.entries()) == ["a.toml"]


def test_read_text_follows_a_symlink_inside_the_repository(tmp_path):
    tree = write_tree(tmp_path, {"real/a.toml": "x = 1\n", "links/a.toml": Link("../real/a.toml")})
    assert resolve(tree, "links/a.toml") == "real/a.toml"
    assert read_text(tree, "links/a.toml") == "x = 1\n"


def test_symlink_to_an_absolute_path_outside_the_repository_is_refused(tmp_path):
    tree = write_tree(tmp_path, {"passwd.toml": Link("/etc/passwd")})
    with pytest.raises(TreeError, match="symlink points outside the repository: passwd.toml -> /etc/passwd"):
        read_text(tree, "passwd.toml")


def test_symlink_climbing_out_of_the_repository_is_refused(tmp_path):
    tree = write_tree(tmp_path / "repo", {"sub/x.toml": Link("../../x")})
    (tmp_path / "x").write_text("secret")
    with pytest.raises(TreeError, match="symlink points outside the repository"):
        read_text(tree, "sub/x.toml")


def test_a_symlink_loop_is_refused(tmp_path):
    tree = write_tree(tmp_path, {"a.toml": Link("b.toml"), "b.toml": Link("a.toml")})
    with pytest.raises(TreeError, match="too many levels of symlinks"):
        read_text(tree, "a.toml")


def test_read_bytes_never_reads_through_a_symlink(tmp_path):
    tree = write_tree(tmp_path, {"a.toml": "x = 1\n", "b.toml": Link("a.toml")})
    with pytest.raises(TreeError, match="symlinks are not followed"):
        tree.read_bytes("b.toml")


def test_read_text_of_a_missing_file_names_it(tmp_path):
    tree = write_tree(tmp_path, {"a.toml": ""})
    with pytest.raises(TreeError, match="no such file in the repository: nope.toml"):
        read_text(tree, "nope.toml")


def test_invalid_utf8_is_refused_with_the_path_and_byte_offset(tmp_path):
    tree = write_tree(tmp_path, {"bad.toml": b"name = \"caf\xe9\"\n"})
    with pytest.raises(TreeError, match=r"bad.toml: not valid UTF-8 \(byte 11\)"):
        read_text(tree, "bad.toml")


def test_batch_read_returns_readable_files_and_leaves_out_symlinks_and_oversized_ones(tmp_path):
    write_tree(tmp_path, {"a.spec": "small", "big.spec": "x" * 100, "link.spec": Link("a.spec")})
    tree = DirectoryTree(tmp_path, max_file_bytes=50)
    assert read_readable(tree, ["a.spec", "big.spec", "link.spec"]) == {"a.spec": b"small"}


def test_a_file_left_out_of_a_batch_read_still_explains_itself_when_read_alone(tmp_path):
    write_tree(tmp_path, {"big.spec": "x" * 100})
    tree = DirectoryTree(tmp_path, max_file_bytes=50)
    assert read_readable(tree, ["big.spec"]) == {}
    with pytest.raises(TreeError, match="size limit"):
        tree.read_bytes("big.spec")
