"""The Atom feed of events, /feeds/atom.xml (RFC 4287, paged as RFC 5005 describes), for feed readers.

A REST view, so it authenticates like the API: `Authorization: Bearer <API key>` with the `feed` (or
`read`) scope, or the browser session of a user whose role reads the feed (auditor and up); no credentials
get 401. Every call is in the access log, and answers carry an ETag (If-None-Match: 304).
"""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from access.api.base import AnyAccept, ApiView
from access.api.converters import parse_id
from access.middleware import public
from access.permissions import READ_FEED

from . import atom
from .models import Event, EventKind


class AtomRenderer(BaseRenderer):
    media_type = "application/atom+xml"
    format = "atom"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else json.dumps(data).encode("utf-8")


class AtomFeedView(ApiView, APIView):
    """Pedigree events as Atom, newest first; `?kind=`, `?distribution=` (a name), `?before=` (an event id: the
    next page, as the feed's rel="next" link gives it)."""

    permission = READ_FEED
    renderer_classes = [AtomRenderer]
    content_negotiation_class = AnyAccept

    def get_view_name(self) -> str:
        return "Atom feed"

    @extend_schema(exclude=True)
    def get(self, request):
        kind = request.query_params.get("kind", "")
        distribution = request.query_params.get("distribution", "")
        before_text = request.query_params.get("before", "")
        if kind and kind not in EventKind.values:
            raise ValidationError({"kind": [f"one of {', '.join(EventKind.values)}"]})
        before = parse_id(before_text) if before_text else None
        if before_text and before is None:
            raise ValidationError({"before": ["an event id"]})
        events = Event.objects.select_related("distribution").order_by("-id")
        if kind:
            events = events.filter(kind=kind)
        if distribution:
            events = events.filter(distribution__name=distribution)
        if before is not None:
            events = events.filter(pk__lt=before)
        size = settings.PEDIGREE_FEED_PAGE_SIZE
        page = list(events[: size + 1])
        more, page = len(page) > size, page[:size]
        filters = {key: value for key, value in (("kind", kind), ("distribution", distribution)) if value}
        first = request.build_absolute_uri(request.path + (f"?{urlencode(filters)}" if filters else ""))
        feed = atom.Feed(
            id=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, first)}",
            title="Pedigree events" + "".join(f", {key} {value}" for key, value in filters.items()),
            updated=page[0].created_at if page else timezone.now(),
            author="Pedigree",
            self_link=request.build_absolute_uri(),
            first_link=first,
            next_link=(request.build_absolute_uri(request.path + "?" + urlencode({**filters, "before": page[-1].pk}))
                       if more else ""),
            alternate_link=request.build_absolute_uri("/"),
            entries=[atom.Entry(id=f"urn:uuid:{event.uuid}", title=event.title, updated=event.created_at,
                                link=request.build_absolute_uri(event.link or "/"), summary=event.summary,
                                category=event.kind) for event in page],
        )
        return Response(atom.render(feed), content_type=atom.CONTENT_TYPE)


# The view authenticates itself (API key or session, like /api/): the sign-in redirect would not help a
# feed reader, so the login middleware lets it through and DRF answers 401 without credentials.
atom_feed = public(AtomFeedView.as_view())
