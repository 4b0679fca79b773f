"""Synthetic history: Commit, Snapshot and ComponentState rows built from the states of each commit, the
way the history ingest stores them (one state row per run of unchanged states, summaries from
history.summary.summarise_states), without any repository.

    build_history("azurelinux", [{"bash": state("bash")}, {"bash": state("bash", headline="altered")}])

`build_from_deltas` takes the first commit's states and then only what each commit changed (a state, or
None for a removal), which is what bench/pages.py uses for a history of corpus size.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from typing import Iterable, Mapping

from history.states import BinaryFacts, ComponentState, OverlayFacts
from history.summary import summarise_states

START = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.timezone.utc)
AUTHORS = ("Ada Lovelace", "Grace Hopper", "Alan Turing")


def state(name: str, **fields) -> ComponentState:
    """A Fedora-intact component at 1.0-1.azl4 under MIT, changed by `fields`."""
    base = ComponentState(
        name=name, headline="intact", verdict="Fedora-intact: built from Fedora 43 with no changes.",
        spec_origin="snapshot", evr="1.0-1.azl4", version="1.0", license="MIT", reasons=(), overlays=(),
        build="{}", binaries=(BinaryFacts(name, "MIT"),), spec_sha256=hashlib.sha256(name.encode()).hexdigest(), groups=(),
    )
    return replace(base, **fields)


def altered(name: str, *overlays: tuple[str, str], **fields) -> ComponentState:
    """An altered component with these (type, description) overlays."""
    facts = tuple(OverlayFacts(t, d, hashlib.sha256(f"{t}{d}".encode()).hexdigest()) for t, d in overlays)
    return state(name, headline="altered", verdict="Altered: overlays change the Fedora spec.",
                 reasons=(("overlays", f"{len(facts)} overlays"),), overlays=facts, **fields)


def sha_of(distribution: str, index: int) -> str:
    return hashlib.sha1(f"{distribution}:{index}".encode()).hexdigest()


def build_history(distribution: str, commits: list[Mapping[str, ComponentState]], **options):
    """The snapshots of `commits` (each the full {name: state} of one commit, oldest first)."""
    deltas: list[dict[str, ComponentState | None]] = []
    previous: Mapping[str, ComponentState] = {}
    for states in commits:
        delta: dict[str, ComponentState | None] = {n: s for n, s in states.items() if previous.get(n) != s}
        delta.update({n: None for n in previous if n not in states})
        deltas.append(delta)
        previous = states
    return build_from_deltas(distribution, deltas, **options)


def build_from_deltas(distribution: str, deltas: Iterable[Mapping[str, ComponentState | None]], *,
                      dates: list[dt.datetime] | None = None, step: dt.timedelta = dt.timedelta(hours=6),
                      source_url: str = "https://example.org/azurelinux.git", ref: str = "main", batch_size: int = 2000):
    """Snapshots 0..n-1 from what each commit changed; returns them (with their commits), oldest first."""
    from audits.models import Commit, Distribution
    from history.models import ComponentState as StateRow
    from history.models import Snapshot
    from history.services.ingest import state_row

    dist, _ = Distribution.objects.get_or_create(name=distribution)
    current: dict[str, ComponentState] = {}
    open_rows: dict[str, StateRow] = {}
    rows: list[StateRow] = []
    snapshots: list[Snapshot] = []
    for seq, delta in enumerate(deltas):
        when = dates[seq] if dates else START + seq * step
        sha = sha_of(distribution, seq)
        commit = Commit.objects.create(
            sha=sha, author_name=AUTHORS[seq % len(AUTHORS)], author_email="dev@example.org", authored_at=when,
            committer_name="Merge bot", committer_email="bot@example.org", committed_at=when,
            subject=f"Change {seq}: {', '.join(sorted(delta))[:200] or 'nothing'}", message="")
        changed = 0
        for name, new in delta.items():
            if current.get(name) == new:
                continue
            changed += 1
            if name in open_rows:
                open_rows.pop(name).end_seq = seq
            if new is None:
                current.pop(name, None)
                continue
            current[name] = new
            row = state_row(dist, seq, new)
            open_rows[name] = row
            rows.append(row)
        snapshots.append(Snapshot(distribution=dist, commit=commit, seq=seq, source_url=source_url, ref=ref,
                                  summary=summarise_states(current.values()), changed=changed))
    Snapshot.objects.bulk_create(snapshots, batch_size=batch_size)
    StateRow.objects.bulk_create(rows, batch_size=batch_size)
    return list(Snapshot.objects.filter(distribution=dist).select_related("commit", "distribution").order_by("seq"))
