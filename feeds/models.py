"""Events (what the feed and the webhooks tell), webhook endpoints and the log of each delivery."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class EventKind(models.TextChoices):
    RELEASE_INGESTED = "release.ingested", "Release ingested"
    COMPONENT_DIVERGED = "component.diverged", "Component diverged from Fedora"
    COMPONENT_INTACT = "component.intact", "Component back to Fedora-intact"
    OVERLAY_ADDED = "overlay.added", "Overlay added"
    JOB_FAILED = "job.failed", "Job failed"
    SIGNATURE_VERIFICATION_FAILED = "signature.verification_failed", "Signature verification failed"


class Event(models.Model):
    """One thing that happened, as the Atom feed and the webhooks tell it (feeds.services.events.record_event)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # the Atom entry id, the webhook event id
    kind = models.CharField(max_length=50, choices=EventKind.choices)
    # An event goes with the release or distribution it is about (its link would lead nowhere).
    distribution = models.ForeignKey("audits.Distribution", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+")
    release = models.ForeignKey("audits.Release", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=500)
    summary = models.TextField(blank=True)
    link = models.CharField(max_length=2048, blank=True)  # site-relative: "/releases/3/components/curl/"
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]  # ids grow with created_at: the feed is newest first by id (a keyset)
        indexes = [
            models.Index(fields=["kind", "-id"], name="feeds_event_kind"),
            models.Index(fields=["distribution", "-id"], name="feeds_event_distribution"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"


class WebhookEndpoint(models.Model):
    """A receiver of signed webhooks, configured by an admin (feeds.views_admin)."""

    url = models.CharField(max_length=2048)  # checked by feeds.services.webhooks.endpoint_url_problem
    # The shared secret the HMAC is computed with: kept in clear because signing needs it (a digest
    # could not sign); shown once, when the endpoint is created.
    secret = models.CharField(max_length=200)
    kinds = models.JSONField(default=list, blank=True)  # EventKind values subscribed to; empty: every kind
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url

    def wants(self, kind: str) -> bool:
        return self.active and (not self.kinds or kind in self.kinds)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RETRYING = "retrying", "Retrying"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


DUE = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)


class WebhookDelivery(models.Model):
    """One event sent (or to send) to one endpoint, with every attempt's outcome folded in."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    response_code = models.PositiveIntegerField(null=True, blank=True)  # of the last attempt
    error = models.TextField(blank=True)  # why the last attempt failed
    # When the next attempt is due (pending, retrying); while an attempt runs, the end of its lease.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="feeds_delivery_due"),
            models.Index(fields=["endpoint", "-id"], name="feeds_delivery_log"),
        ]

    def __str__(self) -> str:
        return f"delivery {self.pk} of event {self.event_id} to {self.endpoint_id} ({self.status})"
