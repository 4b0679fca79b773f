"""Classifying a resolved component as intact, pinned, altered, build-customised or local."""

from __future__ import annotations

import pytest

from audits.azldev.classify import (
    ALTERED,
    BUILD_CUSTOMISED,
    HEADLINE_PRECEDENCE,
    INTACT,
    LOCAL,
    PINNED,
    Classification,
    classify,
    default_config,
)
from audits.azldev.resolve import resolve_components

from .builders import SNAPSHOT, comp_file, load

CURL = comp_file("curl")


def classify_all(tmp_path, files) -> dict[str, Classification]:
    project, tree = load(tmp_path, files)
    baseline = default_config(project)
    return {c.name: classify(c, baseline) for c in resolve_components(project, tree)}


def classify_curl(tmp_path, body: str, extra: dict[str, str] | None = None) -> Classification:
    return classify_all(tmp_path, {CURL: body, **(extra or {})})["curl"]


def only_reason(result: Classification):
    assert len(result.reasons) == 1, result.reasons
    return result.reasons[0]


# --- baseline and intact -----------------------------------------------------


def test_default_config_is_the_distro_default_plus_project_defaults(tmp_path):
    project, _ = load(tmp_path, {"base/comps/defaults.comp.toml": '[default-component-config.release]\ncalculation = "static"'})
    assert default_config(project) == {
        "spec": {"type": "upstream", "upstream-distro": {"name": "fedora", "version": "43", "snapshot": SNAPSHOT}},
        "release": {"calculation": "static"},
    }


def test_bare_component_is_intact_with_no_reasons(tmp_path):
    assert classify_curl(tmp_path, "[components.curl]") == Classification(INTACT, ())


def test_explicit_spec_equal_to_the_default_stays_intact(tmp_path):
    result = classify_curl(
        tmp_path, '[components.curl]\nspec = { type = "upstream", upstream-distro = { name = "fedora", version = "43" } }'
    )
    assert result.headline == INTACT


def test_upstream_name_equal_to_the_component_name_stays_intact(tmp_path):
    assert classify_curl(tmp_path, '[components.curl]\nspec = { type = "upstream", upstream-name = "curl" }').headline == INTACT


def test_auto_release_calculation_stays_intact(tmp_path):
    assert classify_curl(tmp_path, '[components.curl.release]\ncalculation = "auto"').headline == INTACT


def test_publish_and_package_settings_do_not_count(tmp_path):
    result = classify_curl(
        tmp_path,
        '[components.curl.publish]\nrpm-channel = "rpm-base"\n[components.curl.packages.curl-devel.publish]\nrpm-channel = "devel"',
    )
    assert result == Classification(INTACT, ())


def test_false_build_flags_stay_intact(tmp_path):
    body = "[components.curl.build]\ncheck = { skip = false }\nhints = { expensive = false }\nemit-upstream-provenance = false"
    assert classify_curl(tmp_path, body).headline == INTACT


def test_build_option_set_by_the_project_default_is_part_of_the_baseline(tmp_path):
    result = classify_all(
        tmp_path, {CURL: "[components.curl]", "base/comps/defaults.comp.toml": '[default-component-config.build]\nwith = ["x"]'}
    )["curl"]
    assert result.headline == INTACT


# --- one reason at a time ----------------------------------------------------


def test_inline_overlays_make_a_component_altered(tmp_path):
    reason = only_reason(
        classify_curl(tmp_path, '[[components.curl.overlays]]\ntype = "spec-remove-subpackage"\npackage = "devel"')
    )
    assert (reason.code, reason.headline, reason.source) == ("overlays", ALTERED, "component")
    assert reason.text == "1 overlay changes the spec or its sources."


def test_overlays_from_overlay_files_name_their_layer(tmp_path):
    doc = '[metadata]\ncategory = "azl-pruning"\nupstream-status = "inapplicable"\n[[overlays]]\ntype = "file-remove"\nfile = "x"'
    result = classify_curl(
        tmp_path, '[components.curl]\noverlay-files = ["o/*.toml"]', {"base/comps/curl/o/0001.toml": doc}
    )
    assert result.headline == ALTERED and only_reason(result).source == "overlay-file"


def test_source_files_make_a_component_altered(tmp_path):
    body = (
        '[[components.curl.source-files]]\nfilename = "a.tar.gz"\nhash = "ab"\nhash-type = "SHA512"\n'
        'origin = { type = "download", uri = "https://x/a.tar.gz" }\nreplace-upstream = true\nreplace-reason = "cve"'
    )
    reason = only_reason(classify_curl(tmp_path, body))
    assert (reason.code, reason.headline) == ("source-files", ALTERED)
    assert reason.text == "1 source file is added (1 replaces an upstream file)."


def test_upstream_commit_pins_a_component(tmp_path):
    reason = only_reason(classify_curl(tmp_path, '[components.curl]\nspec = { type = "upstream", upstream-commit = "a1b2c3d4e5f6789" }'))
    assert (reason.code, reason.headline, reason.source) == ("upstream-commit-pin", PINNED, "component")
    assert "a1b2c3d4e5f6789" in reason.text


def test_rawhide_is_another_upstream_version_and_pins_a_component(tmp_path):
    reason = only_reason(
        classify_curl(tmp_path, '[components.curl]\nspec = { type = "upstream", upstream-distro = { name = "fedora", version = "rawhide" } }')
    )
    assert (reason.code, reason.headline) == ("other-upstream-version", PINNED)
    assert reason.text == "The spec comes from fedora rawhide instead of fedora 43."


def test_snapshot_from_a_group_default_pins_a_component(tmp_path):
    group = (
        '[component-groups.old]\ncomponents = ["curl"]\n[component-groups.old.default-component-config]\n'
        'spec = { type = "upstream", upstream-distro = { name = "fedora", snapshot = "2025-01-01T00:00:00Z" } }'
    )
    reason = only_reason(classify_curl(tmp_path, "[components.curl]", {"base/comps/old.comp.toml": group}))
    assert (reason.code, reason.headline, reason.source) == ("other-snapshot", PINNED, "group:old")
    assert "schema" not in reason.text  # a group's snapshot is what today's azldev allows


def test_a_snapshot_set_on_the_component_pins_it_and_says_the_schema_no_longer_allows_it(tmp_path):
    reason = only_reason(classify_curl(
        tmp_path, '[components.curl]\nspec = { type = "upstream", upstream-distro = { name = "fedora", version = "43", '
        'snapshot = "2025-01-01T00:00:00Z" } }'))
    assert (reason.code, reason.headline, reason.source) == ("other-snapshot", PINNED, "component")
    assert "current azldev schema no longer allows" in reason.text


def test_upstream_name_pins_a_component(tmp_path):
    reason = only_reason(classify_curl(tmp_path, '[components.curl]\nspec = { type = "upstream", upstream-name = "libcurl" }'))
    assert (reason.code, reason.headline) == ("upstream-rename", PINNED)


def test_local_spec_is_local(tmp_path):
    reason = only_reason(classify_curl(tmp_path, '[components.curl]\nspec = { type = "local", path = "curl.spec" }'))
    assert (reason.code, reason.headline) == ("local-spec", LOCAL)
    assert "base/comps/curl/curl.spec" in reason.text


def test_check_skip_from_a_group_is_build_customised_with_the_group_as_source(tmp_path):
    group = (
        '[component-groups.check-skip]\ncomponents = ["curl"]\n[component-groups.check-skip.default-component-config.build]\n'
        'check = { skip = true, skip_reason = "needs network" }'
    )
    reason = only_reason(classify_curl(tmp_path, "[components.curl]", {"base/comps/check-skip.comp.toml": group}))
    assert (reason.code, reason.headline, reason.source) == ("check-skipped", BUILD_CUSTOMISED, "group:check-skip")
    assert reason.text == "%check is skipped: needs network"


@pytest.mark.parametrize(
    ("build", "code"),
    [
        ('with = ["feature"]', "build-with"),
        ('without = ["debug"]', "build-without"),
        ('defines = { rhel = "11" }', "build-defines"),
        ('undefines = ["_lto_cflags"]', "build-undefines"),
        ("emit-upstream-provenance = true", "upstream-provenance-macros"),
        ('failure = { expected = true, expected-reason = "missing dep" }', "expected-build-failure"),
        ("hints = { expensive = true }", "build-hints"),
    ],
)
def test_each_build_option_is_build_customised(tmp_path, build, code):
    reason = only_reason(classify_curl(tmp_path, f"[components.curl.build]\n{build}"))
    assert (reason.code, reason.headline, reason.source) == (code, BUILD_CUSTOMISED, "component")


@pytest.mark.parametrize("calculation", ["manual", "static", "autorelease"])
def test_non_default_release_calculation_is_build_customised(tmp_path, calculation):
    reason = only_reason(classify_curl(tmp_path, f'[components.curl.release]\ncalculation = "{calculation}"'))
    assert (reason.code, reason.headline) == ("release-calculation", BUILD_CUSTOMISED)
    assert reason.text == f"Release numbering is {calculation!r} instead of 'auto'."


def test_render_skip_file_filter_is_build_customised(tmp_path):
    reason = only_reason(classify_curl(tmp_path, "[components.curl.render]\nskip-file-filter = true"))
    assert (reason.code, reason.headline) == ("render-options", BUILD_CUSTOMISED)


def test_build_with_added_to_a_project_default_still_counts(tmp_path):
    result = classify_all(
        tmp_path,
        {CURL: '[components.curl.build]\nwith = ["y"]', "base/comps/defaults.comp.toml": '[default-component-config.build]\nwith = ["x"]'},
    )["curl"]
    reason = only_reason(result)
    assert (reason.code, reason.text, reason.source) == ("build-with", "Built with x, y.", "project+component")


# --- precedence --------------------------------------------------------------


def test_headline_precedence_is_local_altered_pinned_build_customised_intact():
    assert HEADLINE_PRECEDENCE == (LOCAL, ALTERED, PINNED, BUILD_CUSTOMISED, INTACT)


def test_local_outranks_altered(tmp_path):
    body = '[components.curl]\nspec = { type = "local", path = "curl.spec" }\n[[components.curl.overlays]]\ntype = "file-remove"\nfile = "x"'
    result = classify_curl(tmp_path, body)
    assert result.headline == LOCAL and result.codes == ("local-spec", "overlays")


def test_altered_outranks_pinned(tmp_path):
    body = '[components.curl]\nspec = { type = "upstream", upstream-commit = "abcdef0" }\n[[components.curl.overlays]]\ntype = "file-remove"\nfile = "x"'
    result = classify_curl(tmp_path, body)
    assert result.headline == ALTERED and set(result.codes) == {"upstream-commit-pin", "overlays"}


def test_pinned_outranks_build_customised(tmp_path):
    body = '[components.curl]\nspec = { type = "upstream", upstream-name = "libcurl" }\n[components.curl.build]\nwithout = ["x"]'
    result = classify_curl(tmp_path, body)
    assert result.headline == PINNED and set(result.codes) == {"upstream-rename", "build-without"}


def test_all_reasons_are_kept_when_several_apply(tmp_path):
    body = (
        '[components.curl]\nspec = { type = "upstream", upstream-distro = { name = "fedora", version = "rawhide" } }\n'
        '[components.curl.build]\nwith = ["a"]\nhints = { expensive = true }\n[components.curl.release]\ncalculation = "manual"'
    )
    assert classify_curl(tmp_path, body).codes == ("other-upstream-version", "build-with", "build-hints", "release-calculation")
