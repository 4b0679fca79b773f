"""macros.dist as the release spec's %install writes it (a here-document expanded by rpm)."""

from __future__ import annotations

from audits.rpmspec.macrogen import generated_macro_file

RELEASE_SPEC = """\
%define dist_version_major 7
%define dist_version %{dist_version_major}.1
%if 0%{?evergreen}
%define dist_version_major 99
%endif
Name: demo-release
%install
install -d %{buildroot}%{_rpmconfigdir}/macros.d
cat >> %{buildroot}%{_rpmconfigdir}/macros.d/macros.dist << EOF
# dist macros.
%%demo                %{dist_version}
%%distcore            .demo%{dist_version_major}
%%dist                %%{?distprefix}%%{distcore}
%%needs_undefined     %{not_defined_anywhere}
%%shell_user          $HOME
EOF
"""


def test_the_here_document_is_expanded_with_the_specs_unconditional_definitions():
    text, _ = generated_macro_file(RELEASE_SPEC, "macros.dist", "x86_64")
    assert "%demo                7.1\n" in text and "%distcore            .demo7\n" in text


def test_double_percent_becomes_a_single_percent_in_the_written_file():
    text, _ = generated_macro_file(RELEASE_SPEC, "macros.dist", "x86_64")
    assert "%dist                %{?distprefix}%{distcore}\n" in text


def test_a_line_needing_an_undefined_macro_is_left_out_and_reported():
    text, problems = generated_macro_file(RELEASE_SPEC, "macros.dist", "x86_64")
    assert "needs_undefined" not in text
    assert any("not_defined_anywhere" in p for p in problems)


def test_a_line_the_shell_would_substitute_is_left_out_and_reported():
    text, problems = generated_macro_file(RELEASE_SPEC, "macros.dist", "x86_64")
    assert "shell_user" not in text and any("shell substitution" in p for p in problems)


def test_a_spec_without_the_here_document_yields_nothing_and_says_so():
    text, problems = generated_macro_file("Name: x\n", "macros.dist", "x86_64")
    assert text.strip() == "" and problems == ["no here-document writes macros.dist."]
