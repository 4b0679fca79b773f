import pytest

from audits.rpmspec import spec as spec_module
from audits.rpmspec.identity import spec_identity, split_dependencies
from audits.rpmspec.macrofiles import MacroDefinition, MacroSet

from .engine_support import SANDBOX, identity, macro_set, spec

MAIN = ("Name: demo", "Version: 1.2", "Release: 3%{?dist}", "License: MIT", "Summary: Demo")


def test_main_package_identity_with_dist():
    result = identity(spec(*MAIN, "%description", "d", "%files"))
    assert (result.name, result.version, result.release, result.complete) == ("demo", "1.2", "3.azl4", True)
    assert [p.name for p in result.packages] == ["demo"]


def test_only_packages_with_a_files_section_are_built():
    result = identity(spec(*MAIN, "%package libs", "Summary: L", "%package -n other", "Summary: O",
                           "%description", "d", "%files -n other", "%changelog"))
    assert [p.name for p in result.packages] == ["other"]


def test_subpackages_inherit_version_release_and_license_unless_they_set_their_own():
    result = identity(spec(*MAIN, "%package libs", "Summary: L", "Version: 9", "%files", "%files libs"))
    main, libs = result.packages
    assert (libs.name, libs.version, libs.release, libs.license) == ("demo-libs", "9", "3.azl4", "MIT")


def test_nested_conditionals_and_ifarch_choose_the_branch():
    result = identity(spec(*MAIN, "%if 1", "%ifarch aarch64", "%global v x", "%else", "%if 0", "%global v no",
                           "%elif 2 > 1", "%global v y", "%endif", "%endif", "%endif",
                           "%package -n p-%{v}", "Summary: s", "%files -n p-%{v}"))
    assert [p.name for p in result.packages] == ["p-y"]


def test_bcond_in_the_preamble_drives_conditionals_after_sections():
    result = identity(spec("%bcond docs 1", *MAIN, "%package doc", "Summary: d", "%build", "make \\", "  all",
                           "%if %{with docs}", "%files doc", "%endif", "%files"))
    assert [p.name for p in result.packages] == ["demo", "demo-doc"]


def test_macros_in_script_sections_are_not_expanded_but_globals_are_honoured():
    result = identity(spec(*MAIN, "%build", "%(rm -rf /)", "%global extra more", "%package %{extra}",
                           "Summary: s", "%files %{extra}"))
    assert [p.name for p in result.packages] == ["demo-more"] and result.complete


def test_a_lua_function_defined_in_a_script_section_is_called_by_a_later_condition():
    result = identity(spec(*MAIN, "%install", "%{lua: function big(v) return rpm.vercmp(v, '2') > 0 end}",
                           "%if %{lua: print(big(rpm.expand('%{version}')) and 1 or 0)}", "%package extra",
                           "Summary: e", "%files extra", "%endif", "%files"))
    assert result.complete and [p.name for p in result.packages] == ["demo"]


def test_a_lua_version_comparison_decides_a_condition():
    result = identity(spec(*MAIN, "%if %{lua:print(rpm.vercmp(rpm.expand('%{version}'), '1.3'));} < 0",
                           "%package old", "Summary: o", "%endif", "%files", "%files old"))
    assert result.complete and [p.name for p in result.packages] == ["demo", "demo-old"]


def test_a_define_inside_a_conditional_expansion_in_a_script_section_is_honoured():
    result = identity(spec(*MAIN, "%check", "%{!?_with_check: %define _with_check 0}", "%if %{_with_check}",
                           "%package checked", "Summary: c", "%files checked", "%endif", "%files"))
    assert result.complete and [p.name for p in result.packages] == ["demo"]


def test_the_byte_order_probe_of_a_spec_is_answered_for_both_little_endian_arches():
    probe = "%global little %(/usr/bin/python3 -c \"import sys;print (0 if sys.byteorder=='big' else 1)\")"
    for arch in ("x86_64", "aarch64"):
        result = identity(spec(*MAIN, probe, "%if %{little}", "%package le", "Summary: l", "%files le", "%endif",
                               "%files"), arch=arch)
        assert result.complete and [p.name for p in result.packages] == ["demo", "demo-le"]


PYTHON_MACROS = (  # as python-rpm-macros' macros.python-srpm and macros.python3 define them
    ("__default_python3_version", "3.14"), ("_lib", "lib64"), ("__python3", "/usr/bin/python3"),
    ("__python3_version", "%(RPM_BUILD_ROOT= %{__python3} -Esc \"import sys; "
                          "sys.stdout.write('{0.major}.{0.minor}'.format(sys.version_info))\")"),
)
def python_macros() -> MacroSet:
    base = macro_set()
    return MacroSet(base.definitions + tuple(MacroDefinition(n, b, None, "test") for n, b in PYTHON_MACROS), {}, ())


PYTHON_SPEC = spec(*MAIN, "%if \"%{__python3_version}\" == \"3.14\"", "%package new", "Summary: n", "%files new",
                   "%endif", "%files")


def test_a_spec_asking_the_build_pythons_version_gets_the_repositorys_and_a_note_saying_so():
    result = spec_identity(PYTHON_SPEC, python_macros(), arch="x86_64", sandbox=SANDBOX)
    assert [p.name for p in result.packages] == ["demo", "demo-new"]
    assert any("3.14" in n and "%__default_python3_version" in n for n in result.notes)


def test_the_build_pythons_note_survives_the_cached_expansion_in_the_next_spec():
    macros = python_macros()
    first = spec_identity(PYTHON_SPEC, macros, arch="x86_64", sandbox=SANDBOX)
    second = spec_identity(PYTHON_SPEC, macros, arch="x86_64", sandbox=SANDBOX)
    assert second.complete and second.notes == first.notes != ()


def test_a_spec_not_asking_the_build_python_has_no_note_of_it():
    macros = python_macros()
    spec_identity(PYTHON_SPEC, macros, arch="x86_64", sandbox=SANDBOX)
    assert spec_identity(spec(*MAIN, "%files"), macros, arch="x86_64", sandbox=SANDBOX).notes == ()


def test_the_last_dash_n_of_a_files_header_names_its_package_as_rpms_option_parsing_does():
    result = identity(spec(*MAIN, "%package -n python3-demo", "Summary: p", "%files -n %files -n python3-demo -f list"))
    assert result.complete and [p.name for p in result.packages] == ["python3-demo"]


def test_a_macro_generated_package_is_found():
    result = identity(spec(*MAIN, "%define variant() \\", "%package %1\\", "Summary: v\\", "%{nil}",
                           "%description", "d", "%variant core", "%files core"))
    assert [p.name for p in result.packages] == ["demo-core"]


def test_a_macro_file_macro_that_writes_sections_adds_its_package_from_inside_files():
    extras = "%package -n %{-n*}+extra\nSummary: s\n%description -n %{-n*}+extra\nd\n%files -n %{-n*}+extra\n%ghost /x"
    result = identity(spec(*MAIN, "%description", "d", "%files", "/usr/bin/demo", "%outer -n demo"),
                      writes__n_=extras, outer__n_="%{expand:%{writes -n %{-n*}}}")
    assert [p.name for p in result.packages] == ["demo", "demo+extra"]


def test_a_section_writing_macro_that_fails_and_writes_nothing_leaves_the_packages_unresolved():
    extras = "%package -n %{-n*}+extra\nSummary: s\n%description -n %{-n*}+extra\nd\n%files -n %{-n*}+extra\n%ghost /x"
    result = identity(spec(*MAIN, "%description", "d", "%writes -n demo -E sc", "%files"), writes__n_=extras)
    assert not result.complete
    assert [u.reason for u in result.unresolved] == [
        "%writes may define packages, but: %writes: unknown option -E (options: n:)"]


def test_a_failing_macro_in_a_build_scriptlet_does_not_touch_the_packages():
    result = identity(spec(*MAIN, "%description", "d", "%install", "%writes -E", "%files"),
                      writes__n_="%package x\nSummary: s\n%files x")
    assert result.complete and [p.name for p in result.packages] == ["demo"]


def test_an_unclosed_brace_joins_the_next_line_before_expansion():
    result = identity(spec(*MAIN[:2], "Release: %{expand:4", "}", "%files"))
    assert result.release == "4"


def test_braces_closed_on_later_lines_and_a_trailing_backslash_keep_joining():
    result = identity(spec(*MAIN[:2], "Release: %{expand:%{expand:5", "}}%{?nothing:", "Version: 9}\\",
                           "Version: 8", "Summary: s", "%files"))
    # "Version: 9}" is inside %{?nothing:...}; the backslash brings "Version: 8" into the same buffer
    assert (result.version, result.release, result.packages[0].summary) == ("8", "5", "s")


@pytest.mark.parametrize("line", ["%{expand:4\n", "x %(echo\n", "x %[1 +\n", "a %{b} \\\n", "a }%{b\n", "a %\\\n"])
def test_a_line_rpm_joins_to_the_next_is_never_taken_whole(line):
    assert spec_module._Joiner().add(line)  # the joiner reads on
    assert not spec_module._WHOLE_LINE.fullmatch(line)


def test_tag_lines_whose_macros_close_on_the_line_are_taken_whole():
    # spec._WHOLE_LINE spares them the joiner, which would end them where they stand
    for line in ("Release: 1%{?dist}\n", "Requires: %{name}%{?_isa} = %{version}-%{release}\n"):
        assert spec_module._WHOLE_LINE.fullmatch(line) and not spec_module._Joiner().add(line)


def test_a_later_buildarch_that_names_the_target_keeps_the_spec_for_that_arch():
    result = identity(spec(*MAIN, "BuildArch: noarch", "BuildArch: x86_64", "%package -n x", "Summary: s",
                           "%files", "%files -n x"))
    assert [(p.name, p.arch) for p in result.packages][1:] == [("x", "x86_64")]  # not read again as noarch


def test_requires_and_provides_are_split_into_dependencies():
    result = identity(spec(*MAIN, "Requires: a, b >= 1.0 perl(X::Y)", "Requires(post): (c or d)",
                           "BuildRequires: gcc", "Provides: demo-api = 1", "%files"))
    package = result.packages[0]
    assert package.requires == ("a", "b >= 1.0", "perl(X::Y)", "(c or d)") and package.provides == ("demo-api = 1",)


def test_split_dependencies_keeps_rich_dependencies_whole():
    assert split_dependencies("(a if b), c") == ["(a if b)", "c"]


def test_exclusive_arch_excludes_other_arches():
    text = spec(*MAIN, "ExclusiveArch: %{?nothing} x86_64", "%files")
    assert identity(text, arch="aarch64").excluded_reason and identity(text, arch="aarch64").packages == ()
    assert not identity(text).excluded_reason


def test_exclude_arch_excludes_that_arch():
    assert identity(spec(*MAIN, "ExcludeArch: x86_64", "%files")).excluded_reason == "ExcludeArch: x86_64"


def test_noarch_specs_are_read_with_target_cpu_noarch():
    result = identity(spec(*MAIN, "BuildArch: noarch", "%ifarch noarch", "Provides: yes", "%endif", "%files"))
    assert result.packages[0].arch == "noarch" and result.packages[0].provides == ("yes",)


def test_an_undefined_macro_in_the_release_is_unresolved_and_named():
    result = identity(spec(*MAIN[:2], "Release: 1.%{kextraversion}", "%files"))
    assert result.release == "" and result.unresolved[0].reason == "release: %{kextraversion} is not defined"


def test_an_include_outside_the_specs_folder_is_never_read():
    result = identity(spec("%include /etc/passwd", *MAIN, "%files"))
    assert not result.complete and "is not read" in result.unresolved[0].reason


def folder_identity(text: str, files: dict[str, str]):
    return spec_identity(text, macro_set(_sourcedir="/src"), arch="x86_64", sandbox=SANDBOX, read_source=files.get)


def test_a_numbered_source_tag_names_its_file_in_the_source_directory():
    result = identity(spec(*MAIN, "Source01: https://example.org/dl/demo.tar.gz#/x.tgz",
                           '%if "%{SOURCE1}" == "/src/x.tgz"', "%package x", "Summary: s",
                           "%endif", "%files", "%files x"), _sourcedir="/src")
    assert [p.name for p in result.packages] == ["demo", "demo-x"]


def test_an_include_of_a_source_file_of_the_specs_folder_is_read_in_place():
    result = folder_identity(spec(*MAIN, "Source1: demo.inc", "%include %{SOURCE1}", "%files", "%files extra"),
                             {"demo.inc": "%package extra\nSummary: e\n"})
    assert result.complete and [p.name for p in result.packages] == ["demo", "demo-extra"]


def test_an_include_of_a_file_the_folder_lacks_is_unresolved():
    result = folder_identity(spec(*MAIN, "Source1: gone.inc", "%include %{SOURCE1}", "%files"), {})
    assert not result.complete and "gone.inc is not read" in result.unresolved[0].reason


def test_an_include_that_includes_itself_stops_and_is_unresolved():
    result = folder_identity(spec(*MAIN, "Source1: loop.inc", "%include %{SOURCE1}", "%files"),
                             {"loop.inc": "%include %{SOURCE1}\n"})
    assert not result.complete and "nested too deeply" in result.unresolved[0].reason


def test_an_exclusive_arch_list_that_did_not_expand_leaves_the_packages_unresolved():
    result = identity(spec(*MAIN, "ExclusiveArch: %{efi}", "%files"))
    assert not result.excluded_reason and result.unresolved[0].reason == "exclusivearch: %{efi} is not defined"


def test_a_section_writing_macro_called_through_expand_in_a_files_list_adds_its_files_section():
    result = identity(spec(*MAIN, "%package core", "Summary: c", "%define core_files() %%files %1", "%files",
                           "%{expand:%core_files core}"))
    assert [p.name for p in result.packages] == ["demo", "demo-core"]


def test_autorelease_without_rpmautospec_block_is_one_with_dist():
    autorelease = "%{?-p:0.}%{lua: print(1)}%{!?-n:%{?dist}}"
    result = identity(spec(*MAIN[:2], "Release: %autorelease", "%files"), autorelease__pn_=autorelease)
    assert result.release == "1.azl4"


def test_exponential_macros_leave_an_unresolved_identity_instead_of_hanging():
    defines = [f"%define m{i} %m{i + 1}%m{i + 1}" for i in range(40)]
    result = identity(spec(*defines, "Name: x%m0", "Version: 1", "Release: 1", "%files"))
    assert not result.complete and "budget" in result.unresolved[0].reason


def test_a_spec_defining_a_model_error_that_expands_without_bound_is_unresolved_not_an_exception():
    # identity expands the go model's error macro after the reading: a spec may define it lazily itself
    defines = [f"%define m{i} %m{i + 1}%m{i + 1}" for i in range(40)]
    result = identity(spec(*defines, "%define __pedigree_gomodel_error %m0", *MAIN, "%files"))
    assert not result.complete and "budget" in result.unresolved[0].reason


def test_a_self_recursive_name_is_unresolved():
    result = identity(spec("%define a %a", "Name: %a", "Version: 1", "Release: 1", "%files"))
    assert result.name == "" and not result.complete


def test_an_unclosed_if_is_unresolved():
    assert not identity(spec(*MAIN, "%if 1", "%files")).complete


def test_a_macro_naming_a_section_writer_only_behind_a_twice_doubled_percent_does_not_write_sections():
    from audits.rpmspec.engine import Entry
    from audits.rpmspec.spec import section_writing

    assert section_writing(Entry("%{expand:echo %%%%subpkg is not used}", "", 0)) == (True, False, frozenset({"expand"}))
    assert section_writing(Entry("%{expand:%%subpkg -n x}", "", 0))[2] == frozenset({"expand", "subpkg"})
    assert section_writing(Entry("%%%subpkg", "", 0))[2] == frozenset({"subpkg"})


@pytest.mark.parametrize("construct", ["%[" + "(" * 200_000 + "1" + ")" * 200_000 + "]", "%{?a:" * 200_000 + "1" + "}" * 200_000])
def test_a_version_nested_two_hundred_thousand_levels_deep_is_unresolved_with_a_reason(construct):
    # compiled (build/compiled), deep recursion would overflow the C stack and kill the process
    result = identity(spec("Name: demo", f"Version: {construct}", "Release: 1", "Summary: s", "License: MIT",
                           "%description", "d", "%files"))
    assert result.version == "" and result.unresolved
