"""record_event: the one way any app (this one, or history, signing and the others above it) tells the
feed and the webhooks that something happened."""

from __future__ import annotations

from typing import Any

from .. import atom
from ..models import Event, EventKind, WebhookDelivery, WebhookEndpoint
from ..tasks import queue_deliveries

KINDS = frozenset(EventKind.values)


def record_event(kind: str, *, title: str, summary: str = "", link: str = "", payload: dict[str, Any] | None = None,
                 distribution=None, release=None) -> Event:
    """Record one event and queue its webhook deliveries.

    - `kind`: an EventKind value ("release.ingested", "component.diverged", "component.intact",
      "overlay.added", "job.failed", "signature.verification_failed"); ValueError otherwise.
    - `title`: one line a person reads in a feed reader (500 characters at most, longer is cut);
      `summary`: a few plain-text sentences; neither is HTML (the feed escapes them).
    - `link`: the site-relative URL of the page the event is about ("/releases/3/components/curl/"); the
      feed and the webhooks make it absolute.
    - `payload`: a small JSON object for machines (names, ids, counts; not thousands of rows).
    - `distribution`, `release`: the audits rows it concerns, if any (the feed filters by distribution;
      a release implies its distribution).

    Call it inside the transaction that writes what the event tells: the deliveries are rows of the same
    transaction, and their tasks are queued only once it commits (a rolled-back ingest sends nothing).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    if link and (not link.startswith("/") or link.startswith(("//", "/\\")) or not link.isprintable()):
        raise ValueError(f"an event link is a site-relative path (one leading /), not {link!r}")
    if distribution is None and release is not None:
        distribution = release.distribution
    # Characters no XML document or PostgreSQL text can hold (NUL, lone surrogates, ...) become U+FFFD.
    title, summary = atom.clean(title)[:500], atom.clean(summary)
    event = Event.objects.create(kind=kind, title=title, summary=summary, link=link[:2048], payload=payload or {},
                                 distribution=distribution, release=release)
    endpoints = [endpoint for endpoint in WebhookEndpoint.objects.filter(active=True) if endpoint.wants(kind)]
    if endpoints:
        deliveries = WebhookDelivery.objects.bulk_create(
            [WebhookDelivery(endpoint=endpoint, event=event, next_attempt_at=event.created_at) for endpoint in endpoints]
        )
        queue_deliveries([d.pk for d in deliveries if d.pk is not None] or _ids_of(event))
    return event


def _ids_of(event: Event) -> list[int]:
    """Delivery ids of `event` (bulk_create leaves them unset on databases that cannot return them)."""
    return list(WebhookDelivery.objects.filter(event=event).values_list("pk", flat=True))
