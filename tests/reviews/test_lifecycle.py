"""Reviews created at ingest, carried forward by fingerprint on a synthetic two-commit repository."""

import pytest

from audits.services.ingest import ingest_release
from reviews.choices import EventKind, ReviewState
from reviews.errors import AppendOnlyError
from reviews.models import Review, ReviewEvent
from reviews.services import all_decided, decisions, review_totals, sync_reviews
from tests.support.gitrepo import commit_all, write_files

pytestmark = pytest.mark.django_db


def _by_name(release):
    return {r.component.name: r for r in Review.objects.filter(release=release).select_related("component")}


def test_every_divergent_component_gets_a_pending_review_and_intact_ones_none(first_release):
    reviews = _by_name(first_release)
    intact = set(first_release.components.filter(headline="intact").values_list("name", flat=True))
    assert set(reviews) == set(first_release.components.exclude(headline="intact").values_list("name", flat=True))
    assert intact and not intact & set(reviews)
    assert {r.state for r in reviews.values()} == {ReviewState.PENDING}
    assert all(r.events.get().kind == EventKind.OPENED for r in reviews.values())


def test_decisions_carry_forward_exactly_where_the_fingerprint_is_unchanged(sample_git, first_release, accept):
    for review in _by_name(first_release).values():
        accept(review)
    repo, _, second = sample_git
    later = _by_name(ingest_release(str(repo), second).release)
    old = _by_name(first_release)
    carried = {name for name, r in later.items() if r.carried_from_id}
    unchanged = {name for name, r in later.items() if name in old and old[name].fingerprint == r.fingerprint}
    assert carried == unchanged == {"mypkg"}
    assert later["mypkg"].state == ReviewState.ACCEPTED and later["mypkg"].carried_from == old["mypkg"]
    assert later["mypkg"].events.get().kind == EventKind.CARRIED


def test_a_changed_divergence_is_pending_and_says_what_changed(sample_git, first_release, accept):
    accept(_by_name(first_release)["bash"])
    repo, _, second = sample_git
    bash = _by_name(ingest_release(str(repo), second).release)["bash"]
    assert bash.state == ReviewState.PENDING and bash.changed_since.release_id == first_release.pk
    from reviews.panels import panel_context

    assert any("coreutils >= 9" in line for line in panel_context(bash)["changes_since"])


def test_a_decision_made_after_the_later_ingest_is_carried_by_sync_reviews(sample_git, first_release, accept):
    repo, _, second = sample_git
    later = ingest_release(str(repo), second).release
    accept(_by_name(first_release)["mypkg"])
    assert sync_reviews(later).carried == 1
    assert _by_name(later)["mypkg"].state == ReviewState.ACCEPTED


def test_sync_reviews_recreates_missing_reviews_once(first_release):
    Review.objects.filter(release=first_release).delete()
    assert sync_reviews(first_release).created == 3
    assert sync_reviews(first_release).created == 0


def test_totals_decisions_and_all_decided_follow_the_decisions(first_release, accept):
    reviews = _by_name(first_release)
    accept(reviews["bash"], "the overlay adds a dependency we need")
    totals = review_totals(first_release)
    assert (totals["divergent"], totals["pending"], totals["accepted"], totals["decided"]) == (3, 2, 1, 1)
    [record] = decisions(first_release)
    assert (record.component, record.state, record.reviewer) == ("bash", "accepted", "audrey")
    assert record.fingerprint == reviews["bash"].fingerprint
    assert not all_decided(first_release)
    for name in ("mypkg", "zlib"):
        accept(reviews[name])
    assert all_decided(first_release)


def test_a_history_event_cannot_be_changed(first_release):
    event = ReviewEvent.objects.filter(review__release=first_release).first()
    event.text = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()


def test_a_history_event_cannot_be_deleted(first_release):
    with pytest.raises(AppendOnlyError):
        ReviewEvent.objects.filter(review__release=first_release).first().delete()


def test_history_events_cannot_be_changed_or_deleted_in_bulk(first_release):
    events = ReviewEvent.objects.filter(review__release=first_release)
    with pytest.raises(AppendOnlyError):
        events.update(text="rewritten")
    with pytest.raises(AppendOnlyError):
        events.delete()
    assert not events.filter(text="rewritten").exists()


def test_a_component_that_becomes_intact_closes_its_review_and_says_so(sample_git, first_release):
    repo, _, second = sample_git
    pinned = ingest_release(str(repo), second).release
    write_files(repo, {"base/comps/components.toml": 'includes = ["**/*.comp.toml", "groups.toml"]\n\n'
                                                     "[components.curl]\n\n[components.newpkg]\n"})
    latest = ingest_release(str(repo), commit_all(repo, "unpin curl", date="2026-03-03T12:00:00+00:00")).release
    curl = Review.objects.get(release=pinned, component__name="curl")
    assert curl.closed_in == latest and curl.state == ReviewState.PENDING
    closing = curl.events.order_by("at", "id").last()
    assert closing.kind == EventKind.CLOSED and f"Fedora-intact in release {latest.pk}" in closing.text
    assert not Review.objects.filter(release=latest, component__name="curl").exists()


def test_an_expired_waiver_is_counted_and_keeps_the_release_undecided(first_release, auditor):
    import datetime as dt

    from reviews.services import Actor, clean_decision, decide_many

    reviews = Review.objects.filter(release=first_release)
    decide_many({r.pk: r.version for r in reviews}, clean_decision("waived", waived_until=dt.date.today() + dt.timedelta(days=2)),
                Actor(auditor, None, auditor.username))
    assert all_decided(first_release) and review_totals(first_release)["waivers_expired"] == 0
    reviews.filter(component__name="bash").update(waived_until=dt.date.today() - dt.timedelta(days=1))  # time passes
    assert review_totals(first_release)["waivers_expired"] == 1
    assert not all_decided(first_release)


def test_a_failure_while_creating_reviews_leaves_no_release_behind(sample_git, monkeypatch):
    from audits.models import Release
    from reviews.services import lifecycle

    def fail(release):
        raise RuntimeError("reviews could not be written")

    monkeypatch.setattr(lifecycle, "sync_reviews", fail)
    repo, first, _ = sample_git
    with pytest.raises(RuntimeError):
        ingest_release(str(repo), first)
    assert not Release.objects.exists() and not Review.objects.exists()
