"""The pure fingerprint of a divergence: what changes it and what does not."""

from reviews.fingerprint import OverlayFacts, changes, divergence_document, fingerprint

SPEC = {"type": "upstream", "upstream-distro": {"name": "fedora", "version": "43", "snapshot": "2026-01-01"}}
OVERLAY = OverlayFacts("spec-add-tag", {"type": "spec-add-tag", "tag": "Requires", "value": "coreutils"}, "")


def document(**overrides):
    parts = {"reasons": [("overlays", "1 overlay changes the spec or its sources.")], "overlays": [OVERLAY],
             "build": {"with": ["x"]}, "spec": SPEC}
    parts.update(overrides)
    return divergence_document(**parts)


def test_the_same_divergence_has_the_same_fingerprint():
    assert fingerprint(document()) == fingerprint(document())


def test_the_upstream_version_and_snapshot_do_not_change_the_fingerprint():
    moved = {**SPEC, "upstream-distro": {"name": "fedora", "version": "44", "snapshot": "2026-06-01"}}
    assert fingerprint(document(spec=moved)) == fingerprint(document())


def test_an_overlay_parameter_changes_the_fingerprint():
    changed = OverlayFacts("spec-add-tag", {"type": "spec-add-tag", "tag": "Requires", "value": "coreutils >= 9"})
    assert fingerprint(document(overlays=[changed])) != fingerprint(document())


def test_the_overlay_source_file_digest_changes_the_fingerprint():
    patch = OverlayFacts("patch-add", {"type": "patch-add", "source": "fix.patch"}, "a" * 64)
    other = OverlayFacts("patch-add", {"type": "patch-add", "source": "fix.patch"}, "b" * 64)
    assert fingerprint(document(overlays=[patch])) != fingerprint(document(overlays=[other]))


def test_a_build_setting_changes_the_fingerprint():
    assert fingerprint(document(build={"with": ["y"]})) != fingerprint(document())


def test_a_commit_pin_changes_the_fingerprint():
    pinned = {**SPEC, "upstream-commit": "abc123"}
    assert fingerprint(document(spec=pinned)) != fingerprint(document())


def test_a_reason_changes_the_fingerprint():
    reasons = [("overlays", "1 overlay changes the spec or its sources."), ("check-skipped", "%check is skipped.")]
    assert fingerprint(document(reasons=reasons)) != fingerprint(document())


def test_the_local_spec_digest_counts_for_a_local_spec_only():
    local = {"type": "local", "path": "mypkg.spec"}
    assert fingerprint(document(spec=local, local_spec_sha256="1" * 64)) != fingerprint(
        document(spec=local, local_spec_sha256="2" * 64))
    assert fingerprint(document(local_spec_sha256="1" * 64)) == fingerprint(document(local_spec_sha256="2" * 64))


def test_changes_name_the_changed_overlay_and_build_setting():
    changed = OverlayFacts("spec-add-tag", {"type": "spec-add-tag", "tag": "Requires", "value": "coreutils >= 9"})
    found = changes(document(), document(overlays=[changed], build={"with": ["y"]}))
    assert len(found) == 2
    assert found[0].startswith("Overlay 1 (spec-add-tag) changed its parameters") and "coreutils >= 9" in found[0]
    assert found[1].startswith("Build setting build changed")


def test_equal_documents_have_no_changes():
    assert changes(document(), document()) == []
