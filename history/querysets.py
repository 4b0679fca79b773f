"""What the history pages and API read: the snapshots of a distribution, the states valid at one of them,
a component's states over time, and the components that changed between two snapshots.

A state row is valid at snapshot `seq` when first_seq <= seq < end_seq (end_seq null: still current).
Every function here costs a fixed number of queries, whatever the number of snapshots or components.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from audits.models import Distribution

from .models import ComponentState, Snapshot
from .states import Change
from .states import ComponentState as State
from .states import changes


def snapshots(distribution: Distribution) -> QuerySet[Snapshot]:
    """The distribution's snapshots in history order, each with its commit."""
    return Snapshot.objects.filter(distribution=distribution).select_related("commit").order_by("seq")


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
    return State.from_json(row.data)


@dataclass(frozen=True)
class ComponentChange:
    """A component that differs between two snapshots: its states at both and what changed."""

    name: str
    before: ComponentState | None
    after: ComponentState | None
    changes: list[Change]

    @property
    def kinds(self) -> list[str]:
        return [c.kind for c in self.changes]


def changes_between(distribution: Distribution, old_seq: int, new_seq: int) -> list[ComponentChange]:
    """The components whose state at `new_seq` differs from their state at `old_seq`, by name (two queries).

    Only components with a state beginning or ending in (old, new] can differ; a component that changed
    and changed back has equal digests at both ends and is left out."""
    low, high = sorted((old_seq, new_seq))
    moved = (Q(first_seq__gt=low, first_seq__lte=high) | Q(end_seq__gt=low, end_seq__lte=high))
    names = ComponentState.objects.filter(moved, distribution=distribution).values("name")
    rows = ComponentState.objects.filter(distribution=distribution, name__in=names).filter(valid_at(low) | valid_at(high))
    at: dict[int, dict[str, ComponentState]] = {low: {}, high: {}}
    for row in rows:
        for seq in (low, high):
            if row.first_seq <= seq and (row.end_seq is None or row.end_seq > seq):
                at[seq][row.name] = row
    before, after = (at[low], at[high]) if old_seq <= new_seq else (at[high], at[low])
    found = []
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name), after.get(name)
        if old is not None and new is not None and old.digest == new.digest:
            continue
        found.append(ComponentChange(name, old, new, changes(_state(old) if old else None, _state(new) if new else None)))
    return found
