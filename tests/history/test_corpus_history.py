"""The history ingest on the real corpus: the last COMMITS commits up to the cut, checked against computations
that do not go through history.incremental.

Cost: one full analysis of the cut (its identities from tests/support/corpus.py `corpus_identities`, computed once
per run), one history ingest (the first commit analysed in full, then COMMITS - 1 increments, then the head
materialised, the identities cached by then), one release
written from the fresh analysis, ten configuration-only analyses. The whole history (492 commits) takes minutes
(bench/history.py), too long for CI, hence a range. The module writes its own rows (this package has no
shared corpus ingest) and deletes every row it added.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from audits import gitsource
from audits.azldev.classify import INTACT, classify, default_config
from audits.azldev.loader import load_project
from audits.azldev.resolve import resolve_components
from audits.gittree import GitTree
from audits.models import Commit, Component, Distribution, IdentityCacheEntry, Release
from audits.services.checkout_analysis import StoredIdentities, analyse_checkout
from audits.services.ingest import write_release
from history.incremental import first_parent_history
from history.models import ComponentState, Snapshot
from history.services.ingest import ingest_history
from history.states import ComponentState as State
from history.states import state_of
from tests.support.corpus import CUT_COMMIT, KnownIdentities, bundle_path, corpus_identities

pytestmark = [pytest.mark.corpus, pytest.mark.django_db]

COMMITS = 30  # snapshots ingested, the cut the last of them
SAMPLES = 10  # commits at which the intact count is computed independently


def components_csv(release: Release) -> str:
    out = io.StringIO()
    call_command("components", str(release.pk), "--csv", stdout=out)
    return out.getvalue()


def component_rows(release: Release) -> list[dict]:
    skip = {"id", "release", "license_expression", "config_commit", "rendered_commit"}
    fields = [f.attname for f in Component._meta.concrete_fields if f.name not in skip]
    rows = Component.objects.filter(release=release).order_by("name").values(
        *fields, "license_expression__text", "config_commit__sha", "rendered_commit__sha")
    return list(rows)


def intact_at(git_dir, sha: str) -> int:
    """Fedora-intact components of one commit: its configuration loaded, resolved and classified directly."""
    with GitTree(git_dir, sha) as tree:
        project = load_project(tree)
        baseline = default_config(project)
        return sum(classify(c, baseline).headline == INTACT for c in resolve_components(project, tree))


@pytest.fixture(scope="module")
def corpus_history(django_db_setup, django_db_blocker, tmp_path_factory):
    """Everything the tests compare, computed once (the cut's release is deleted in between, see below)."""
    bundle = str(bundle_path())
    found = {}
    with django_db_blocker.unblock(), override_settings(PEDIGREE_ALLOW_LOCAL_SOURCES=True,
                                                        PEDIGREE_GIT_MIRROR_DIR=str(tmp_path_factory.mktemp("mirrors"))):
        before = {m: set(m.objects.values_list("pk", flat=True)) for m in (Release, Commit, Distribution, IdentityCacheEntry)}
        with gitsource.fetch(bundle, CUT_COMMIT, allow_local=True) as checkout:
            shas = first_parent_history(checkout.git_dir, CUT_COMMIT)
            # First a single-commit analysis of the cut, not through history; the cut's identities then seed the
            # cache, as a single-commit ingest of the cut would have (the history's first commit is 30 commits
            # earlier, with mostly the same specs).
            analysis = analyse_checkout(checkout, identity_cache=KnownIdentities(corpus_identities()))
            found["fresh_states"] = {r.resolved.name: state_of(r) for r in analysis.components}
            StoredIdentities.add(corpus_identities())

            outcome = ingest_history(bundle, CUT_COMMIT, from_commit=shas[-COMMITS])
            snapshots = list(Snapshot.objects.filter(distribution=outcome.distribution).order_by("seq"))
            found.update(
                outcome=outcome, snapshots=snapshots,
                states={r.name: State.from_json(r.data) for r in
                        ComponentState.objects.filter(distribution=outcome.distribution, end_seq__isnull=True)},
                csv=components_csv(outcome.release), rows=component_rows(outcome.release),
                release_pk=outcome.release.pk,
                state_rows=ComponentState.objects.filter(distribution=outcome.distribution).count(),
            )
            found.update(rerun=ingest_history(bundle, CUT_COMMIT),
                         rerun_state_rows=ComponentState.objects.filter(distribution=outcome.distribution).count())
            good = [s for s in snapshots if not s.error]
            picked = [good[round(i * (len(good) - 1) / (SAMPLES - 1))] for i in range(SAMPLES)]
            found["intact"] = [(s.seq, s.summary["intact"], intact_at(checkout.git_dir, s.commit.sha)) for s in picked]
            # The same database cannot hold two releases of one commit: the materialised one goes, and the
            # fresh analysis is written as a release, as a single-commit ingest would.
            outcome.release.delete()
            fresh = write_release(analysis, checkout)
            found.update(fresh_csv=components_csv(fresh), fresh_rows=component_rows(fresh))
            del analysis
        yield found
        Release.objects.exclude(pk__in=before[Release]).delete()
        Distribution.objects.exclude(pk__in=before[Distribution]).delete()
        Commit.objects.exclude(pk__in=before[Commit]).delete()
        IdentityCacheEntry.objects.exclude(pk__in=before[IdentityCacheEntry]).delete()


def test_the_range_ends_at_the_cut_with_one_snapshot_per_commit(corpus_history):
    snapshots = corpus_history["snapshots"]
    assert (len(snapshots), snapshots[-1].commit.sha) == (COMMITS, CUT_COMMIT)
    assert [s.seq for s in snapshots] == list(range(snapshots[0].seq, snapshots[0].seq + COMMITS))


def test_the_last_snapshot_states_equal_a_fresh_full_analysis_of_the_cut(corpus_history):
    fresh, stored = corpus_history["fresh_states"], corpus_history["states"]
    assert sorted(fresh) == sorted(stored)
    assert [name for name in fresh if fresh[name] != stored[name]] == []


def test_the_materialised_release_lists_the_components_of_a_fresh_ingest(corpus_history):
    assert corpus_history["csv"] == corpus_history["fresh_csv"]
    assert corpus_history["csv"].count("\n") > 7000


def test_the_materialised_release_has_the_component_rows_of_a_fresh_ingest(corpus_history):
    assert corpus_history["rows"] == corpus_history["fresh_rows"]


def test_the_intact_counts_agree_with_the_configuration_at_ten_commits(corpus_history):
    samples = corpus_history["intact"]
    assert len({seq for seq, _, _ in samples}) == SAMPLES
    assert [(seq, stored) for seq, stored, _ in samples] == [(seq, direct) for seq, _, direct in samples]


def test_running_again_adds_nothing(corpus_history):
    rerun = corpus_history["rerun"]
    assert (rerun.added, rerun.skipped, rerun.total, rerun.release.pk) == (0, COMMITS, COMMITS, corpus_history["release_pk"])
    assert corpus_history["rerun_state_rows"] == corpus_history["state_rows"]
