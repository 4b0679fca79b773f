"""What the history pages and API read: the snapshots of a distribution, the states valid at one of them,
a component's states over time, and the components that changed between two snapshots.

A state row is valid at snapshot `seq` when first_seq <= seq < end_seq (end_seq null: still current).
Every function here costs a fixed number of queries, whatever the number of snapshots or components.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Iterable, NamedTuple

from django.db.models import Q, QuerySet
from django.http import Http404

from audits.models import Distribution

from .models import ASPECT_COLUMNS, ComponentState, Snapshot
from .states import Aspects, Change, aspects_for, changed_kinds, changes
from .states import ComponentState as State


def distribution_named(name: str) -> Distribution:
    """The distribution of a history URL; 404 when there is none (a NUL, which PostgreSQL refuses, names none)."""
    if "\x00" in name:
        raise Http404("no such distribution")
    try:
        return Distribution.objects.get(name=name)
    except Distribution.DoesNotExist:
        raise Http404("no such distribution") from None


def snapshots(distribution: Distribution) -> QuerySet[Snapshot]:
    """The distribution's snapshots in history order, each with its commit."""
    return Snapshot.objects.filter(distribution=distribution).select_related("commit").order_by("seq")


class SnapshotRow(NamedTuple):
    """A snapshot and its commit as the history page lists and charts them (no model instances: there are
    hundreds). `row.commit.sha` reads like a Snapshot's."""

    seq: int
    summary: dict
    changed: int
    error: str
    release_id: int | None
    sha: str
    committed_at: Any
    author_name: str
    subject: str

    @property
    def commit(self) -> SnapshotRow:
        return self


def snapshot_rows(distribution: Distribution) -> list[SnapshotRow]:
    """Every snapshot of the distribution in history order, with its commit (one query)."""
    return [SnapshotRow._make(r) for r in Snapshot.objects.filter(distribution=distribution).order_by("seq").values_list(
        "seq", "summary", "changed", "error", "release_id", "commit__sha", "commit__committed_at",
        "commit__author_name", "commit__subject")]


def newest(distribution: Distribution) -> Snapshot | None:
    return snapshots(distribution).order_by("-seq").first()


def newer(distribution_id: int, *, seq: int | None = None, after=None) -> tuple[int, Snapshot | None]:
    """How many snapshots come after position `seq` (or, without one, were committed after `after`), and
    the newest of them (None when there are none)."""
    found = Snapshot.objects.filter(distribution_id=distribution_id)
    later = found.filter(seq__gt=seq) if seq is not None else found.filter(commit__committed_at__gt=after)
    count = later.count()
    return count, (later.select_related("commit", "distribution").order_by("-seq").first() if count else None)


def valid_at(seq: int) -> Q:
    return Q(first_seq__lte=seq) & (Q(end_seq__isnull=True) | Q(end_seq__gt=seq))


def states_at(distribution: Distribution, seq: int) -> QuerySet[ComponentState]:
    """The component states valid at snapshot `seq`, by name."""
    return ComponentState.objects.filter(valid_at(seq), distribution=distribution).order_by("name")


def component_states(distribution: Distribution, name: str) -> list[ComponentState]:
    if "\x00" in name:
        return []
    return list(ComponentState.objects.filter(distribution=distribution, name=name).order_by("first_seq"))


def snapshots_by_seq(distribution: Distribution, seqs) -> dict[int, Snapshot]:
    """The snapshots at these positions (one query), each with its commit."""
    return {s.seq: s for s in snapshots(distribution).filter(seq__in=set(seqs))}


@dataclass(frozen=True)
class TimelineEntry:
    """What one snapshot changed about a component."""

    seq: int
    snapshot: Snapshot | None  # None only if the snapshot row is missing (never for a complete ingest)
    changes: list[Change]
    state: ComponentState | None  # the state from this snapshot on; None: the component was removed here


def timeline(distribution: Distribution, name: str) -> list[TimelineEntry]:
    """Every change of a component across the ingested snapshots, oldest first (two queries). A state that
    begins where the previous one ended is compared with it; a gap (or the first state) is an addition,
    and a state that ends without a successor at its end is a removal there."""
    rows = component_states(distribution, name)
    seqs = {r.first_seq for r in rows} | {r.end_seq for r in rows if r.end_seq is not None}
    by_seq = snapshots_by_seq(distribution, seqs) if rows else {}
    entries: list[TimelineEntry] = []
    previous: ComponentState | None = None
    for row in rows:
        if previous is not None and previous.end_seq is not None and previous.end_seq < row.first_seq:
            entries.append(TimelineEntry(previous.end_seq, by_seq.get(previous.end_seq), changes(_state(previous), None), None))
            previous = None
        entries.append(TimelineEntry(row.first_seq, by_seq.get(row.first_seq),
                                     changes(_state(previous) if previous else None, _state(row)), row))
        previous = row
    if previous is not None and previous.end_seq is not None:
        entries.append(TimelineEntry(previous.end_seq, by_seq.get(previous.end_seq), changes(_state(previous), None), None))
    return entries


def _state(row: ComponentState) -> State:
    return remember_state(row.digest, lambda: row.data)


class BoundedCache:
    """A thread-safe dict that forgets its oldest entries beyond `size`. Its keys are content digests, so an entry
    can never be stale: equal digests, equal states (history.states)."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            return self._items.get(key)

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)


# Decoded states and the changes between two of them, by digest: "changes since" over the whole history
# compares a few thousand pairs, and decoding their JSON is most of its cost (a few kB each, kept per process).
STATES = BoundedCache(20_000)
CHANGES = BoundedCache(20_000)


def remember_state(digest: str, data: Callable[[], dict]) -> State:
    state = STATES.get(digest)
    if state is None:
        state = State.from_json(data())
        STATES.put(digest, state)
    return state


def states_by_digest(distribution: Distribution, digests: Iterable[str]) -> dict[str, State]:
    """The states with these digests (one query for those not decoded before, none when all were)."""
    found = {d: STATES.get(d) for d in set(digests)}
    missing = [d for d, s in found.items() if s is None]
    for start in range(0, len(missing), 900):  # SQLite's limit of variables per query
        rows = (ComponentState.objects.filter(distribution=distribution, digest__in=missing[start:start + 900])
                .values_list("digest", "data"))
        for digest, data in rows:
            if found.get(digest) is None:
                found[digest] = remember_state(digest, lambda: data)
    return found


class StateRef(NamedTuple):
    """A state row without its data: enough to tell whether two states differ and to show headlines."""

    name: str
    first_seq: int
    end_seq: int | None
    digest: str
    headline: str


@dataclass(frozen=True)
class ComponentChange:
    """A component that differs between two snapshots: its states at both and what changed."""

    name: str
    before: StateRef | None
    after: StateRef | None
    changes: list[Change]

    @property
    def kinds(self) -> list[str]:
        return [c.kind for c in self.changes]


def _ends(distribution: Distribution, old_seq: int, new_seq: int, columns=()) -> tuple[dict[str, tuple], dict[str, tuple]]:
    """{name: (name, first_seq, end_seq, digest, headline, *columns)} of the state rows at old and at new that
    can differ (one query, no state data): only components whose state at `low` ended in (low, high], or whose
    state at `high` began there; a component with neither kept one state throughout."""
    low, high = sorted((old_seq, new_seq))
    ended = Q(first_seq__lte=low, end_seq__gt=low, end_seq__lte=high)
    began = Q(first_seq__gt=low, first_seq__lte=high) & (Q(end_seq__isnull=True) | Q(end_seq__gt=high))
    rows = (ComponentState.objects.filter(ended | began, distribution=distribution)
            .values_list("name", "first_seq", "end_seq", "digest", "headline", *columns))
    at_low: dict[str, tuple] = {}
    at_high: dict[str, tuple] = {}
    for row in rows:
        (at_low if row[1] <= low else at_high)[row[0]] = row
    return (at_low, at_high) if old_seq <= new_seq else (at_high, at_low)


def _ref(row: tuple | None) -> StateRef | None:
    return None if row is None else StateRef._make(row[:5])


def differing(distribution: Distribution, old_seq: int, new_seq: int) -> list[tuple[str, tuple | None, tuple | None]]:
    """(name, state at old, state at new) of each component whose state differs between the two snapshots, by
    name (one query, no state data); a state is a row in StateRef's field order, made a StateRef only when read
    (`with_changes`): since the first snapshot nearly every component differs, and a page reads fifty. One that
    changed and changed back has equal digests at both ends and is left out."""
    before, after = _ends(distribution, old_seq, new_seq)
    found = []
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name), after.get(name)
        if old is None or new is None or old[3] != new[3]:
            found.append((name, old, new))
    return found


def differing_in(distribution: Distribution, old_seq: int, new_seq: int,
                 kinds: frozenset[str]) -> list[tuple[str, StateRef | None, StateRef | None, frozenset[str]]]:
    """(name, state at old, state at new, kinds changed) of each component with a change of one of `kinds`
    between the two snapshots, by name: `differing` filtered by the aspect columns of the rows (same query,
    nothing decoded; history.states.changed_kinds). Most components that changed kept the aspects a filter
    reads: equal values mean no change of those kinds, so only the others become Aspects to compare."""
    names = aspects_for(kinds)
    before, after = _ends(distribution, old_seq, new_seq, [ASPECT_COLUMNS[a] for a in names])
    presence = kinds & {"added", "removed"}

    def aspects(row: tuple | None) -> Aspects | None:
        return None if row is None else Aspects(**dict(zip(names, row[5:])))

    found = []
    for name in before.keys() | after.keys():
        old, new = before.get(name), after.get(name)
        if (old[5:] == new[5:]) if old is not None and new is not None else not presence:
            continue
        changed = changed_kinds(aspects(old), aspects(new), kinds)
        if changed:
            found.append((name, _ref(old), _ref(new), changed))
    found.sort(key=lambda f: f[0])
    return found


def with_changes(distribution: Distribution, pairs) -> list[ComponentChange]:
    """What changed in each (name, before, after) of `differing` (at most one query)."""
    pairs = [(name, _ref(old), _ref(new)) for name, old, new in pairs]
    states = states_by_digest(distribution, [r.digest for _, *refs in pairs for r in refs if r is not None])
    found = []
    for name, old, new in pairs:
        key = (old.digest if old else "", new.digest if new else "")
        listed = CHANGES.get(key)
        if listed is None:
            listed = changes(states[old.digest] if old else None, states[new.digest] if new else None)
            CHANGES.put(key, listed)
        found.append(ComponentChange(name, old, new, listed))
    return found


def changes_between(distribution: Distribution, old_seq: int, new_seq: int) -> list[ComponentChange]:
    """The components whose state at `new_seq` differs from their state at `old_seq`, by name (two queries at most)."""
    return with_changes(distribution, differing(distribution, old_seq, new_seq))
