"""The history pages: a distribution's history (charts over time, the point-in-time selector, the snapshots),
one snapshot (its component table as it was then) and one component's timeline."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from access.accesslog import record_access
from access.choices import AccessAction
from access.permissions import viewer_required
from audits.choices import Headline
from audits.models import Distribution
from audits.views.common import HEADLINE_LABELS, PAGE_SIZE, render_page

from . import querysets
from .charts import PanelSpec, Point, column_links, dots, stacked
from .models import Snapshot
from .points import SHA, PointError, resolve

SNAPSHOTS_PER_PAGE = 50
TOP_OVERLAY_TYPES = 6  # overlay types drawn as their own line; the rest are summed as "other types"


def distribution_of(name: str) -> Distribution:
    return querysets.distribution_named(name)


def snapshot_url(snapshot: Snapshot) -> str:
    return reverse("history:snapshot", args=[snapshot.distribution.name, snapshot.commit.sha])


def charts(rows: list[querysets.SnapshotRow], base: str) -> dict:
    """The stacked charts of the history page, from the snapshots' summaries (oldest first): the panels with
    their dots, and the column links (history.charts escapes every value it writes)."""
    types: dict[str, int] = {}
    for s in rows:
        for kind, n in (s.summary.get("overlays_by_type") or {}).items():
            types[kind] = max(types.get(kind, 0), n)
    top = sorted(types, key=lambda k: (-types[k], k))[:TOP_OVERLAY_TYPES]
    headlines = (Headline.ALTERED, Headline.BUILD_CUSTOMISED, Headline.PINNED)
    points = []
    for s in rows:
        summary = s.summary
        by_headline = summary.get("by_headline") or {}
        components = summary.get("components", 0)
        by_type = summary.get("overlays_by_type") or {}
        values = {
            "components": components,
            "intact_share": summary.get("intact_share", 0),
            **{h: by_headline.get(h, 0) for h in headlines},
            **{f"type:{t}": by_type.get(t, 0) for t in top},
        }
        if len(types) > len(top):
            values["type:other"] = sum(n for t, n in by_type.items() if t not in top)
        label = f"#{s.seq} {s.commit.sha[:12]} {s.commit.committed_at:%Y-%m-%d %H:%M}"
        points.append(Point(s.commit.sha, label, f"{s.commit.committed_at:%Y-%m-%d}", values))
    type_series = [(f"type:{t}", t) for t in top] + ([("type:other", "other types")] if len(types) > len(top) else [])
    stack = stacked(points, [
        PanelSpec("components", "Components", [("components", "components")]),
        PanelSpec("intact", "Fedora-intact share", [("intact_share", "Fedora-intact")], ceiling=100, unit=" %"),
        PanelSpec("headlines", "Altered, build-customised and pinned", [(h, HEADLINE_LABELS[h]) for h in headlines]),
        PanelSpec("overlays", "Overlays by type", type_series),
    ])
    return {
        "stack": stack,
        "panels": [(panel, mark_safe(dots(panel.chart))) for panel in stack.panels],  # noqa: S308 - numbers only
        "columns": mark_safe(column_links(stack, base)),  # noqa: S308 - column_links escapes every value
    }


@require_GET
@viewer_required
def distribution_history(request, distribution: str):
    dist = distribution_of(distribution)
    at = request.GET.get("at", "").strip()
    point_error = ""
    if at:
        try:
            point = resolve(dist, at)
        except PointError as exc:
            point_error = str(exc)
        else:
            return redirect(snapshot_url(point.snapshot) + (f"?{urlencode({'as_of': at})}" if point.when else ""))
    rows = querysets.snapshot_rows(dist)
    record_access(request, AccessAction.VIEW, f"history of {dist.name}")
    newest_first = list(reversed(rows))
    page = Paginator(newest_first, SNAPSHOTS_PER_PAGE).get_page(request.GET.get("page"))
    return render_page(request, "history/distribution.html", {
        "distribution": dist,
        "snapshots": rows,
        "newest": newest_first[0] if newest_first else None,
        "source": querysets.newest(dist),  # where the next history ingest fetches from
        "charts": charts(rows, reverse("history:distribution", args=[dist.name]) + "commits/") if rows else None,
        "page": page,
        "at": at,
        "point_error": point_error,
    }, status=400 if point_error else 200)


def _snapshot(dist: Distribution, sha: str) -> Snapshot:
    snapshot = querysets.snapshots(dist).filter(commit__sha=sha).first()
    if snapshot is None:
        raise Http404("no such snapshot")
    return snapshot


def _as_of(dist: Distribution, snapshot: Snapshot, text: str) -> str:
    """The "as of" text the selector redirected with, when it does name this snapshot (else nothing is claimed)."""
    if not text:
        return ""
    try:
        return text if resolve(dist, text).snapshot.pk == snapshot.pk else ""
    except PointError:
        return ""


def _state_filters(request) -> tuple[str, str]:
    headline = request.GET.get("headline", "")
    return (headline if headline in HEADLINE_LABELS else ""), request.GET.get("q", "").replace("\x00", "").strip()[:200]


@require_GET
@viewer_required
def snapshot_page(request, distribution: str, sha: str):
    dist = distribution_of(distribution)
    if SHA.fullmatch(sha) and len(sha) < 40:
        try:  # a short sha: the page of the commit it names
            point = resolve(dist, sha)
        except PointError:
            raise Http404("no such snapshot") from None
        if point.when is None:
            return redirect(snapshot_url(point.snapshot) + (f"?{request.GET.urlencode()}" if request.GET else ""))
    snapshot = _snapshot(dist, sha)
    headline, q = _state_filters(request)
    states = querysets.states_at(dist, snapshot.seq).defer("data")
    if headline:
        states = states.filter(headline=headline)
    if q:
        states = states.filter(name__icontains=q)
    page = Paginator(states, PAGE_SIZE).get_page(request.GET.get("page"))
    since = querysets.snapshots_by_seq(dist, {s.first_seq for s in page})
    rows = [(s, since.get(s.first_seq)) for s in page]
    newer, newest = querysets.newer(dist.pk, seq=snapshot.seq)
    record_access(request, AccessAction.VIEW, f"snapshot {sha[:12]} of {dist.name}", release=snapshot.release_id)
    summary = snapshot.summary
    return render_page(request, "history/snapshot.html", {
        "distribution": dist,
        "snapshot": snapshot,
        "commit": snapshot.commit,
        "newer": newer,
        "newest": newest,
        "summary": summary,
        "headline_counts": [(h, label, (summary.get("by_headline") or {}).get(h, 0)) for h, label in HEADLINE_LABELS.items()],
        "overlay_types": sorted((summary.get("overlays_by_type") or {}).items(), key=lambda kv: (-kv[1], kv[0])),
        "rows": rows,
        "page": page,
        "headline": headline,
        "q": q,
        "headline_choices": [("", "any")] + list(HEADLINE_LABELS.items()),
        "filtered": bool(headline or q),
        "as_of": _as_of(dist, snapshot, request.GET.get("as_of", "").strip()),
    })


@require_GET
@viewer_required
def component_timeline(request, distribution: str, name: str):
    dist = distribution_of(distribution)
    entries = querysets.timeline(dist, name)
    if not entries:
        raise Http404("no history of this component")
    newest = querysets.newest(dist)
    current = entries[-1].state if entries[-1].state is not None and entries[-1].state.end_seq is None else None
    record_access(request, AccessAction.VIEW, f"timeline of {name} in {dist.name}")
    return render_page(request, "history/timeline.html", {
        "distribution": dist,
        "name": name,
        "entries": list(reversed(entries)),
        "current": current,
        "newest": newest,
        "release": newest.release if newest is not None and newest.release_id and current else None,
    })
