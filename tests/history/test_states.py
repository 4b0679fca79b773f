"""history.states: the state history keeps of a component, its digest and what changed between two."""

from dataclasses import replace

from history.states import BinaryFacts, ComponentState, OverlayFacts, changes


def state(**fields) -> ComponentState:
    base = ComponentState(
        name="zlib", headline="intact", verdict="Fedora-intact: built from Fedora 43 with no changes.",
        spec_origin="snapshot", evr="1.3-1.azl4", version="1.3", license="Zlib", reasons=(), overlays=(),
        build="{}", binaries=(BinaryFacts("zlib", "Zlib"), BinaryFacts("zlib-devel", "Zlib")),
        spec_sha256="a" * 64, groups=(),
    )
    return replace(base, **fields)


def test_a_state_survives_its_json_round_trip():
    s = state(reasons=(("overlay", "1 overlay"),), overlays=(OverlayFacts("spec-add-tag", "x", "d1"),), groups=("g",))
    assert ComponentState.from_json(s.to_json()) == s


def test_equal_states_have_equal_digests_and_any_difference_changes_it():
    assert state().digest() == state().digest()
    assert state().digest() != state(license="MIT").digest()


def test_an_unchanged_state_has_no_changes():
    assert changes(state(), state()) == []


def test_added_and_removed_components_are_reported():
    assert [c.kind for c in changes(None, state())] == ["added"]
    assert [c.kind for c in changes(state(), None)] == ["removed"]


def test_a_new_overlay_is_reported_with_the_verdict_change():
    new = state(headline="altered", reasons=(("overlay", "1 overlay"),), overlays=(OverlayFacts("spec-add-tag", "CVE fix", "d1"),))
    assert [c.kind for c in changes(state(), new)] == ["verdict", "overlay-added"]


def test_an_overlay_with_new_parameters_is_changed_not_removed_and_added():
    old = state(overlays=(OverlayFacts("spec-add-tag", "x", "d1"),))
    new = state(overlays=(OverlayFacts("spec-add-tag", "x", "d2"),))
    assert [c.kind for c in changes(old, new)] == ["overlay-changed"]


def test_a_version_bump_is_reported_once_not_also_as_a_spec_change():
    new = state(evr="1.4-1.azl4", version="1.4", spec_sha256="b" * 64)
    assert [c.summary for c in changes(state(), new)] == ["version: 1.3-1.azl4 → 1.4-1.azl4"]


def test_license_changes_of_the_main_and_of_one_binary_package_are_reported():
    new = state(license="Zlib AND MIT", binaries=(BinaryFacts("zlib", "Zlib AND MIT"), BinaryFacts("zlib-devel", "BSD-3-Clause")))
    kinds = [(c.kind, c.summary) for c in changes(state(), new)]
    assert kinds == [("license", "License: Zlib → Zlib AND MIT"),
                     ("binary-license", "zlib-devel License: Zlib → BSD-3-Clause")]
