"""history.points: an "as of" date, date-time or commit sha resolved to the snapshot current then."""

import datetime as dt

import pytest

from history.points import PointError, resolve
from tests.support.history import build_history, state


def at(history, text):
    return resolve(history[0].distribution, text).snapshot.seq


def test_a_time_between_two_commits_resolves_to_the_older_one(history):
    assert at(history, "2026-03-01 14:59") == 0


def test_a_time_equal_to_a_commit_date_resolves_to_that_commit(history):
    assert at(history, "2026-03-01T15:00:00") == 1


def test_a_date_alone_means_the_end_of_that_day(history):
    assert at(history, "2026-03-01") == 2


def test_an_offset_is_honoured(history):
    assert at(history, "2026-03-01T16:30:00+02:00") == 0  # 14:30 UTC, before commit 1 at 15:00 UTC


def test_a_time_after_the_newest_commit_resolves_to_the_newest(history):
    assert at(history, "2027-01-01") == 4


def test_nothing_before_the_first_commit_is_a_clear_error(history):
    with pytest.raises(PointError, match="Nothing of azurelinux was ingested from before 2026-03-01 08:59 UTC. "
                                         "The first ingested commit is from 2026-03-01 09:00"):
        resolve(history[0].distribution, "2026-03-01 08:59")


def test_a_sha_prefix_resolves_to_its_commit(history):
    assert at(history, history[3].commit.sha[:10].upper()) == 3


def test_an_unknown_sha_is_an_error_naming_it(history):
    unknown = "f" * 12 if not any(s.commit.sha.startswith("f" * 12) for s in history) else "e" * 12
    with pytest.raises(PointError, match=f"No ingested commit of azurelinux starts with {unknown}"):
        resolve(history[0].distribution, unknown)


def test_text_that_is_neither_is_an_error(history):
    with pytest.raises(PointError, match="neither a date-time"):
        resolve(history[0].distribution, "last tuesday")


def test_commits_with_the_same_date_resolve_by_history_order(db):
    same = dt.datetime(2026, 3, 1, 12, tzinfo=dt.timezone.utc)
    snapshots = build_history("tied", [{"a": state("a")}, {"a": state("a", license="X")}, {"a": state("a", license="Y")}],
                              dates=[same - dt.timedelta(hours=1), same, same])
    assert resolve(snapshots[0].distribution, "2026-03-01 12:00").snapshot.seq == 2


def test_a_commit_dated_before_its_predecessor_does_not_hide_the_predecessor(db):
    """Dates need not grow along history (a rebased commit): the newest in history order dated at or before wins."""
    t = dt.datetime(2026, 3, 1, 12, tzinfo=dt.timezone.utc)
    snapshots = build_history("rebased", [{"a": state("a")}, {"a": state("a", license="X")}, {"a": state("a", license="Y")}],
                              dates=[t, t + dt.timedelta(hours=5), t + dt.timedelta(hours=1)])
    dist = snapshots[0].distribution
    assert [resolve(dist, when).snapshot.seq for when in ("2026-03-01 13:30", "2026-03-01 17:00")] == [2, 2]
    assert resolve(dist, "2026-03-01 12:30").snapshot.seq == 0
