"""Carry-forward on the real Azure Linux history: every review of an older commit decided, the cut
commit ingested, and the carried set checked against an independent computation of the divergences
that did not change, read from the stored component rows (no fingerprint, no divergence document).

The older commit, 0e2a0b11 (2026-04-28), is 44 commits before the cut: in between, about forty
components got a manual release calculation (most of them were Fedora-intact before: new reviews;
eight already diverged: their divergence changed), chromium went away.
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from audits.models import Commit, Component, Distribution, Overlay, Release
from audits.services.blobs import delete_unreferenced
from audits.services.ingest import ingest_release
from jobs.models import Job
from policies.models import Finding, PolicyVersion
from reviews.models import Review
from reviews.services import Actor, clean_decision, decide_many
from tests.support.corpus import CUT_COMMIT, bundle_path, seed_identity_cache

pytestmark = [pytest.mark.corpus, pytest.mark.django_db]
OLDER_COMMIT = "0e2a0b11"


@pytest.fixture(scope="module")
def releases(django_db_setup, django_db_blocker):
    """(older release, cut release): the older one ingested and every review of it accepted first."""
    bundle = str(bundle_path())
    with django_db_blocker.unblock(), override_settings(PEDIGREE_ALLOW_LOCAL_SOURCES=True):
        seed_identity_cache()
        older = ingest_release(bundle, OLDER_COMMIT).release
        reviewer = get_user_model().objects.create_user("corpus-reviewer")
        versions = dict(Review.objects.filter(release=older).values_list("pk", "version"))
        decide_many(versions, clean_decision("accepted", "reviewed on the older commit"),
                    Actor(reviewer, None, reviewer.username))
        newer = ingest_release(bundle, CUT_COMMIT).release
        yield older, newer
        for model in (Release, Job, Commit, Distribution, PolicyVersion):  # the ingest's policy evaluation made v1
            model.objects.all().delete()
        delete_unreferenced()
        get_user_model().objects.filter(username="corpus-reviewer").delete()


def _divergence_rows(release: Release) -> dict[str, tuple]:
    """Per divergent component, everything the fingerprint is documented to cover, straight from the rows."""
    found = {}
    components = (Component.objects.filter(release=release).exclude(headline="intact")
                  .prefetch_related("reasons", "overlays", "source_file_overrides").select_related("rendered_spec"))
    for c in components:
        spec = c.resolved_config.get("spec", {})
        local = spec.get("type") == "local"
        found[c.name] = (
            tuple((r.code, r.text) for r in c.reasons.all()),
            tuple((o.type, json.dumps(o.parameters, sort_keys=True), o.source_sha256) for o in c.overlays.all()),
            tuple((s.filename, s.hash, s.hash_type, json.dumps(s.origin, sort_keys=True), s.replace_upstream,
                   s.replace_reason) for s in c.source_file_overrides.all()),
            json.dumps(c.build, sort_keys=True), c.release_calculation, json.dumps(c.render_options, sort_keys=True),
            spec.get("type"), spec.get("path"), spec.get("upstream-commit"), spec.get("upstream-name"),
            c.rendered_spec.sha256 if local and hasattr(c, "rendered_spec") else "",
        )
    return found


def test_the_carried_decisions_are_exactly_the_unchanged_divergences(releases):
    older, newer = releases
    before, after = _divergence_rows(older), _divergence_rows(newer)
    unchanged = {name for name in after if name in before and before[name] == after[name]}
    reviews = Review.objects.filter(release=newer).select_related("component")
    carried = {r.component.name for r in reviews if r.carried_from_id is not None}
    assert carried == unchanged
    changed = {name for name in after if name in before} - unchanged
    # A real mix (measured: 335 unchanged, 8 changed, among them gcc, kernel and the two java-25-openjdk).
    assert len(changed) >= 5 and len(unchanged) >= 300, (len(changed), len(unchanged))
    assert {"gcc", "kernel"} <= changed


def test_every_carried_review_says_from_which_release_and_the_changed_ones_are_pending(releases):
    older, newer = releases
    reviews = list(Review.objects.filter(release=newer).select_related("carried_from"))
    assert {r.carried_from.release_id for r in reviews if r.carried_from} == {older.pk}
    assert {r.state for r in reviews if r.carried_from} == {"accepted"}
    assert all(r.state == "pending" for r in reviews if not r.carried_from)
    assert all(r.changed_since.release_id == older.pk for r in reviews if not r.carried_from and r.changed_since)


def test_the_default_policy_on_the_cut_release_matches_the_component_rows(releases):
    """The policies app's findings at ingest (default policy), against what the stored rows say directly."""
    _, newer = releases
    findings = Finding.objects.filter(release=newer)
    components = Component.objects.filter(release=newer)
    skipped = set(components.filter(check_skipped=True, check_skip_reason="").values_list("name", flat=True))
    assert set(findings.filter(rule="check-skip-reason").values_list("component__name", flat=True)) == skipped
    other_version = set(components.exclude(upstream_distro="").exclude(
        upstream_distro=newer.upstream_distro, upstream_version=newer.upstream_version).values_list("name", flat=True))
    assert set(findings.filter(rule="upstream-version").values_list("component__name", flat=True)) == other_version
    undescribed = {(o.component.name, f"overlay {o.position + 1}") for o in
                   Overlay.objects.filter(component__release=newer, description="").select_related("component")}
    assert set(findings.filter(rule="overlay-description").values_list("component__name", "subject")) == undescribed
    assert findings.filter(rule="license-allow-list").exists()  # the allow-list is short; Fedora's licences are not
