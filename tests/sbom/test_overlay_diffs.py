"""The declared diff of an upstream verification, cut into the change of each overlay."""

import pytest

from audits.azldev.overlays import render_spec
from audits.azldev.verify import DECLARED_ONLY, DRIFT, unified_diff, verify_component
from sbom.services.overlay_diffs import split_declared_diff, unapply

FEDORA = """Name: hello
Version: 2.12
Release: 3%{?dist}
Summary: Says hello
License: GPL-3.0-or-later

%description
Says hello.

%build
make

%files
/usr/bin/hello
"""
REQUIRES = {"type": "spec-add-tag", "tag": "Requires", "value": "coreutils"}
SUMMARY = {"type": "spec-set-tag", "tag": "Summary", "value": "Says hello on Azure Linux"}


def verified(overlays, rendered=None):
    rendered = rendered or render_spec(FEDORA, overlays, component_name="hello").spec_text
    result = verify_component(FEDORA, rendered, overlays, {}, component_name="hello")
    return dict(verdict=result.verdict, declared_diff=result.declared_diff, rendered_spec=rendered,
                overlays=overlays, build={}, component_name="hello", release_calculation="auto")


@pytest.mark.parametrize("old, new", [
    ("a\nb\nc\n", "a\nB\nc\nd\n"),
    ("a\nb", "a\nc"),  # no newline at the end
    ("".join(f"line {i}\n" for i in range(40)), "".join(f"line {i}\n" for i in range(40) if i not in (3, 30))),
    ("", "x\n"),
])
def test_taking_a_diff_back_gives_the_old_text(old, new):
    assert unapply(new, unified_diff(old, new, "old", "new")) == old


def test_a_diff_that_does_not_fit_the_text_is_refused():
    assert unapply("a\nz\nc\n", unified_diff("a\nb\nc\n", "a\nB\nc\n", "old", "new")) is None


def test_each_overlay_gets_its_own_change():
    case = verified([REQUIRES, SUMMARY])
    assert case["verdict"] == DECLARED_ONLY
    requires, summary = split_declared_diff(**case)
    assert "+Requires: coreutils" in requires and "Says hello on Azure Linux" not in requires
    assert "+Summary: Says hello on Azure Linux" in summary and "+Requires" not in summary


def test_a_drifted_component_keeps_the_whole_diff():
    rendered = render_spec(FEDORA, [REQUIRES], component_name="hello").spec_text.replace("make\n", "make -j1\n")
    case = verified([REQUIRES], rendered)
    assert case["verdict"] == DRIFT and split_declared_diff(**case) is None


def test_a_diff_cut_at_its_size_limit_is_not_split():
    case = verified([REQUIRES, SUMMARY])
    case["declared_diff"] += "\n[diff cut at 1048576 characters]\n"
    assert split_declared_diff(**case) is None


def test_overlays_that_do_not_give_the_rendered_spec_again_are_not_split():
    case = verified([REQUIRES, SUMMARY])
    case["overlays"] = [REQUIRES]  # the stored overlays no longer match the verification
    assert split_declared_diff(**case) is None
