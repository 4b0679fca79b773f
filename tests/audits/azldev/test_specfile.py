"""Behaviour of the spec parser on small, hand-written specs."""

from __future__ import annotations

import textwrap
import time

import pytest

from audits.azldev.specfile import (
    SourcesEntry,
    SourcesFileError,
    SpecSection,
    expand_macros,
    parse_sources_file,
    parse_spec,
)

SPEC = textwrap.dedent(
    """\
    %global srcname widget
    Name:           python-%{srcname}
    Version:        1.2.3
    Release:        4%{?dist}
    Epoch:          2
    Summary:        A widget for %{name}
    License:        MIT
    URL:            https://example.org/%{srcname}
    Source0:        %{url}/archive/v%{version}.tar.gz
    Source1:        extra.conf
    Patch0:         fix-build.patch
    patch12:        lower-case.patch
    BuildRequires:  python3-devel
    Requires(post): systemd

    %description
    Widgets.
    Note: this looks like a tag but is description text.

    %package devel
    Summary:        Development files for %{name}
    Requires:       %{name}%{?_isa} = %{version}-%{release}

    %description devel
    Headers.

    %package -n python3-%{srcname}
    Summary:        Python 3 bindings

    %description -n python3-%{srcname}
    Bindings.

    %prep
    %autosetup -p1

    %files -n python3-%{srcname} -f %{pyproject_files}
    %license LICENSE

    %files devel
    %doc README

    %post -p /sbin/ldconfig devel

    %changelog
    * Mon Jan 01 2024 Someone <someone@example.org> - 1.2.3-4
    - Initial package
    """
)

AUTOSPEC = textwrap.dedent(
    """\
    ## START: Set by rpmautospec
    ## (rpmautospec version 0.8.4)
    ## RPMAUTOSPEC: autorelease, autochangelog
    %define autorelease(e:s:pb:n) %{?-p:0.}%{lua:
        release_number = 8;
        base_release_number = tonumber(rpm.expand("%{?-b*}%{!?-b:1}"));
        print(release_number + base_release_number - 1);
    }%{?-e:.%{-e*}}%{?-s:.%{-s*}}%{!?-n:%{?dist}}
    ## END: Set by rpmautospec

    Name:    foo
    Version: 1.0
    Release: %autorelease
    Summary: Foo

    %description
    Foo.

    %changelog
    %autochangelog
    """
)

SHA512 = "ab" * 64
MD5 = "0123456789abcdef0123456789abcdef"


def line_of(text: str, exact: str) -> int:
    """1-based number of the first line equal to ``exact``."""
    return text.splitlines().index(exact) + 1


def section(spec_text: str, name: str, package: str | None = None) -> SpecSection:
    return next(s for s in parse_spec(spec_text).sections if (s.name, s.package) == (name, package))


# --------------------------------------------------------------------------- metadata


def test_main_metadata_is_read_raw_from_the_main_preamble():
    spec = parse_spec(SPEC)
    assert (spec.name, spec.version, spec.epoch) == ("python-%{srcname}", "1.2.3", "2")
    assert spec.release == "4%{?dist}"
    assert (spec.license, spec.url) == ("MIT", "https://example.org/%{srcname}")


def test_metadata_is_expanded_with_globals_and_earlier_tags():
    spec = parse_spec(SPEC)
    assert spec.name_expanded == "python-widget"
    assert spec.release_expanded == "4"
    assert spec.summary_expanded == "A widget for python-widget"
    assert spec.url_expanded == "https://example.org/widget"
    assert spec.unexpanded_macros == ()


def test_dnl_comment_lines_of_a_multi_line_license_are_dropped_as_rpm_drops_them():
    spec = parse_spec("Name: foo\nLicense: %{shrink:\n  Apache-2.0 AND\n  %dnl third_party/{a,b}\n  MIT\n}\n")
    assert spec.license_expanded == "Apache-2.0 AND MIT"


def test_metadata_tag_names_are_case_insensitive():
    spec = parse_spec("NAME: foo\nversion: 1\nUrl: https://x.test\nLICENSE: MIT\n")
    assert (spec.name, spec.version, spec.url, spec.license) == ("foo", "1", "https://x.test", "MIT")


def test_first_occurrence_of_a_metadata_tag_wins():
    spec = parse_spec("%if 0%{?epel}\nName: foo-epel\n%else\nName: foo\n%endif\nVersion: 1\n")
    assert spec.name == "foo-epel"


def test_sub_package_summary_does_not_replace_the_main_summary():
    assert parse_spec(SPEC).summary == "A widget for %{name}"


def test_metadata_missing_from_the_main_preamble_is_not_taken_from_a_sub_package():
    spec = parse_spec("Name: foo\n%package devel\nURL: https://devel.test\nEpoch: 1\n")
    assert (spec.url, spec.epoch) == (None, None)


def test_unexpandable_macros_in_metadata_are_reported():
    spec = parse_spec("Name: %{goname}\nVersion: 1\nRelease: %autorelease\n")
    assert spec.name_expanded == "%{goname}"
    assert spec.unexpanded_macros == ("autorelease", "goname")


def test_last_definition_before_the_tag_wins():
    spec = parse_spec("%global ver 1\n%global ver 2\nVersion: %{ver}\n%global ver 3\n")
    assert spec.version_expanded == "2"


def test_missing_metadata_is_none():
    spec = parse_spec("Summary: only a summary\n")
    assert spec.name is None and spec.name_expanded is None and spec.binary_packages == ()


# --------------------------------------------------------------------------- packages and tags


def test_suffix_subpackage_is_named_after_main_package():
    assert "python-widget-devel" in parse_spec(SPEC).binary_packages


def test_dash_n_subpackage_uses_its_own_expanded_name():
    assert "python3-widget" in parse_spec(SPEC).binary_packages


def test_binary_packages_start_with_main_and_are_deduplicated():
    text = "Name: foo\n%package libs\n%if 1\n%package -n foo-libs\n%endif\n%package -n bar\n"
    assert parse_spec(text).binary_packages == ("foo", "foo-libs", "bar")


def test_tags_record_their_package_as_written_and_whether_it_was_absolute():
    owner = {t.value: (t.package, t.absolute) for t in parse_spec(SPEC).tags}
    assert owner["systemd"] == (None, False)
    assert owner["Development files for %{name}"] == ("devel", False)
    assert owner["Python 3 bindings"] == ("python3-%{srcname}", True)


def test_tags_carry_their_line_number():
    tag = next(t for t in parse_spec(SPEC).tags if t.name == "BuildRequires")
    assert tag.line == line_of(SPEC, "BuildRequires:  python3-devel")


def test_sources_and_patches_are_collected_in_order_whatever_the_case():
    spec = parse_spec(SPEC)
    assert [t.name for t in spec.sources] == ["Source0", "Source1"]
    assert [t.value for t in spec.patches] == ["fix-build.patch", "lower-case.patch"]


def test_parenthesised_qualifier_is_part_of_the_tag_name():
    assert any(t.name == "Requires(post)" and t.value == "systemd" for t in parse_spec(SPEC).tags)


def test_description_text_that_looks_like_a_tag_is_not_a_tag():
    assert all(t.name != "Note" for t in parse_spec(SPEC).tags)


def test_tags_in_both_branches_of_a_conditional_are_collected():
    text = "Name: foo\n%ifarch x86_64\nRequires: a\n%else\nRequires: b\n%endif\n"
    assert [t.value for t in parse_spec(text).tags if t.name == "Requires"] == ["a", "b"]


def test_backslash_continuation_joins_the_value_with_a_space_at_the_first_line():
    spec = parse_spec("Name: foo\nBuildRequires: a \\\n    b\nRequires: c\n")
    build_requires, requires = (t for t in spec.tags if t.name != "Name")
    assert (build_requires.value, build_requires.line) == ("a b", 2)
    assert (requires.value, requires.line) == ("c", 4)


def test_a_line_ending_in_an_escaped_backslash_does_not_continue():
    spec = parse_spec("Name: foo\nRequires: a\\\\\nRequires: b\n")
    assert [t.value for t in spec.tags if t.name == "Requires"] == ["a\\\\", "b"]


def test_a_lone_backslash_line_in_the_preamble_is_harmless():
    spec = parse_spec("Name: foo\n\\\n\\\nVersion: 1\n")
    assert (spec.version, spec.tags[-1].line) == ("1", 2)  # continued from line 2


def test_multi_line_expand_definition_yields_no_tags_but_a_usable_macro():
    text = "%global desc %{expand:\nNote: not a tag\n}\nName: foo\nSummary: %{desc}\n"
    spec = parse_spec(text)
    assert [t.name for t in spec.tags] == ["Name", "Summary"]
    assert spec.summary_expanded == "\nNote: not a tag\n"


def test_rpmautospec_lua_body_yields_no_tags():
    assert [t.name for t in parse_spec(AUTOSPEC).tags] == ["Name", "Version", "Release", "Summary"]


def test_parametric_definitions_do_not_become_macros():
    spec = parse_spec("%define pkg(n) lib%1\nName: %{pkg}\n")
    assert spec.name_expanded == "%{pkg}" and spec.unexpanded_macros == ("pkg",)


def test_undefine_removes_a_macro():
    spec = parse_spec("%global suffix -x\n%undefine suffix\nName: foo%{?suffix}\n")
    assert spec.name_expanded == "foo"


def test_definitions_inside_build_sections_still_count():
    text = "Name: foo\n%description\nd\n%global other bar\n%package -n %{other}\n"
    assert parse_spec(text).binary_packages == ("foo", "bar")


def test_crlf_line_endings_are_accepted():
    spec = parse_spec("Name: foo\r\nVersion: 1\r\n\r\n%description\r\nx\r\n")
    assert (spec.name, spec.version, spec.sections[0].start_line) == ("foo", "1", 4)


def test_empty_text_parses_to_an_empty_spec():
    spec = parse_spec("")
    assert spec.tags == () and spec.sections == () and spec.name is None


# --------------------------------------------------------------------------- sections


def test_sections_run_until_the_line_before_the_next_header():
    devel = section(SPEC, "%package", "devel")
    assert devel.start_line == line_of(SPEC, "%package devel")
    assert devel.end_line == line_of(SPEC, "%description devel") - 1


def test_the_last_section_ends_at_the_last_line():
    changelog = section(SPEC, "%changelog")
    assert changelog.end_line == len(SPEC.splitlines())


def test_section_names_are_listed_in_file_order():
    names = [s.name for s in parse_spec(SPEC).sections]
    assert names == [
        "%description", "%package", "%description", "%package", "%description",
        "%prep", "%files", "%files", "%post", "%changelog",
    ]  # fmt: skip


def test_files_section_with_options_names_the_dash_n_package():
    files = section(SPEC, "%files", "python3-%{srcname}")
    assert files.absolute and files.args == "-n python3-%{srcname} -f %{pyproject_files}"


def test_option_arguments_are_not_mistaken_for_the_package():
    post = section(SPEC, "%post", "devel")
    assert (post.absolute, post.args) == (False, "-p /sbin/ldconfig devel")


def test_trigger_conditions_after_double_dash_are_not_a_package():
    trigger = parse_spec("Name: foo\n%triggerun -- bar < 2.0\n/bin/true\n").sections[0]
    assert (trigger.name, trigger.package) == ("%triggerun", None)


def test_conditionals_and_macros_with_section_like_prefixes_do_not_open_sections():
    text = "Name: foo\n%description\nd\n%if 1\n%files_extra\n%endif\n%prep\n"
    assert [s.name for s in parse_spec(text).sections] == ["%description", "%prep"]


def test_an_unbalanced_brace_does_not_swallow_the_next_section():
    text = "Name: foo\n%global broken %{oops\n%package devel\nSummary: devel\n"
    spec = parse_spec(text)
    assert spec.binary_packages == ("foo", "foo-devel")
    assert [t.package for t in spec.tags] == [None, "devel"]


def test_patchlist_and_sourcelist_entries_are_collected():
    text = "Name: foo\n%sourcelist\na.tar.gz\n# comment\n\n%patchlist\n%if 1\nfix.patch\n%endif\n"
    spec = parse_spec(text)
    assert (spec.sourcelist, spec.patchlist) == (("a.tar.gz",), ("fix.patch",))


# --------------------------------------------------------------------------- rpmautospec


def test_autorelease_number_is_read_from_the_rpmautospec_block():
    assert parse_spec(AUTOSPEC).autorelease_number == 8


def test_autorelease_and_autochangelog_usage_are_detected():
    spec = parse_spec(AUTOSPEC)
    assert spec.uses_autorelease and spec.uses_autochangelog


def test_autorelease_used_through_a_macro_is_detected():
    assert parse_spec("%global rel %autorelease -e pre\nName: foo\nRelease: %{rel}\n").uses_autorelease


def test_a_spec_without_rpmautospec_block_has_no_autorelease_number():
    spec = parse_spec(SPEC)
    assert spec.autorelease_number is None
    assert not spec.uses_autorelease and not spec.uses_autochangelog


# --------------------------------------------------------------------------- expansion


def test_expand_handles_bare_and_braced_names():
    assert expand_macros("%name-%{version}", {"name": "foo", "version": "1"}) == ("foo-1", ())


def test_expand_undefined_conditional_is_empty_and_not_reported():
    assert expand_macros("1%{?dist}", {}) == ("1", ())


def test_expand_negated_conditional_uses_its_text_only_when_undefined():
    assert expand_macros("%{!?x:y}", {}) == ("y", ())
    assert expand_macros("%{!?x:y}", {"x": "1"}) == ("", ())


def test_expand_positive_conditional_uses_its_text_only_when_defined():
    assert expand_macros("a%{?pre:~%{pre}}", {"pre": "rc1"}) == ("a~rc1", ())
    assert expand_macros("a%{?pre:~%{pre}}", {}) == ("a", ())


def test_expand_double_percent_is_a_literal_percent():
    assert expand_macros("100%% %%{name}", {"name": "x"}) == ("100% %{name}", ())


def test_expand_undefined_macro_stays_literal_and_is_reported():
    assert expand_macros("%{_libdir}/x", {}) == ("%{_libdir}/x", ("_libdir",))


def test_expand_self_reference_terminates_and_is_reported():
    value, left = expand_macros("%{foo}", {"foo": "%{foo}x"}, max_depth=4)
    assert value == "%{foo}xxxx" and left == ("foo",)


def test_expand_keeps_lua_shell_and_expressions_literal_and_reports_them():
    value, left = expand_macros("%{lua: print(1)}-%(echo hi)-%[1+1]", {})
    assert value == "%{lua: print(1)}-%(echo hi)-%[1+1]"
    assert left == ("expr", "lua", "shell")


def test_expand_output_is_cut_at_max_length():
    macros = {f"m{i}": f"%{{m{i + 1}}}%{{m{i + 1}}}" for i in range(30)} | {"m30": "x"}
    value, _ = expand_macros("%{m0}", macros, max_depth=64, max_length=100)
    assert value == "x" * 100


def test_expand_of_exponentially_many_empty_macros_finishes_quickly():
    macros = {f"m{i}": f"%{{?m{i + 1}}}%{{?m{i + 1}}}" for i in range(40)}
    started = time.perf_counter()
    assert expand_macros("%{m0}", macros, max_depth=64) == ("", ())
    assert time.perf_counter() - started < 2


def test_expand_supports_the_nil_expand_and_shrink_builtins():
    assert expand_macros("a%{nil}b%nil", {}) == ("ab", ())
    assert expand_macros("%{shrink:  MIT\n   AND  %{l} }", {"l": "BSD"}) == ("MIT AND BSD", ())


# --------------------------------------------------------------------------- sources files


def test_modern_sources_lines_are_parsed():
    assert parse_sources_file(f"SHA512 (foo-1.0.tar.gz) = {SHA512}\n") == [
        SourcesEntry("SHA512", "foo-1.0.tar.gz", SHA512)
    ]


def test_legacy_sources_lines_with_32_hex_digits_are_md5():
    assert parse_sources_file(f"{MD5}  foo-1.0.tar.gz\n") == [SourcesEntry("MD5", "foo-1.0.tar.gz", MD5)]


def test_sources_blank_lines_are_ignored_and_digests_lower_cased():
    entries = parse_sources_file(f"\nSHA512 (a) = {SHA512.upper()}\n\n{MD5}  b\n")
    assert [(e.filename, e.digest) for e in entries] == [("a", SHA512), ("b", MD5)]


def test_modern_sources_filenames_may_contain_spaces():
    assert parse_sources_file(f"SHA512 (my file (1).zip) = {SHA512}")[0].filename == "my file (1).zip"


def test_sources_garbage_line_is_rejected_with_its_line_number():
    with pytest.raises(SourcesFileError, match="line 2"):
        parse_sources_file(f"SHA512 (a) = {SHA512}\nnot a sources line\n")


@pytest.mark.parametrize("filename", ["../etc/passwd", "dir/file.tar.gz", ".."])
def test_sources_filenames_that_could_leave_the_directory_are_rejected(filename: str):
    with pytest.raises(SourcesFileError, match="line 1: unsafe filename"):
        parse_sources_file(f"SHA512 ({filename}) = {SHA512}")


def test_legacy_sources_filename_with_a_slash_is_rejected():
    with pytest.raises(SourcesFileError, match="unsafe filename"):
        parse_sources_file(f"{MD5}  sub/x.tar.gz")


def test_sources_digest_of_the_wrong_length_is_rejected():
    with pytest.raises(SourcesFileError, match="line 1: bad SHA512 digest"):
        parse_sources_file(f"SHA512 (a.tar.gz) = {MD5}")


def test_sources_unknown_algorithm_is_rejected():
    with pytest.raises(SourcesFileError, match="line 1"):
        parse_sources_file(f"CRC32 (a.tar.gz) = {SHA512}")
