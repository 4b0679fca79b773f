"""The overlay engine on small synthetic specs: one behaviour per test, every failure rule."""

from __future__ import annotations

import gzip
import io
import lzma
import tarfile
import time

import pytest

from audits.azldev.overlays import (
    CHECK_SKIP_PREFIX, HEADER_LINES, MACROS_LOAD_COMMENT, ApplyResult, OverlayError, ReleaseError, apply_overlays,
    bump_release, macros_file_text, render_build_options, render_spec,
)  # fmt: skip
from audits.azldev.resolve import Overlay
from audits.azldev.globs import glob_match
from audits.azldev.re2 import RegexError, Re2Pattern, translate_re2

SPEC = """\
Name:           demo
Version:        1.0
Release:        3%{?dist}
Summary:        Demo package
License:        MIT
Source0:        demo-1.0.tar.gz
Source1:        demo.conf
Patch0:         fix-build.patch
BuildRequires:  gcc
BuildRequires:  make
Requires:       bash

%description
Demo.

%package devel
Summary:        Development files
Requires:       %{name} = %{version}-%{release}

%description devel
Headers.

%package -n python3-demo
Summary:        Python bindings

%description -n python3-demo
Bindings.

%prep
%autosetup -p1

%build
%configure --enable-foo
%make_build

%install
%make_install
install -m 644 demo.conf %{buildroot}/etc/demo.conf

%check
make check

%files
%license LICENSE
%{_bindir}/demo

%files devel
%{_includedir}/demo.h

%files -n python3-demo
%{python3_sitelib}/demo

%changelog
* Mon Jan 05 2026 Someone <someone@example.com> - 1.0-3
- Initial
"""


def apply(spec: str, *overlays: dict, **kwargs) -> ApplyResult:
    return apply_overlays(spec, list(overlays), **kwargs)


def spec_after(spec: str, *overlays: dict, **kwargs) -> str:
    return apply(spec, *overlays, **kwargs).spec_text


def lines(text: str) -> list[str]:
    return text.split("\n")


def section_body(text: str, header: str) -> list[str]:
    """Lines after ``header`` up to the next line starting with '%' in column 0 that is a header."""
    out, inside = [], False
    for line in text.split("\n"):
        if line == header:
            inside = True
            continue
        if inside and line.startswith(("%package", "%description", "%files", "%prep", "%build", "%install", "%check", "%changelog")):
            break
        if inside:
            out.append(line)
    return out


def fails(spec: str, *overlays: dict, match: str, **kwargs) -> OverlayError:
    with pytest.raises(OverlayError, match=match) as info:
        apply(spec, *overlays, **kwargs)
    return info.value


# --------------------------------------------------------------------------- spec-add-tag


def test_add_tag_lands_at_the_end_of_the_main_preamble_after_its_trailing_blank_line():
    out = lines(spec_after(SPEC, {"type": "spec-add-tag", "tag": "BuildRequires", "value": "python3"}))
    i = out.index("%description")
    assert out[i - 2 : i] == ["", "BuildRequires: python3"]


def test_add_tag_to_a_subpackage_lands_at_the_end_of_its_package_section():
    out = lines(spec_after(SPEC, {"type": "spec-add-tag", "tag": "Provides", "value": "demo-headers", "package": "devel"}))
    i = out.index("%description devel")
    assert out[i - 1] == "Provides: demo-headers"


def test_add_tag_fails_when_the_identical_tag_already_exists():
    fails(SPEC, {"type": "spec-add-tag", "tag": "buildrequires", "value": "gcc"}, match="already exists")


def test_add_tag_accepts_another_value_of_a_repeatable_tag():
    assert "BuildRequires: cmake" in spec_after(SPEC, {"type": "spec-add-tag", "tag": "BuildRequires", "value": "cmake"})


def test_add_tag_without_strict_adds_a_duplicate_like_azldev_does():
    out = spec_after(SPEC, {"type": "spec-add-tag", "tag": "BuildRequires", "value": "gcc"}, strict=False)
    assert out.count("BuildRequires: gcc") == 1 and "BuildRequires:  gcc" in out


def test_add_tag_fails_for_a_subpackage_that_does_not_exist():
    fails(SPEC, {"type": "spec-add-tag", "tag": "Requires", "value": "x", "package": "nope"}, match="not found")


# --------------------------------------------------------------------------- spec-insert-tag


def test_insert_tag_goes_after_the_last_tag_of_its_family():
    out = lines(spec_after(SPEC, {"type": "spec-insert-tag", "tag": "Source9999", "value": "extra.macros"}))
    assert out[out.index("Source1:        demo.conf") + 1] == "Source9999: extra.macros"


def test_insert_tag_family_ignores_case_and_trailing_digits():
    out = lines(spec_after(SPEC, {"type": "spec-insert-tag", "tag": "BUILDREQUIRES", "value": "cmake"}))
    assert out[out.index("BuildRequires:  make") + 1] == "BUILDREQUIRES: cmake"


def test_insert_tag_without_a_family_member_goes_after_the_last_tag():
    out = lines(spec_after(SPEC, {"type": "spec-insert-tag", "tag": "Vendor", "value": "Microsoft"}))
    assert out[out.index("Requires:       bash") + 1] == "Vendor: Microsoft"


def test_insert_tag_moves_past_the_conditional_that_holds_the_last_family_tag():
    spec = SPEC.replace("Source1:        demo.conf\n", "%if 0%{?fedora}\nSource1:        demo.conf\n%endif\n")
    out = lines(spec_after(spec, {"type": "spec-insert-tag", "tag": "Source9999", "value": "m"}))
    i = out.index("Source1:        demo.conf")
    assert out[i + 1 : i + 3] == ["%endif", "Source9999: m"]


def test_insert_tag_into_a_package_without_tags_appends_at_its_end():
    spec = SPEC.replace("%package -n python3-demo\nSummary:        Python bindings\n", "%package -n python3-demo\n")
    out = lines(spec_after(spec, {"type": "spec-insert-tag", "tag": "Summary", "value": "Py", "package": "python3-demo"}))
    assert out[out.index("%description -n python3-demo") - 1] == "Summary: Py"


def test_insert_tag_fails_for_a_subpackage_that_does_not_exist():
    fails(SPEC, {"type": "spec-insert-tag", "tag": "Requires", "value": "x", "package": "ghost"}, match="not found")


# --------------------------------------------------------------------------- spec-set-tag / spec-update-tag


def test_set_tag_replaces_the_value_and_writes_the_line_as_tag_colon_value():
    out = spec_after(SPEC, {"type": "spec-set-tag", "tag": "Version", "value": "2.0"})
    assert "Version: 2.0\n" in out and "Version:        1.0" not in out


def test_set_tag_adds_the_tag_when_it_is_missing():
    out = lines(spec_after(SPEC, {"type": "spec-set-tag", "tag": "Vendor", "value": "Microsoft"}))
    assert out[out.index("%description") - 1] == "Vendor: Microsoft"


def test_set_tag_matches_the_tag_name_case_insensitively_and_keeps_the_overlay_spelling():
    assert "VERSION: 2.0\n" in spec_after(SPEC, {"type": "spec-set-tag", "tag": "VERSION", "value": "2.0"})


def test_set_tag_fails_for_a_subpackage_that_does_not_exist():
    fails(SPEC, {"type": "spec-set-tag", "tag": "Summary", "value": "x", "package": "ghost"}, match="not found")


def test_update_tag_rewrites_every_occurrence_in_the_package():
    out = spec_after(SPEC, {"type": "spec-update-tag", "tag": "BuildRequires", "value": "clang"})
    assert out.count("BuildRequires: clang\n") == 2 and "gcc" not in out


def test_update_tag_only_touches_the_targeted_subpackage():
    out = spec_after(SPEC, {"type": "spec-update-tag", "tag": "Summary", "value": "Headers", "package": "devel"})
    assert "Summary: Headers\n" in out and "Summary:        Demo package" in out


def test_update_tag_fails_when_the_tag_is_missing():
    fails(SPEC, {"type": "spec-update-tag", "tag": "Vendor", "value": "x"}, match="not found")


# --------------------------------------------------------------------------- spec-remove-tag


def test_remove_tag_without_a_value_removes_every_occurrence():
    assert "BuildRequires" not in spec_after(SPEC, {"type": "spec-remove-tag", "tag": "BuildRequires"})


def test_remove_tag_with_a_value_removes_only_that_value():
    out = spec_after(SPEC, {"type": "spec-remove-tag", "tag": "BuildRequires", "value": "make"})
    assert "BuildRequires:  gcc" in out and "BuildRequires:  make" not in out


def test_remove_tag_value_match_ignores_case():
    assert "BuildRequires:  gcc" not in spec_after(SPEC, {"type": "spec-remove-tag", "tag": "BuildRequires", "value": "GCC"})


def test_remove_tag_fails_when_no_tag_has_that_value():
    fails(SPEC, {"type": "spec-remove-tag", "tag": "BuildRequires", "value": "rust"}, match="not found")


def test_remove_tag_in_a_subpackage_leaves_the_main_package_alone():
    out = spec_after(SPEC, {"type": "spec-remove-tag", "tag": "Requires", "package": "devel"})
    assert "Requires:       bash" in out and "%{name} = %{version}" not in out


# --------------------------------------------------------------------------- spec-prepend-lines / spec-append-lines


def test_prepend_lines_go_right_after_the_section_header():
    out = spec_after(SPEC, {"type": "spec-prepend-lines", "section": "%build", "lines": ["export CFLAGS=-O1"]})
    assert section_body(out, "%build")[:2] == ["export CFLAGS=-O1", "%configure --enable-foo"]


def test_prepend_lines_without_a_section_go_to_the_top_of_the_file():
    assert spec_after(SPEC, {"type": "spec-prepend-lines", "lines": ["# banner"]}).startswith("# banner\nName:")


def test_prepend_lines_reach_a_subpackage_section_in_dash_n_form():
    out = spec_after(SPEC, {"type": "spec-prepend-lines", "section": "%files", "package": "python3-demo", "lines": ["%doc README"]})
    assert section_body(out, "%files -n python3-demo")[0] == "%doc README"


def test_prepend_lines_fail_when_the_section_is_missing():
    fails(SPEC, {"type": "spec-prepend-lines", "section": "%generate_buildrequires", "lines": ["x"]}, match="not found")


def test_prepend_lines_with_a_package_but_no_section_are_refused():
    fails(SPEC, {"type": "spec-prepend-lines", "package": "devel", "lines": ["x"]}, match="needs a 'section'")


def test_append_lines_land_after_the_trailing_blank_line_right_before_the_next_section():
    out = lines(spec_after(SPEC, {"type": "spec-append-lines", "section": "%files", "lines": ["%{_datadir}/demo"]}))
    assert out[out.index("%files devel") - 3 : out.index("%files devel")] == ["%{_bindir}/demo", "", "%{_datadir}/demo"]


def test_append_lines_without_a_section_go_to_the_end_of_the_file():
    assert spec_after(SPEC, {"type": "spec-append-lines", "lines": ["%global azl 1"]}).endswith("- Initial\n%global azl 1\n")


def test_append_lines_reach_a_subpackage_section_in_suffix_form():
    out = spec_after(SPEC, {"type": "spec-append-lines", "section": "%files", "package": "devel", "lines": ["%{_libdir}/libdemo.so"]})
    assert section_body(out, "%files devel")[-1] == "%{_libdir}/libdemo.so"


def test_append_lines_reach_every_section_with_that_identity():
    spec = SPEC.replace("%check\nmake check\n", "%if 0%{?x}\n%check\nmake check\n%else\n%check\nmake test\n%endif\n")
    out = spec_after(spec, {"type": "spec-append-lines", "section": "%check", "lines": ["true"]})
    assert out.count("true\n") == 2


def test_append_lines_fail_when_the_section_is_missing():
    fails(SPEC, {"type": "spec-append-lines", "section": "%pretrans", "lines": ["x"]}, match="not found")


def test_section_names_match_exactly_as_written():
    fails(SPEC, {"type": "spec-append-lines", "section": "%Build", "lines": ["x"]}, match="not found")


def test_an_indented_section_header_still_starts_a_section():
    spec = SPEC.replace("%check\n", "  %check\n")
    out = spec_after(spec, {"type": "spec-prepend-lines", "section": "%check", "lines": ["exit 0"]})
    assert "  %check\nexit 0\nmake check" in out


# --------------------------------------------------------------------------- spec-search-replace


def test_search_replace_uses_the_replacement_literally_without_expanding_groups():
    out = spec_after(SPEC, {"type": "spec-search-replace", "regex": "--enable-(foo)", "replacement": "--disable-$1 ${1} \\1"})
    assert "%configure --disable-$1 ${1} \\1\n" in out


def test_search_replace_is_scoped_to_the_named_section():
    spec = SPEC.replace("%make_install\n", "%make_install\n%make_build\n")
    out = spec_after(spec, {"type": "spec-search-replace", "section": "%install", "regex": "%make_build", "replacement": ": skipped"})
    assert section_body(out, "%build")[1] == "%make_build" and ": skipped" in section_body(out, "%install")


def test_search_replace_without_a_package_covers_that_section_in_every_package():
    out = spec_after(SPEC, {"type": "spec-search-replace", "section": "%files", "regex": "^%", "replacement": "#%"})
    assert section_body(out, "%files devel") == ["#%{_includedir}/demo.h", ""]
    assert section_body(out, "%files")[0] == "#%license LICENSE"


def test_search_replace_with_a_package_only_touches_that_subpackage():
    out = spec_after(SPEC, {"type": "spec-search-replace", "section": "%files", "package": "devel", "regex": "^%", "replacement": "#%"})
    assert section_body(out, "%files")[0] == "%license LICENSE" and section_body(out, "%files devel")[0].startswith("#")


def test_search_replace_without_a_section_covers_the_whole_file():
    out = spec_after(SPEC, {"type": "spec-search-replace", "regex": "demo", "replacement": "sample"})
    assert "Name:           sample" in out and "%{_bindir}/sample" in out


def test_search_replace_never_looks_at_section_header_lines():
    # "python3-demo" only occurs on %package/%description/%files header lines.
    fails(SPEC, {"type": "spec-search-replace", "regex": "python3-demo", "replacement": "python3-x"}, match="not found")


def test_search_replace_fails_when_the_regex_matches_nothing():
    fails(SPEC, {"type": "spec-search-replace", "regex": "--enable-bar", "replacement": "x"}, match="not found")


def test_search_replace_fails_when_the_replacement_changes_nothing():
    fails(SPEC, {"type": "spec-search-replace", "regex": "make check", "replacement": "make check"}, match="not found")


def test_search_replace_applies_anchors_to_each_physical_line():
    out = spec_after(SPEC, {"type": "spec-search-replace", "regex": "^%make_build$", "replacement": "%make_build -j1"})
    assert "%make_build -j1\n" in out


def test_search_replace_cannot_match_across_lines():
    fails(SPEC, {"type": "spec-search-replace", "regex": "foo\\n%make", "replacement": "x"}, match="not found")


def test_a_multiline_replacement_becomes_separate_lines_for_the_next_overlay():
    first = {"type": "spec-search-replace", "section": "%build", "regex": "^%make_build$", "replacement": "%make_build\nmake docs"}
    second = {"type": "spec-search-replace", "section": "%build", "regex": "^make docs$", "replacement": "make man"}
    assert section_body(spec_after(SPEC, first, second), "%build")[1:3] == ["%make_build", "make man"]


def test_search_replace_understands_re2_unicode_classes():
    spec = SPEC.replace("Demo.\n", "Démo.\n")
    out = spec_after(spec, {"type": "spec-search-replace", "section": "%description", "regex": "^\\pL+", "replacement": "X"})
    assert section_body(out, "%description")[0] == "X."


def test_a_catastrophic_regex_fails_with_a_timeout_instead_of_hanging():
    spec = SPEC.replace("Demo.\n", "a" * 5000 + "b\n")
    started = time.process_time()  # CPU time: the backtracking burns it; a busy machine (-n 2) adds none
    fails(spec, {"type": "spec-search-replace", "regex": "(a+)+$", "replacement": "x"}, match=r"regex timed out after 1\.0 s")
    assert time.process_time() - started < 2.0


def test_a_regex_feature_re2_lacks_is_refused():
    fails(SPEC, {"type": "spec-search-replace", "regex": "make(?= check)", "replacement": "x"}, match="RE2")


def test_a_backreference_is_refused_like_re2_does():
    with pytest.raises(RegexError, match="backreferences"):
        translate_re2(r"(a)\1")


def test_dollar_without_multiline_matches_only_at_the_very_end_like_re2():
    assert Re2Pattern("foo$").search("foo\n") is None and Re2Pattern("(?m)foo$").search("foo\n") is not None


def test_perl_classes_are_ascii_as_in_re2_while_unicode_classes_are_not():
    assert Re2Pattern(r"\w+").search("héllo").group() == "h" and Re2Pattern(r"\pL+").search("héllo").group() == "héllo"
    assert Re2Pattern(r"[[:alpha:]]+").search("éa").group() == "a" and Re2Pattern(r"[^\d]").search("٣") is not None


def test_inline_flags_apply_to_the_rest_of_their_group_only():
    pattern = Re2Pattern("a(?i)b|c")
    assert pattern.search("aB") and pattern.search("C") and not pattern.search("Ab")


def test_empty_matches_right_after_a_match_are_not_replaced_as_in_go():
    assert Re2Pattern("x*").replace_all_literal("abxd", "-") == "-a-b-d-"


# --------------------------------------------------------------------------- spec-remove-section


def test_remove_section_drops_the_header_and_its_body():
    out = spec_after(SPEC, {"type": "spec-remove-section", "section": "%check"})
    assert "%check" not in out and "make check" not in out


def test_remove_section_of_a_subpackage_leaves_the_main_section():
    out = spec_after(SPEC, {"type": "spec-remove-section", "section": "%files", "package": "devel"})
    assert "%files devel" not in out and "%files\n" in out


def test_remove_section_fails_when_the_section_is_missing():
    fails(SPEC, {"type": "spec-remove-section", "section": "%files", "package": "static"}, match="not found")


def test_remove_section_keeps_the_conditional_that_wraps_it():
    spec = SPEC.replace("%files devel\n%{_includedir}/demo.h\n", "%if 0%{?with_devel}\n%files devel\n%{_includedir}/demo.h\n%endif\n")
    out = spec_after(spec, {"type": "spec-remove-section", "section": "%files", "package": "devel"})
    assert "%if 0%{?with_devel}\n%endif\n" in out


def test_remove_section_keeps_the_next_sections_opening_if():
    spec = SPEC.replace("%files -n python3-demo\n", "%if %{with python}\n%files -n python3-demo\n").replace(
        "%{python3_sitelib}/demo\n", "%{python3_sitelib}/demo\n%endif\n"
    )
    out = spec_after(spec, {"type": "spec-remove-section", "section": "%files", "package": "devel"})
    assert "\n\n%if %{with python}\n%files -n python3-demo" in out


def test_remove_section_refuses_a_conditional_interleaved_with_its_content():
    spec = SPEC.replace("%{_includedir}/demo.h\n", "%if 1\n%{_includedir}/demo.h\n").replace("%{python3_sitelib}/demo\n", "%{python3_sitelib}/demo\n%endif\n")
    fails(spec, {"type": "spec-remove-section", "section": "%files", "package": "devel"}, match="spans into the next section")


def test_remove_section_refuses_an_else_of_an_outer_conditional():
    spec = SPEC.replace("%files devel\n%{_includedir}/demo.h\n", "%if 1\n%{_bindir}/x\n%files devel\n%else\n%{_includedir}/demo.h\n%endif\n")
    fails(spec, {"type": "spec-remove-section", "section": "%files", "package": "devel"}, match="branch directive")


# --------------------------------------------------------------------------- spec-remove-subpackage


def test_remove_subpackage_removes_every_section_of_a_suffix_form_package():
    out = spec_after(SPEC, {"type": "spec-remove-subpackage", "package": "devel"})
    assert "devel" not in out and "%files -n python3-demo" in out


def test_remove_subpackage_removes_every_section_of_a_dash_n_package():
    out = spec_after(SPEC, {"type": "spec-remove-subpackage", "package": "python3-demo"})
    assert "python3-demo" not in out and "%files devel" in out


def test_remove_subpackage_does_not_match_the_other_naming_form():
    fails(SPEC, {"type": "spec-remove-subpackage", "package": "demo-devel"}, match="not found")


def test_remove_subpackage_fails_on_an_unbalanced_conditional_structure():
    spec = SPEC.replace("%build\n", "%if 0%{?fedora}\n%build\n")
    fails(spec, {"type": "spec-remove-subpackage", "package": "devel"}, match="unmatched %if")


def test_remove_subpackage_keeps_a_wrapping_conditional():
    spec = SPEC.replace("%package devel\n", "%if 0%{?with_devel}\n%package devel\n").replace("Headers.\n", "Headers.\n%endif\n")
    assert "%if 0%{?with_devel}\n%endif\n" in spec_after(spec, {"type": "spec-remove-subpackage", "package": "devel"})


# --------------------------------------------------------------------------- patch-add / patch-remove


def test_patch_add_registers_the_next_patch_number_at_the_end_of_the_preamble():
    result = apply(SPEC, {"type": "patch-add", "source": "patches/fix-abi.patch"}, files={}, read_source=lambda p: b"diff")
    out = lines(result.spec_text)
    assert out[out.index("%description") - 1] == "Patch1: fix-abi.patch"


def test_patch_add_counts_unnumbered_patch_tags():
    spec = SPEC.replace("Patch0:         fix-build.patch\n", "Patch: a.patch\nPatch: b.patch\n")
    assert "Patch2: c.patch" in spec_after(spec, {"type": "patch-add", "source": "c.patch"})


def test_patch_add_ignores_macro_numbered_patch_tags():
    spec = SPEC.replace("Patch0:         fix-build.patch\n", "Patch%{n}: a.patch\n")
    assert "Patch0: c.patch" in spec_after(spec, {"type": "patch-add", "source": "c.patch"})


def test_patch_add_appends_to_the_patchlist_when_there_is_one():
    spec = SPEC.replace("Patch0:         fix-build.patch\n", "").replace("%prep\n", "%patchlist\nold.patch\n\n%prep\n")
    out = spec_after(spec, {"type": "patch-add", "source": "new.patch"})
    assert "%patchlist\nold.patch\n\nnew.patch\n%prep" in out and "Patch0" not in out


def test_patch_add_copies_the_source_into_the_files_under_the_file_name():
    overlay = {"type": "patch-add", "source": "p/0001-x.patch", "file": "fix-x.patch"}
    result = apply(SPEC, overlay, files={}, read_source={"p/0001-x.patch": b"diff"}.__getitem__)
    assert result.files == {"fix-x.patch": b"diff"} and "Patch1: fix-x.patch" in result.spec_text


def test_patch_add_fails_when_the_destination_file_exists():
    overlay = {"type": "patch-add", "source": "fix-build.patch"}
    fails(SPEC, overlay, files={"fix-build.patch": b""}, read_source=lambda p: b"", match="already exists")


def test_patch_remove_drops_matching_tags_and_files():
    spec = SPEC.replace("Patch0:         fix-build.patch\n", "Patch0: CVE-1.patch\nPatch1: CVE-2.patch\nPatch2: keep.patch\n")
    result = apply(spec, {"type": "patch-remove", "file": "CVE-*.patch"}, files={"CVE-1.patch": b"", "CVE-2.patch": b"", "keep.patch": b""})
    assert "CVE" not in result.spec_text and result.files == {"keep.patch": b""}


def test_patch_remove_cleans_patchlist_entries():
    spec = SPEC.replace("%prep\n", "%patchlist\nCVE-1.patch\nkeep.patch\n\n%prep\n")
    out = spec_after(spec, {"type": "patch-remove", "file": "CVE-*.patch"})
    assert "%patchlist\nkeep.patch\n" in out


def test_patch_remove_leaves_unnumbered_patch_tags_alone():
    spec = SPEC.replace("Patch0:         fix-build.patch\n", "Patch: fix-build.patch\n")
    fails(spec, {"type": "patch-remove", "file": "fix-build.patch"}, match="no patches matching")


def test_patch_remove_fails_when_no_spec_reference_matches():
    fails(SPEC, {"type": "patch-remove", "file": "CVE-*.patch"}, match="no patches matching")


def test_patch_remove_fails_when_no_file_matches():
    fails(SPEC, {"type": "patch-remove", "file": "fix-build.patch"}, files={}, match="did not match any files")


# --------------------------------------------------------------------------- loose files


FILES = {"demo.conf": b"port=1\n", "conf.d/a.conf": b"x=1\n", "conf.d/b.conf": b"y=2\n", "demo.spec": b"spec", "README": b"r"}


def test_file_prepend_lines_prepend_to_every_matching_file():
    result = apply(SPEC, {"type": "file-prepend-lines", "file": "conf.d/*.conf", "lines": ["# azl", "z=0"]}, files=FILES)
    assert result.files["conf.d/a.conf"] == b"# azl\nz=0\nx=1\n" and result.files["conf.d/b.conf"].startswith(b"# azl\n")


def test_file_prepend_lines_fail_when_nothing_matches():
    fails(SPEC, {"type": "file-prepend-lines", "file": "*.ini", "lines": ["x"]}, files=FILES, match="did not match any files")


def test_file_overlays_never_touch_spec_files():
    result = apply(SPEC, {"type": "file-prepend-lines", "file": "*", "lines": ["#"]}, files=FILES)
    assert result.files["demo.spec"] == b"spec" and result.files["README"] == b"#\nr"


def test_file_search_replace_succeeds_when_one_of_several_files_changes():
    result = apply(SPEC, {"type": "file-search-replace", "file": "**/*.conf", "regex": "y=2", "replacement": "y=3"}, files=FILES)
    assert result.files["conf.d/b.conf"] == b"y=3\n" and result.files["conf.d/a.conf"] == b"x=1\n"


def test_file_search_replace_fails_when_no_file_changes():
    fails(SPEC, {"type": "file-search-replace", "file": "**/*.conf", "regex": "nothing", "replacement": "x"}, files=FILES, match="did not apply")


def test_file_search_replace_keeps_its_replacement_literal():
    result = apply(SPEC, {"type": "file-search-replace", "file": "demo.conf", "regex": "port=(\\d)", "replacement": "port=$1"}, files=FILES)
    assert result.files["demo.conf"] == b"port=$1\n"


def test_file_add_copies_the_source_file():
    result = apply(SPEC, {"type": "file-add", "file": "extra.conf", "source": "files/extra.conf"}, files={}, read_source=lambda p: p.encode())
    assert result.files == {"extra.conf": b"files/extra.conf"}


def test_file_add_reads_the_resolved_repository_path_of_a_loaded_overlay():
    fields = {"type": "file-add", "file": "x.conf", "source": "x.conf"}
    overlay = Overlay(0, "file-add", fields, None, "base/comps/a/a.comp.toml", "component", "base/comps/a/x.conf")
    result = apply_overlays(SPEC, [overlay], files={}, read_source=lambda p: p.encode())
    assert result.files == {"x.conf": b"base/comps/a/x.conf"}


def test_file_add_fails_without_a_way_to_read_its_source():
    fails(SPEC, {"type": "file-add", "file": "x.conf", "source": "x.conf"}, files={}, match="no read_source")


def test_file_add_fails_when_the_destination_exists():
    fails(SPEC, {"type": "file-add", "file": "demo.conf", "source": "s"}, files=FILES, read_source=lambda p: b"", match="already exists")


def test_file_add_refuses_a_spec_file_destination():
    fails(SPEC, {"type": "file-add", "file": "other.spec", "source": "s"}, files={}, read_source=lambda p: b"", match=".spec")


def test_file_remove_removes_every_match():
    result = apply(SPEC, {"type": "file-remove", "file": "conf.d/*"}, files=FILES)
    assert sorted(result.files) == ["README", "demo.conf", "demo.spec"]


def test_file_remove_fails_when_nothing_matches():
    fails(SPEC, {"type": "file-remove", "file": "missing.txt"}, files=FILES, match="did not match any files")


def test_file_rename_keeps_the_file_in_its_directory():
    result = apply(SPEC, {"type": "file-rename", "file": "conf.d/a.conf", "replacement": "c.conf"}, files=FILES)
    assert result.files["conf.d/c.conf"] == b"x=1\n" and "conf.d/a.conf" not in result.files


def test_file_rename_treats_a_name_without_glob_characters_literally_even_with_a_backslash():
    files = {"run-vmblock\\x2dfuse.mount": b"m"}
    result = apply(SPEC, {"type": "file-rename", "file": "run-vmblock\\x2dfuse.mount", "replacement": "run.mount.in"}, files=files)
    assert result.files == {"run.mount.in": b"m"}


def test_file_rename_fails_when_nothing_matches():
    fails(SPEC, {"type": "file-rename", "file": "nope.conf", "replacement": "x"}, files=FILES, match="did not match")


def test_file_rename_refuses_a_path_as_replacement():
    fails(SPEC, {"type": "file-rename", "file": "demo.conf", "replacement": "sub/x.conf"}, files=FILES, match="must be a file name")


def test_file_rename_refuses_a_pattern_that_matches_several_files():
    fails(SPEC, {"type": "file-rename", "file": "conf.d/*.conf", "replacement": "x"}, files=FILES, match="does not support multiple files")


# --------------------------------------------------------------------------- never outside the sources


@pytest.mark.parametrize("pattern", ["../etc/passwd", "/etc/passwd", "conf.d/../../x", "./demo.conf", ""])
def test_file_patterns_that_could_leave_the_sources_are_refused(pattern):
    fails(SPEC, {"type": "file-remove", "file": pattern}, files=FILES, match="relative path|'\\.\\.'|empty|requires")


def test_a_file_add_destination_outside_the_sources_is_refused():
    fails(SPEC, {"type": "file-add", "file": "../x", "source": "s"}, files={}, read_source=lambda p: b"", match="'\\.\\.'")


def test_source_file_names_that_escape_are_refused():
    with pytest.raises(ValueError, match="relative path"):
        apply(SPEC, {"type": "file-remove", "file": "x"}, files={"/etc/passwd": b""})


# --------------------------------------------------------------------------- archives


def make_tar(entries: list[tarfile.TarInfo | tuple[str, bytes]], compression: str = "gz") -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:") as tar:
        for entry in entries:
            if isinstance(entry, tarfile.TarInfo):
                tar.addfile(entry)
            else:
                info = tarfile.TarInfo(entry[0])
                info.size, info.mtime, info.mode = len(entry[1]), 1700000000, 0o640
                tar.addfile(info, io.BytesIO(entry[1]))
    data = raw.getvalue()
    return gzip.compress(data) if compression == "gz" else lzma.compress(data) if compression == "xz" else data


def members(blob: bytes) -> dict[str, tarfile.TarInfo]:
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:*") as tar:
        return {m.name: m for m in tar.getmembers()}


def member_text(blob: bytes, name: str) -> bytes:
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:*") as tar:
        return tar.extractfile(name).read()  # type: ignore[union-attr]


PKG = [("pkg-1.0/README", b"readme"), ("pkg-1.0/vendor/a.js", b"a"), ("pkg-1.0/vendor/b/c.js", b"c"), ("pkg-1.0/src/main.c", b"int fedora;\n")]


def test_archive_file_remove_matches_inside_the_single_top_directory():
    overlay = {"type": "file-remove", "archive": "pkg-1.0.tar.gz", "file": "vendor/**"}
    result = apply(SPEC, overlay, files={"pkg-1.0.tar.gz": make_tar(PKG)})
    names = members(result.files["pkg-1.0.tar.gz"])
    assert "pkg-1.0/README" in names and not any(n.endswith(".js") for n in names) and names["pkg-1.0/vendor"].isdir()


def test_archive_without_a_single_top_directory_uses_the_archive_root():
    blob = make_tar([("README", b"r"), ("src/x.c", b"x")])
    result = apply(SPEC, {"type": "file-remove", "archive": "flat.tar.gz", "file": "src/*.c"}, files={"flat.tar.gz": blob})
    assert "src/x.c" not in members(result.files["flat.tar.gz"])


def test_archive_search_replace_rewrites_member_contents():
    blob = make_tar(PKG)
    overlay = {"type": "file-search-replace", "archive": "pkg-1.0.tar.gz", "file": "src/*.c", "regex": "fedora", "replacement": "azl"}
    result = apply(SPEC, overlay, files={"pkg-1.0.tar.gz": blob})
    assert member_text(result.files["pkg-1.0.tar.gz"], "pkg-1.0/src/main.c") == b"int azl;\n"


def test_archive_search_replace_fails_when_no_member_changes():
    overlay = {"type": "file-search-replace", "archive": "pkg-1.0.tar.gz", "file": "src/*.c", "regex": "debian", "replacement": "x"}
    fails(SPEC, overlay, files={"pkg-1.0.tar.gz": make_tar(PKG)}, match="did not apply")


@pytest.mark.parametrize("compression, magic", [("gz", b"\x1f\x8b"), ("xz", b"\xfd7zXZ\x00"), ("", b"pkg-1.0")])
def test_archive_is_repacked_with_its_original_compression(compression, magic):
    name = {"gz": "p.tar.gz", "xz": "p.tar.xz", "": "p.tar"}[compression]
    result = apply(SPEC, {"type": "file-remove", "archive": name, "file": "README"}, files={name: make_tar(PKG, compression)})
    assert result.files[name].startswith(magic)


def test_repacked_archive_is_deterministic_with_zero_mtime_and_owner():
    result = apply(SPEC, {"type": "file-remove", "archive": "p.tar.gz", "file": "README"}, files={"p.tar.gz": make_tar(PKG)})
    infos = members(result.files["p.tar.gz"])
    # tarfile reports directory names without their trailing "/".
    assert list(infos) == [
        "pkg-1.0", "pkg-1.0/src", "pkg-1.0/src/main.c", "pkg-1.0/vendor", "pkg-1.0/vendor/a.js", "pkg-1.0/vendor/b",
        "pkg-1.0/vendor/b/c.js",
    ]  # fmt: skip
    assert {(i.mtime, i.uid, i.gid, i.uname) for i in infos.values()} == {(0, 0, 0, "")}
    assert infos["pkg-1.0/src/main.c"].mode == 0o640 and infos["pkg-1.0/src"].mode == 0o755


def test_archive_overlay_fails_when_no_member_matches():
    overlay = {"type": "file-remove", "archive": "p.tar.gz", "file": "docs/*"}
    fails(SPEC, overlay, files={"p.tar.gz": make_tar(PKG)}, match="did not match any file in archive")


@pytest.mark.parametrize("name", ["p.zip", "p.tar.bz2"])
def test_archive_formats_azldev_cannot_repack_are_refused(name):
    fails(SPEC, {"type": "file-remove", "archive": name, "file": "README"}, files={name: b"x"}, match="unsupported archive")


def test_a_zstd_archive_is_refused_with_a_clear_reason():
    blob = b"\x28\xb5\x2f\xfd" + b"\0" * 16
    fails(SPEC, {"type": "file-remove", "archive": "p.tar.zst", "file": "README"}, files={"p.tar.zst": blob}, match="zstd")


def test_archive_with_a_hardlink_is_refused():
    link = tarfile.TarInfo("pkg-1.0/link")
    link.type, link.linkname = tarfile.LNKTYPE, "pkg-1.0/README"
    fails(SPEC, {"type": "file-remove", "archive": "p.tar.gz", "file": "README"}, files={"p.tar.gz": make_tar(PKG + [link])}, match="hardlink")


def test_archive_with_a_device_node_is_refused():
    device = tarfile.TarInfo("pkg-1.0/null")
    device.type = tarfile.CHRTYPE
    fails(SPEC, {"type": "file-remove", "archive": "p.tar.gz", "file": "README"}, files={"p.tar.gz": make_tar(PKG + [device])}, match="special")


def test_archive_member_climbing_out_of_the_extraction_directory_is_refused():
    blob = make_tar(PKG + [("pkg-1.0/../../evil", b"x")])
    overlay = {"type": "file-remove", "archive": "p.tar.gz", "file": "README"}
    fails(SPEC, overlay, files={"p.tar.gz": blob}, match="outside the extraction directory")


def test_archive_symlink_pointing_outside_is_refused():
    link = tarfile.TarInfo("pkg-1.0/escape")
    link.type, link.linkname = tarfile.SYMTYPE, "../../etc/passwd"
    fails(SPEC, {"type": "file-remove", "archive": "p.tar.gz", "file": "README"}, files={"p.tar.gz": make_tar(PKG + [link])}, match="resolves outside")


def test_archive_overlay_fails_when_the_archive_is_not_among_the_sources():
    fails(SPEC, {"type": "file-remove", "archive": "p.tar.gz", "file": "README"}, files={}, match="not among")


def test_a_loose_file_overlay_on_an_archive_modified_by_archive_overlays_is_refused():
    fails(
        SPEC,
        {"type": "file-remove", "archive": "p.tar.gz", "file": "README"},
        {"type": "file-rename", "file": "p.tar.gz", "replacement": "q.tar.gz"},
        files={"p.tar.gz": make_tar(PKG)},
        match="also modified by an archive-scoped overlay",
    )


def test_archive_overlays_run_before_the_loose_file_overlays_declared_earlier():
    overlays = [
        {"type": "file-search-replace", "file": "notes.txt", "regex": "a", "replacement": "b"},
        {"type": "file-remove", "archive": "p.tar.gz", "file": "README"},
    ]
    result = apply(SPEC, *overlays, files={"p.tar.gz": make_tar(PKG), "notes.txt": b"a"})
    assert [r.position for r in result.records] == [0, 1] and "README" in result.records[1].detail


# --------------------------------------------------------------------------- engine behaviour


def test_an_error_names_the_overlay_position_type_and_description():
    failing = {"type": "spec-update-tag", "tag": "Nope", "value": "1", "description": "bump it"}
    error = fails(SPEC, {"type": "spec-add-tag", "tag": "X", "value": "1"}, failing, match="overlay 2")
    assert (error.position, error.type, error.description) == (1, "spec-update-tag", "bump it") and "'bump it'" in str(error)


def test_a_failing_overlay_keeps_the_earlier_changes_in_partial():
    failing = {"type": "spec-remove-section", "section": "%nope"}
    error = fails(SPEC, {"type": "spec-add-tag", "tag": "X", "value": "1"}, failing, match="overlay 2")
    assert error.partial is not None and "X: 1" in error.partial.spec_text


def test_records_locate_the_final_lines_each_overlay_wrote():
    result = apply(SPEC, {"type": "spec-prepend-lines", "lines": ["# a", "# b"]}, {"type": "spec-append-lines", "section": "%check", "lines": ["true"]})
    out = lines(result.spec_text)
    assert result.records[0].lines == ((1, 2),)
    (start, end), = result.records[1].lines
    assert start == end and out[start - 1] == "true"


def test_without_files_file_overlays_are_skipped_and_patch_add_edits_only_the_spec():
    result = apply(SPEC, {"type": "file-remove", "file": "x"}, {"type": "patch-add", "source": "n.patch"})
    assert [r.status for r in result.records] == ["skipped", "applied"] and result.files is None
    assert "Patch1: n.patch" in result.spec_text


def test_output_lines_end_with_lf_even_for_crlf_input():
    assert "\r" not in spec_after(SPEC.replace("\n", "\r\n"), {"type": "spec-set-tag", "tag": "Version", "value": "2"})


def test_a_spec_line_longer_than_azldevs_reader_limit_fails():
    fails(SPEC.replace("Demo.\n", "x" * 70000 + "\n"), {"type": "spec-add-tag", "tag": "X", "value": "1"}, match="64 KiB")


def test_an_unknown_overlay_type_fails():
    fails(SPEC, {"type": "spec-frobnicate"}, match="unknown overlay type")


def test_a_missing_required_field_fails():
    fails(SPEC, {"type": "spec-search-replace", "replacement": "x"}, match="requires the 'regex' field")


def test_doublestar_glob_semantics():
    assert glob_match("**/*.c", "a/b/c.c") and glob_match("**/*.c", "c.c") and not glob_match("*.c", "a/c.c")
    assert glob_match("{a,b}/[!x]?.txt", "b/yz.txt") and glob_match("vendor/**", "vendor/a/b")


# --------------------------------------------------------------------------- rendering


def test_check_skip_prepends_the_reason_comment_and_exit_0_to_check():
    out = render_build_options(SPEC, {"check": {"skip": True, "skip_reason": "needs network"}})
    assert section_body(out, "%check")[:4] == [CHECK_SKIP_PREFIX + "needs network", "exit 0", "", "make check"]


def test_check_skip_fails_without_a_check_section():
    with pytest.raises(OverlayError, match="build.check.skip"):
        render_build_options(SPEC.replace("%check\nmake check\n", ""), {"check": {"skip": True, "skip_reason": "x"}})


def test_rendering_puts_the_azldev_header_at_the_very_top():
    out = render_spec(SPEC, [{"type": "spec-prepend-lines", "lines": ["# mine"]}]).spec_text
    assert out.startswith("\n".join(HEADER_LINES) + "\n# mine\nName:")


def test_render_applies_user_overlays_before_the_check_skip_lines():
    overlay = {"type": "spec-prepend-lines", "section": "%check", "lines": ["echo hi"]}
    out = render_spec(SPEC, [overlay], build={"check": {"skip": True, "skip_reason": "r"}}).spec_text
    assert section_body(out, "%check")[:4] == [CHECK_SKIP_PREFIX + "r", "exit 0", "", "echo hi"]


def test_build_macros_add_the_load_line_and_source9999_before_user_overlays():
    overlay = {"type": "spec-insert-tag", "tag": "Source50", "value": "x"}
    result = render_spec(SPEC, [overlay], component_name="demo", build={"with": ["foo"]}, files={})
    out = lines(result.spec_text)
    assert out[3:5] == [MACROS_LOAD_COMMENT, "%{load:%{_sourcedir}/demo.azl.macros}"]
    after_source1 = out.index("Source1:        demo.conf") + 1
    assert out[after_source1 : after_source1 + 2] == ["Source9999: demo.azl.macros", "Source50: x"]
    assert result.files == {"demo.azl.macros": macros_file_text({"with": ["foo"]}).encode()}


def test_macros_file_lists_with_without_and_defines_sorted_minus_undefines():
    text = macros_file_text({"with": ["a"], "without": ["b"], "defines": {"rhel": "11", "x": "1"}, "undefines": ["x"]})
    assert text.splitlines()[2:] == ["%_with_a 1", "%_without_b 1", "%rhel 11"]


def test_release_bump_adds_the_synthetic_commit_count_and_rewrites_the_line():
    assert "Release: 5%{?dist}\n" in bump_release(SPEC, 2)


def test_release_bump_accepts_a_bare_integer():
    assert "Release: 4\n" in bump_release(SPEC.replace("3%{?dist}", "3"), 1)


def test_release_bump_leaves_autorelease_alone_in_auto_mode():
    spec = SPEC.replace("3%{?dist}", "%autorelease")
    assert bump_release(spec, 3) == spec


def test_release_bump_refuses_autorelease_in_static_mode():
    with pytest.raises(ReleaseError, match="autorelease"):
        bump_release(SPEC.replace("3%{?dist}", "%{autorelease}"), 1, "static")


def test_release_bump_refuses_a_non_standard_release():
    with pytest.raises(ReleaseError, match="manual"):
        bump_release(SPEC.replace("3%{?dist}", "0.git%{short}%{?dist}"), 1)


def test_manual_release_is_never_bumped():
    assert bump_release(SPEC, 4, "manual") == SPEC


def test_without_synthetic_commits_the_release_line_is_untouched():
    assert bump_release(SPEC, 0) == SPEC


def test_render_bumps_the_release_after_the_overlays():
    out = render_spec(SPEC, [{"type": "spec-set-tag", "tag": "Release", "value": "7%{?dist}"}], synthetic_commits=1).spec_text
    assert "Release: 8%{?dist}\n" in out
