"""The history API (included under /api/v1/ by portal/urls.py): a distribution's snapshots with their summaries,
a component's timeline, and the components that changed between two points in time ("changes since").
Reading needs the `read` scope, like the release API."""

from __future__ import annotations

import bisect

from django.http import Http404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response

from access.api.base import ApiView
from audits.models import Distribution

from . import querysets
from .changes import change_set
from .models import Snapshot
from .points import PointError

DISTRIBUTION = "history/<str:distribution>"


def _commit_fields() -> dict:
    return {"seq": serializers.IntegerField(), "sha": serializers.CharField(),
            "committed_at": serializers.DateTimeField(), "author": serializers.CharField(),
            "subject": serializers.CharField()}


CHANGE = inline_serializer("HistoryChange", fields={
    "kind": serializers.CharField(), "summary": serializers.CharField(), "before": serializers.CharField(),
    "after": serializers.CharField(),
}, many=True)
SNAPSHOT = inline_serializer("HistorySnapshot", many=True, fields={
    **_commit_fields(), "changed": serializers.IntegerField(), "error": serializers.CharField(),
    "release": serializers.IntegerField(allow_null=True), "summary": serializers.JSONField(),
})
TIMELINE = inline_serializer("ComponentTimelineEntry", many=True, fields={
    **_commit_fields(), "changes": CHANGE, "state": serializers.JSONField(allow_null=True),
})
POINT = inline_serializer("HistoryPoint", fields=_commit_fields())
CHANGES = inline_serializer("HistoryChanges", fields={
    "from": POINT, "to": POINT, "kind": serializers.CharField(), "count": serializers.IntegerField(),
    "next": serializers.URLField(allow_null=True),
    "components": inline_serializer("ChangedComponent", many=True, fields={
        "name": serializers.CharField(), "headline_before": serializers.CharField(allow_null=True),
        "headline_after": serializers.CharField(allow_null=True), "changes": CHANGE,
    }),
})


def point(snapshot: Snapshot) -> dict:
    c = snapshot.commit
    return {"seq": snapshot.seq, "sha": c.sha, "committed_at": c.committed_at, "author": c.author_name, "subject": c.subject}


def change_list(found) -> list[dict]:
    return [{"kind": x.kind, "summary": x.summary, "before": x.before, "after": x.after} for x in found]


class _History(ApiView, generics.GenericAPIView):
    pagination_class = None
    serializer_class = None

    def distribution(self) -> Distribution:
        return querysets.distribution_named(self.kwargs["distribution"])


class SnapshotListView(_History):
    """Every ingested commit of the distribution's first-parent history, oldest first, with its summary counts."""

    @extend_schema(responses=SNAPSHOT)
    def get(self, request, distribution: str):
        rows = querysets.snapshots(self.distribution())
        return Response([{**point(s), "changed": s.changed, "error": s.error, "release": s.release_id,
                          "summary": s.summary} for s in rows])


class ComponentTimelineView(_History):
    """Every change of one component across the ingested commits, oldest first: the commit that made it
    and what changed (history.states.changes); `state` is the component's state from then on (null: removed)."""

    @extend_schema(responses=TIMELINE)
    def get(self, request, distribution: str, name: str):
        entries = querysets.timeline(self.distribution(), name)
        if not entries:
            raise Http404("no history of this component")
        return Response([{**(point(e.snapshot) if e.snapshot else {"seq": e.seq}), "changes": change_list(e.changes),
                          "state": e.state.data if e.state is not None else None} for e in entries])


CHANGES_PER_PAGE = 500
CHANGES_PAGE_MAX = 2000


class ChangesView(_History):
    """The components whose verdict, overlays, build settings, version, License or presence differ between two
    points in time: `from` and `to` (default: the newest) are a date, a date and time, or a commit sha, each
    resolved to the ingested commit current then; `kind` keeps one kind of change or group of kinds. The
    components come by name, `limit` at a time (default 500); `next` is the URL of the rest (null at the end),
    `count` how many there are in all."""

    @extend_schema(responses=CHANGES, parameters=[
        OpenApiParameter("from", OpenApiTypes.STR, required=True, description="A date, date-time or commit sha."),
        OpenApiParameter("to", OpenApiTypes.STR, description="A date, date-time or commit sha; default: the newest."),
        OpenApiParameter("kind", OpenApiTypes.STR, description="A kind of change or group (overlays, licenses, presence)."),
        OpenApiParameter("after", OpenApiTypes.STR, description="Only components named after this (the `next` link sets it)."),
        OpenApiParameter("limit", OpenApiTypes.INT, description=f"Components per answer (1 to {CHANGES_PAGE_MAX}, default {CHANGES_PER_PAGE})."),
    ])
    def get(self, request, distribution: str):
        params = request.query_params
        try:
            limit = int(params.get("limit", CHANGES_PER_PAGE))
        except ValueError:
            limit = 0
        if not 1 <= limit <= CHANGES_PAGE_MAX:
            raise exceptions.ValidationError({"limit": [f"A number from 1 to {CHANGES_PAGE_MAX}."]})
        try:
            result = change_set(self.distribution(), params)
        except PointError as exc:
            raise exceptions.ValidationError({"detail": str(exc)}) from None
        names = [p[0] for p in result.pairs]
        start = bisect.bisect_right(names, params.get("after", ""))
        chunk = result[start:start + limit]
        following = None
        if start + limit < len(names):
            following = request.build_absolute_uri(f"{request.path}?{_with(params, after=chunk[-1].name)}")
        return Response({
            "from": point(result.old.snapshot), "to": point(result.to_snapshot), "kind": result.kind,
            "count": len(names), "next": following,
            "components": [{"name": c.name, "headline_before": c.before.headline if c.before else None,
                            "headline_after": c.after.headline if c.after else None, "changes": change_list(c.changes)}
                           for c in chunk],
        })


def _with(params, **changed) -> str:
    query = params.copy()
    for key, value in changed.items():
        query[key] = value
    return query.urlencode()


urlpatterns = [
    path(f"{DISTRIBUTION}/snapshots/", SnapshotListView.as_view(), name="history-snapshots"),
    path(f"{DISTRIBUTION}/components/<str:name>/timeline/", ComponentTimelineView.as_view(), name="history-timeline"),
    path(f"{DISTRIBUTION}/changes/", ChangesView.as_view(), name="history-changes"),
]
