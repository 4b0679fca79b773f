"""Webhook endpoints and deliveries: the endpoint URL rules, the signed POST through the egress policy,
retries with backoff, redelivery (docs/feeds.md)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import logging
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from access import egress
from access.egress_settings import current_policy
from access.signin.oidc_http import EgressAdapter

from .. import signatures
from ..models import DUE, DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

# Seconds to wait after failed attempt n (1-based) before the next one; the last value repeats.
BACKOFF = (60, 5 * 60, 30 * 60, 2 * 3600, 12 * 3600)
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))
SWEEP_BATCH = 200
USER_AGENT = "Pedigree-Webhooks/1"


def backoff(failed_attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=BACKOFF[min(failed_attempts, len(BACKOFF)) - 1])


def _loopback_allowed() -> bool:
    return bool(settings.PEDIGREE_WEBHOOK_ALLOW_LOOPBACK)


def webhook_policy() -> egress.EgressPolicy:
    """The configured egress policy, plus loopback when PEDIGREE_WEBHOOK_ALLOW_LOOPBACK (tests, local receivers)."""
    policy = current_policy()
    if not _loopback_allowed():
        return policy
    return egress.EgressPolicy(policy.allow_networks + LOOPBACK, policy.allow_hosts, policy.dist_git_hosts)


def _is_loopback_literal(host: str) -> bool:
    try:
        return any(ipaddress.ip_address(host) in net for net in LOOPBACK)
    except ValueError:
        return False


def endpoint_url_problem(url: str) -> str | None:
    """Why `url` cannot be a webhook endpoint (None: it can). https:// only (http:// to a loopback address
    with PEDIGREE_WEBHOOK_ALLOW_LOOPBACK); no credentials, no fragment, no control characters or spaces;
    not an internal address by the egress policy (names are resolved, and checked again, at each delivery)."""
    if not url or len(url) > 2048:
        return "give a URL of at most 2,048 characters"
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url) or not url.isascii():
        return "the URL may not contain spaces, control or non-ASCII characters (percent-encode them)"
    try:
        parts = urlsplit(url)
        host, port = egress.normalise_host(parts.hostname or ""), parts.port
    except ValueError:
        return "the URL is not well formed"
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        return "webhook endpoints are https:// URLs"
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return "the URL may not carry credentials (user:password@); receivers verify the signature instead"
    if parts.fragment or "#" in url:
        return "the URL may not have a fragment (#...)"
    if not host:
        return "the URL names no host"
    if port == 0:
        return "port 0 cannot be connected to"
    loopback = _loopback_allowed() and _is_loopback_literal(host)
    if scheme == "http" and not loopback:
        return "webhook endpoints are https:// URLs (the payload and its signature must not travel in clear)"
    if not loopback:
        return egress.literal_problem(host, webhook_policy())
    return None


def create_endpoint(url: str, kinds: list[str], *, user=None) -> tuple[WebhookEndpoint, str]:
    """A new active endpoint and its secret (shown once by the page that creates it)."""
    problem = endpoint_url_problem(url)
    if problem:
        raise ValueError(problem)
    secret = signatures.generate_secret()
    endpoint = WebhookEndpoint.objects.create(url=url, secret=secret, kinds=sorted(set(kinds)),
                                              created_by=user if user is not None and user.is_authenticated else None)
    return endpoint, secret


def absolute_link(link: str) -> str:
    base = settings.PEDIGREE_BASE_URL.rstrip("/")
    return f"{base}{link}" if base and link.startswith("/") else link


def body_of(event: Event) -> bytes:
    """The JSON a delivery POSTs (the same bytes at every attempt)."""
    document: dict[str, Any] = {
        "id": str(event.uuid),
        "kind": event.kind,
        "created_at": event.created_at.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z"),
        "title": event.title,
        "summary": event.summary,
        "link": absolute_link(event.link),
        "distribution": event.distribution.name if event.distribution_id else None,
        "release_id": event.release_id,
        "payload": event.payload,
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _post(endpoint: WebhookEndpoint, delivery: WebhookDelivery, body: bytes, now: dt.datetime) -> int:
    """POST once; the response's status code. Redirects are not followed; every URL goes through the
    egress policy and the connection is pinned to the checked address."""
    timeout = settings.PEDIGREE_WEBHOOK_TIMEOUT
    session = requests.Session()
    session.trust_env = False  # no proxies from the environment: the connection is the one checked
    adapter = EgressAdapter(webhook_policy(), timeout=timeout)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
               **signatures.headers(endpoint.secret, event_kind=delivery.event.kind, delivery_id=delivery.pk,
                                    timestamp=int(now.timestamp()), body=body)}
    try:
        with session.post(endpoint.url, data=body, headers=headers, timeout=timeout, allow_redirects=False,
                          stream=True) as response:
            return response.status_code  # the body is never read
    finally:
        session.close()


def _claim(delivery_id: int, now: dt.datetime) -> bool:
    """Take the attempt (a lease until it must have ended): a second worker, or the sweep, skips it."""
    lease = now + dt.timedelta(seconds=settings.PEDIGREE_WEBHOOK_TIMEOUT + 60)
    return bool(WebhookDelivery.objects.filter(pk=delivery_id, status__in=DUE, next_attempt_at__lte=now)
                .update(next_attempt_at=lease))


def attempt(delivery_id: int, *, now: dt.datetime | None = None) -> str:
    """One attempt of a due delivery: 2xx delivers it; anything else is retried after the backoff, and
    failed after PEDIGREE_WEBHOOK_MAX_ATTEMPTS attempts. Returns the delivery's status ("" if not taken)."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return ""
    delivery = WebhookDelivery.objects.select_related("endpoint", "event__distribution").get(pk=delivery_id)
    endpoint = delivery.endpoint
    code: int | None = None
    error = ""
    if not endpoint.active:
        error = "the endpoint was disabled before this delivery was sent"
    else:
        try:
            code = _post(endpoint, delivery, body_of(delivery.event), now)
            if not 200 <= code < 300:
                error = f"HTTP {code}" + (" (redirects are not followed)" if 300 <= code < 400 else "")
        except egress.EgressError as exc:
            error = f"refused by the egress policy: {exc}"
        except requests.RequestException as exc:
            error = f"{type(exc).__name__}: {exc}"
    return _record(delivery, now, code, error, give_up=not endpoint.active)


def _record(delivery: WebhookDelivery, now: dt.datetime, code: int | None, error: str, *, give_up: bool) -> str:
    attempts = delivery.attempts + 1
    update: dict[str, Any] = {"attempts": attempts, "response_code": code, "error": error[:2000],
                              "last_attempt_at": now, "updated_at": timezone.now()}
    if not error:
        update.update(status=DeliveryStatus.DELIVERED, delivered_at=now, next_attempt_at=None)
    elif give_up or attempts >= settings.PEDIGREE_WEBHOOK_MAX_ATTEMPTS:
        update.update(status=DeliveryStatus.FAILED, next_attempt_at=None)
    else:
        update.update(status=DeliveryStatus.RETRYING, next_attempt_at=now + backoff(attempts))
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**update)
    if error:
        logger.info("webhook delivery %s to %s: attempt %s failed: %s", delivery.pk, delivery.endpoint.url, attempts,
                    error)
    return update["status"]


def due_ids(now: dt.datetime | None = None, limit: int = SWEEP_BATCH) -> list[int]:
    now = now or timezone.now()
    return list(WebhookDelivery.objects.filter(status__in=DUE, next_attempt_at__lte=now)
                .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])


def attempt_due(now: dt.datetime | None = None) -> int:
    """One attempt of each due delivery (the oldest first, at most SWEEP_BATCH); how many were attempted."""
    return sum(1 for delivery_id in due_ids(now) if attempt(delivery_id, now=now))


@transaction.atomic
def redeliver(delivery: WebhookDelivery) -> WebhookDelivery:
    """A new delivery of the same event to the same endpoint, due now (the old one stays in the log)."""
    return WebhookDelivery.objects.create(endpoint=delivery.endpoint, event=delivery.event,
                                          next_attempt_at=timezone.now())
