"""The events of a newly written release (connected to audits.signals.release_written, inside the ingest's
transaction): `release.ingested`, and against the previous release of the same distribution
`component.diverged`, `component.intact` and `overlay.added`.

The previous release is the one before it in commit order: the release of the same distribution whose
commit date (then id) comes just before this one's, the order of audits.Release.Meta.ordering. So an
older commit ingested late is compared with the release before it in history, not with the newest.

Set-based: four queries read both releases' headlines and overlays (one row per component and per
overlay, no query per component), one reads the reasons of the components that diverged.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable, Iterator

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from audits.choices import Headline
from audits.models import ComponentReason, Overlay, Release

from ..models import EventKind
from .events import record_event

INTACT = Headline.INTACT.value
MAX_NAMES = 1000  # names listed in one aggregated event

_components_told_elsewhere: ContextVar[bool] = ContextVar("components_told_elsewhere", default=False)


@contextmanager
def component_events_told_elsewhere() -> Iterator[None]:
    """Releases written inside it announce only `release.ingested`: the history ingest materialising its head
    has already recorded each commit's component events (history.services.events), once per commit."""
    token = _components_told_elsewhere.set(True)
    try:
        yield
    finally:
        _components_told_elsewhere.reset(token)


def previous_release(release: Release) -> Release | None:
    committed = release.commit.committed_at
    return (Release.objects.filter(distribution_id=release.distribution_id).exclude(pk=release.pk)
            .filter(Q(commit__committed_at__lt=committed) | Q(commit__committed_at=committed, pk__lt=release.pk))
            .select_related("commit").order_by("-commit__committed_at", "-id").first())


def _headlines(release: Release) -> dict[str, str]:
    return dict(release.components.values_list("name", "headline"))


def _overlays(release: Release) -> dict[str, Counter]:
    """Per component, its overlays as (type, parameters as canonical JSON), counted."""
    found: dict[str, Counter] = defaultdict(Counter)
    rows = Overlay.objects.filter(component__release=release).values_list("component__name", "type", "parameters")
    for name, type_, parameters in rows:
        found[name][(type_, json.dumps(parameters, sort_keys=True))] += 1
    return found


def _added_overlays(release: Release, previous: Release) -> dict[str, list[dict[str, Any]]]:
    before, now = _overlays(previous), _overlays(release)
    added: dict[str, list[dict[str, Any]]] = {}
    for name, overlays in now.items():
        new = overlays - before.get(name, Counter())
        if new:
            added[name] = [{"type": type_, "parameters": json.loads(parameters)}
                           for (type_, parameters), count in sorted(new.items()) for _ in range(count)]
    return added


def _where(release: Release) -> str:
    return f"{release.distribution.name} {release.version} @ {release.commit.sha[:12]}"


def _component_link(release: Release, name: str) -> str:
    return reverse("audits:component-detail", args=[release.pk, name])


def _release_link(release: Release) -> str:
    return reverse("audits:release-detail", args=[release.pk])


def record_release_events(sender=None, *, release: Release, **kwargs) -> None:
    """release_written receiver: the events of `release` (see the module docstring)."""
    release = Release.objects.select_related("distribution", "commit").get(pk=release.pk)
    previous = previous_release(release)
    headlines = _headlines(release)
    changes: dict[str, dict[str, Any]] = {EventKind.COMPONENT_DIVERGED: {}, EventKind.COMPONENT_INTACT: {},
                                          EventKind.OVERLAY_ADDED: {}}
    if previous is not None and not _components_told_elsewhere.get():
        before = _headlines(previous)
        for name, headline in headlines.items():
            old = before.get(name)
            if old == INTACT and headline != INTACT:
                changes[EventKind.COMPONENT_DIVERGED][name] = {"from": old, "to": headline}
            elif old is not None and old != INTACT and headline == INTACT:
                changes[EventKind.COMPONENT_INTACT][name] = {"from": old, "to": headline}
        changes[EventKind.OVERLAY_ADDED] = {name: {"overlays": overlays, "new_component": name not in before}
                                            for name, overlays in _added_overlays(release, previous).items()}
        _add_reasons(release, changes[EventKind.COMPONENT_DIVERGED])
    _record_ingested(release, previous, headlines, changes)
    common = {"release_id": release.pk, "previous_release_id": previous.pk if previous else None,
              "commit": release.commit.sha}
    for kind, per_component in changes.items():
        record_component_events(kind, per_component, where=_where(release), link=_release_link(release),
                                component_link=lambda name: _component_link(release, name), common=common,
                                release=release)


def _add_reasons(release: Release, diverged: dict[str, dict[str, Any]]) -> None:
    if not diverged:
        return
    rows = (ComponentReason.objects.filter(component__release=release, component__name__in=list(diverged))
            .order_by("component__name", "id").values_list("component__name", "code", "text"))
    for name, code, text in rows:
        diverged[name].setdefault("reasons", []).append({"code": code, "text": text})


def _record_ingested(release: Release, previous: Release | None, headlines: dict[str, str],
                     changes: dict[str, dict[str, Any]]) -> None:
    counts = Counter(headlines.values())
    shown = ", ".join(f"{counts[h.value]} {h.label}" for h in Headline if counts[h.value])
    summary = f"{len(headlines)} components: {shown or 'none'}."
    payload: dict[str, Any] = {
        "release_id": release.pk, "distribution": release.distribution.name, "version": release.version,
        "commit": release.commit.sha, "committed_at": release.commit.committed_at.isoformat(),
        "subject": release.commit.subject[:300], "components": len(headlines), "headlines": dict(sorted(counts.items())),
        "previous_release_id": previous.pk if previous else None,
        "previous_commit": previous.commit.sha if previous else None,
    }
    if previous is not None:
        payload["changes"] = {kind: len(found) for kind, found in changes.items()}
        summary += (f" Since {previous.commit.sha[:12]}: {len(changes[EventKind.COMPONENT_DIVERGED])} diverged from "
                    f"Fedora, {len(changes[EventKind.COMPONENT_INTACT])} back to Fedora-intact, "
                    f"{len(changes[EventKind.OVERLAY_ADDED])} with new overlays.")
    else:
        summary += " The first release of this distribution."
    record_event(EventKind.RELEASE_INGESTED, title=f"Release {_where(release)} ingested: {release.commit.subject}",
                 summary=summary, link=_release_link(release), payload=payload, release=release)


_TITLES = {
    EventKind.COMPONENT_DIVERGED: "{name} diverged from Fedora ({to}) in {where}",
    EventKind.COMPONENT_INTACT: "{name} is Fedora-intact again in {where}",
    EventKind.OVERLAY_ADDED: "{count} overlay(s) added to {name} in {where}",
}
_AGGREGATED = {
    EventKind.COMPONENT_DIVERGED: "{count} components diverged from Fedora in {where}",
    EventKind.COMPONENT_INTACT: "{count} components are Fedora-intact again in {where}",
    EventKind.OVERLAY_ADDED: "{count} components have new overlays in {where}",
}


def record_component_events(kind: str, per_component: dict[str, dict[str, Any]], *, where: str, link: str,
                            component_link: Callable[[str], str], common: dict[str, Any], release: Release | None = None,
                            distribution=None) -> None:
    """One event per component ({"from", "to", "reasons"} or {"overlays": [{"type", ...}]}); past
    PEDIGREE_FEED_MAX_COMPONENT_EVENTS components, one event for them all, linking to `link`."""
    if not per_component:
        return
    if len(per_component) > settings.PEDIGREE_FEED_MAX_COMPONENT_EVENTS:
        names = sorted(per_component)
        record_event(kind, title=_AGGREGATED[kind].format(count=len(names), where=where),
                     summary=", ".join(names[:50]) + (" and more." if len(names) > 50 else "."),
                     link=link, release=release, distribution=distribution,
                     payload={**common, "count": len(names), "components": names[:MAX_NAMES],
                              "truncated": len(names) > MAX_NAMES})
        return
    for name, change in sorted(per_component.items()):
        to = Headline(change["to"]).label if "to" in change else ""
        count = len(change.get("overlays", ()))
        summary = _component_summary(kind, change)
        record_event(kind, title=_TITLES[kind].format(name=name, to=to, count=count, where=where), summary=summary,
                     link=component_link(name), release=release, distribution=distribution,
                     payload={**common, "component": name, **change})


def _component_summary(kind: str, change: dict[str, Any]) -> str:
    if kind == EventKind.OVERLAY_ADDED:
        types = Counter(o["type"] for o in change["overlays"])
        return "New overlays: " + ", ".join(f"{n} {t}" for t, n in sorted(types.items())) + "."
    text = f"Was {Headline(change['from']).label}, now {Headline(change['to']).label}."
    reasons = change.get("reasons") or []
    if reasons:
        text += " " + " ".join(r["text"] for r in reasons[:5])
    return text
