"""The events of an ingest (release_written): release.ingested, and against the previous release of the
distribution component.diverged, component.intact and overlay.added."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.services.ingest import ingest_release
from feeds.models import Event, EventKind
from feeds.services.releases import record_release_events
from tests.support.gitrepo import commit_all, write_files

pytestmark = pytest.mark.django_db

BACK_TO_INTACT = {"base/comps/components.toml": """
includes = ["**/*.comp.toml", "groups.toml"]

[components.curl]
[components.newpkg]
"""}


def _events(release, kind=None):
    found = Event.objects.filter(release=release).order_by("id")
    return list(found.filter(kind=kind) if kind else found)


def test_the_first_release_of_a_distribution_emits_only_release_ingested(release):
    events = _events(release)
    assert [e.kind for e in events] == [EventKind.RELEASE_INGESTED]
    event = events[0]
    assert event.distribution == release.distribution and event.link == f"/releases/{release.pk}/"
    assert event.payload["previous_release_id"] is None and event.payload["components"] == release.components.count()
    assert "first release" in event.summary


def test_a_component_that_leaves_fedora_intact_gets_a_diverged_event(two_releases):
    first, second = two_releases
    assert first.components.get(name="curl").headline == "intact"
    assert second.components.get(name="curl").headline == "pinned"
    [event] = _events(second, EventKind.COMPONENT_DIVERGED)
    assert event.payload["component"] == "curl" and (event.payload["from"], event.payload["to"]) == ("intact", "pinned")
    assert event.payload["previous_release_id"] == first.pk and event.payload["reasons"]
    assert event.link == f"/releases/{second.pk}/components/curl/" and "curl diverged from Fedora (Pinned)" in event.title


def test_a_changed_overlay_is_an_added_overlay_of_its_component(two_releases):
    _, second = two_releases
    [event] = _events(second, EventKind.OVERLAY_ADDED)
    assert event.payload["component"] == "bash" and not event.payload["new_component"]
    assert event.payload["overlays"] == [{"type": "spec-add-tag", "parameters": {
        "type": "spec-add-tag", "tag": "Requires", "value": "coreutils >= 9",
        "description": "Require <script>alert(1)</script> =HYPERLINK()"}}]
    assert event.summary == "New overlays: 1 spec-add-tag."


def test_release_ingested_counts_the_changes_since_the_previous_release(two_releases):
    first, second = two_releases
    [event] = _events(second, EventKind.RELEASE_INGESTED)
    assert event.payload["previous_commit"] == first.commit.sha
    assert event.payload["changes"] == {"component.diverged": 1, "component.intact": 0, "overlay.added": 1}
    assert "1 diverged from Fedora, 0 back to Fedora-intact, 1 with new overlays" in event.summary


def test_a_component_back_to_fedora_intact_gets_an_intact_event(sample_git):
    repo, first, second = sample_git
    ingest_release(str(repo), first)
    ingest_release(str(repo), second)
    write_files(repo, BACK_TO_INTACT)
    third = ingest_release(str(repo), commit_all(repo, "unpin curl", date="2026-03-03T12:00:00+00:00")).release
    [event] = _events(third, EventKind.COMPONENT_INTACT)
    assert (event.payload["component"], event.payload["from"], event.payload["to"]) == ("curl", "pinned", "intact")
    assert _events(third, EventKind.COMPONENT_DIVERGED) == [] and _events(third, EventKind.OVERLAY_ADDED) == []


def test_an_older_commit_ingested_later_is_compared_with_the_release_before_it_in_history(sample_git):
    repo, first, second = sample_git
    later = ingest_release(str(repo), second).release
    earlier = ingest_release(str(repo), first).release  # older commit: no release before it
    assert [e.kind for e in _events(earlier)] == [EventKind.RELEASE_INGESTED]
    assert _events(later, EventKind.COMPONENT_DIVERGED) == []  # it was the first one when ingested


def test_many_changed_components_are_told_in_one_event(sample_git, settings):
    settings.PEDIGREE_FEED_MAX_COMPONENT_EVENTS = 0
    repo, first, second = sample_git
    ingest_release(str(repo), first)
    second_release = ingest_release(str(repo), second).release
    [event] = _events(second_release, EventKind.COMPONENT_DIVERGED)
    assert event.payload["count"] == 1 and event.payload["components"] == ["curl"]
    assert event.title.startswith("1 components diverged") and event.link == f"/releases/{second_release.pk}/"


def _reads(release) -> int:
    Event.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        record_release_events(release=release)
    return sum(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)


def test_the_comparison_reads_as_many_queries_for_thirty_more_changed_components(two_releases, settings):
    from audits.models import Component, Overlay

    settings.PEDIGREE_FEED_MAX_COMPONENT_EVENTS = 0  # one event per kind: the count is the comparison's reads
    first, second = two_releases
    before = _reads(second)
    for release, headline in ((first, "intact"), (second, "altered")):
        made = Component.objects.bulk_create(
            Component(release=release, name=f"extra{i}", defined_in="x.toml", headline=headline, verdict="",
                      spec_origin="snapshot", spec_type="upstream") for i in range(30))
        if headline == "altered":
            Overlay.objects.bulk_create(Overlay(component=c, position=0, type="spec-add-tag", defined_in="x.toml",
                                                layer="component", parameters={"tag": "Requires", "value": c.name})
                                        for c in Component.objects.filter(pk__in=[m.pk for m in made]))
    assert _reads(second) == before <= 12
    diverged = Event.objects.get(kind=EventKind.COMPONENT_DIVERGED)
    assert diverged.payload["count"] == 31 and Event.objects.get(kind=EventKind.OVERLAY_ADDED).payload["count"] == 31


def test_an_ingest_rolled_back_after_its_events_were_recorded_leaves_no_event(sample_git, endpoint):
    from audits.signals import release_written
    from feeds.models import WebhookDelivery

    repo, first, _ = sample_git
    recorded = []

    def fail(sender=None, **kwargs):  # connected after feeds' receiver: runs once the events exist
        recorded.append(Event.objects.count())
        raise RuntimeError("a later receiver failed")

    release_written.connect(fail, dispatch_uid="tests.fail")
    try:
        with pytest.raises(RuntimeError):
            ingest_release(str(repo), first)
    finally:
        release_written.disconnect(dispatch_uid="tests.fail")
    assert recorded == [1] and not Event.objects.exists() and not WebhookDelivery.objects.exists()
