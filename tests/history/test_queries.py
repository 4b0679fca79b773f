"""history.querysets against an independent computation from the states each commit was built from."""

import pytest

from history import querysets
from history.states import ComponentState as State
from history.states import changes
from tests.support.history import build_history, state

from .conftest import commits


def test_the_states_at_each_snapshot_are_the_states_of_its_commit(history):
    dist = history[0].distribution
    for seq, expected in enumerate(commits()):
        rows = querysets.states_at(dist, seq)
        assert {r.name: State.from_json(r.data) for r in rows} == expected


@pytest.mark.parametrize(("old", "new"), [(0, 4), (1, 3), (2, 3), (0, 0), (4, 1)])
def test_changes_between_two_snapshots_are_the_changes_of_their_states(history, old, new):
    before, after = commits()[old], commits()[new]
    expected = {n: [c.kind for c in changes(before.get(n), after.get(n))] for n in before.keys() | after.keys()}
    found = querysets.changes_between(history[0].distribution, old, new)
    assert {c.name: c.kinds for c in found} == {n: kinds for n, kinds in expected.items() if kinds}


def test_a_component_changed_and_changed_back_is_not_a_change(history):
    assert "bash" not in {c.name for c in querysets.changes_between(history[0].distribution, 0, 4)}


def test_the_timeline_lists_each_change_with_its_commit(history):
    entries = querysets.timeline(history[0].distribution, "bash")
    assert [(e.seq, [c.kind for c in e.changes]) for e in entries] == [
        (0, ["added"]), (1, ["verdict", "overlay-added"]), (4, ["verdict", "overlay-removed"])]
    assert entries[1].snapshot.commit.author_name == history[1].commit.author_name


def test_a_removed_component_ends_its_timeline_with_the_removal(history):
    entries = querysets.timeline(history[0].distribution, "zlib")
    assert [(e.seq, [c.summary for c in e.changes]) for e in entries] == [
        (0, ["added (intact)"]), (2, ["License: Zlib → MIT"]), (3, ["removed (was intact)"])]


def test_a_component_removed_and_added_again_shows_both(db):
    snapshots = build_history("gap", [{"a": state("a")}, {}, {"a": state("a")}])
    entries = querysets.timeline(snapshots[0].distribution, "a")
    assert [(e.seq, [c.kind for c in e.changes]) for e in entries] == [(0, ["added"]), (1, ["removed"]), (2, ["added"])]


def test_the_snapshot_summaries_count_the_states(history):
    assert [s.summary["by_headline"] for s in history] == [
        {"intact": 3}, {"altered": 1, "intact": 2}, {"altered": 1, "intact": 2}, {"altered": 1, "intact": 2}, {"intact": 3}]
    assert history[1].summary["overlays_by_type"] == {"spec-add-tag": 1}
    assert [s.changed for s in history] == [3, 1, 2, 2, 2]


def test_the_queries_do_not_grow_with_the_number_of_changes(history, django_assert_max_num_queries):
    dist = history[0].distribution
    querysets.STATES._items.clear()
    with django_assert_max_num_queries(2):
        querysets.changes_between(dist, 0, 4)
    with django_assert_max_num_queries(2):
        querysets.timeline(dist, "curl")


def test_states_decoded_once_are_not_read_again(history, django_assert_num_queries):
    dist = history[0].distribution
    querysets.changes_between(dist, 0, 4)
    with django_assert_num_queries(1):  # which components differ; their states are known by digest
        assert [c.name for c in querysets.changes_between(dist, 0, 4)] == ["curl", "newpkg", "zlib"]
