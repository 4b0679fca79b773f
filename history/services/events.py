"""The change feed of a history ingest (connected to history.signals.snapshot_written, inside each
snapshot's transaction): for every commit after a distribution's first snapshot, `component.diverged`,
`component.intact` and `overlay.added`, told the way feeds tells them for a release
(feeds.services.releases), but linked to the component's timeline and naming the commit.

The head a history ingest materialises as a release announces only `release.ingested`
(`component_events_told_elsewhere`): its component changes were told here, commit by commit.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.urls import reverse

from audits.choices import Headline
from feeds.models import EventKind
from feeds.services.releases import record_component_events

from ..models import Snapshot
from ..states import ComponentState

INTACT = Headline.INTACT.value

Change = tuple[str, ComponentState | None, ComponentState | None]


def component_changes(changes: list[Change]) -> dict[str, dict[str, dict[str, Any]]]:
    """Per event kind, per component, what the feed says about it (feeds.services.releases' shapes)."""
    found: dict[str, dict[str, dict[str, Any]]] = {
        EventKind.COMPONENT_DIVERGED: {}, EventKind.COMPONENT_INTACT: {}, EventKind.OVERLAY_ADDED: {}}
    for name, before, after in changes:
        if after is None:
            continue
        if before is not None and before.headline == INTACT and after.headline != INTACT:
            found[EventKind.COMPONENT_DIVERGED][name] = {
                "from": before.headline, "to": after.headline,
                "reasons": [{"code": code, "text": text} for code, text in after.reasons]}
        elif before is not None and before.headline != INTACT and after.headline == INTACT:
            found[EventKind.COMPONENT_INTACT][name] = {"from": before.headline, "to": after.headline}
        new = Counter(after.overlays) - Counter(before.overlays if before is not None else ())
        added = [{"type": o.type, "description": o.description, "digest": o.digest} for o in new.elements()]
        if added:
            found[EventKind.OVERLAY_ADDED][name] = {"overlays": added, "new_component": before is None}
    return found


def record_snapshot_events(sender=None, *, snapshot: Snapshot, changes: list[Change], **kwargs) -> None:
    """snapshot_written receiver: the component events of one commit (none for a distribution's first snapshot,
    where every component is new, nor for a commit that could not be analysed)."""
    if snapshot.error or not Snapshot.objects.filter(distribution_id=snapshot.distribution_id,
                                                     seq__lt=snapshot.seq).exists():
        return
    distribution, commit = snapshot.distribution, snapshot.commit
    where = f"{distribution.name} @ {commit.sha[:12]}"
    common = {"distribution": distribution.name, "commit": commit.sha, "seq": snapshot.seq,
              "committed_at": commit.committed_at.isoformat(), "author": commit.author_name,
              "subject": commit.subject[:300]}
    for kind, per_component in component_changes(changes).items():
        record_component_events(
            kind, per_component, where=where,
            link=reverse("history:snapshot", args=[distribution.name, commit.sha]),
            component_link=lambda name: reverse("history:timeline", args=[distribution.name, name]),
            common=common, distribution=distribution)
