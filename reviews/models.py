"""A review of each divergent component of a release, and its append-only history."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .choices import DECIDED_STATES, EventKind, ReviewState
from .errors import AppendOnlyError
from .querysets import ReviewEventQuerySet, ReviewQuerySet


class Review(models.Model):
    """The decision about one divergent component of one release (services.lifecycle creates them at ingest).

    `version` grows with every decision: the API's ETag and the form's hidden field carry it, and a
    decision made on an older version is refused (services.decisions.decide)."""

    release = models.ForeignKey("audits.Release", on_delete=models.CASCADE, related_name="reviews")
    component = models.OneToOneField("audits.Component", on_delete=models.CASCADE, related_name="review")
    state = models.CharField(max_length=20, choices=ReviewState.choices, default=ReviewState.PENDING)
    fingerprint = models.CharField(max_length=64)  # reviews.fingerprint.fingerprint of `divergence`
    divergence = models.JSONField(default=dict)  # the document the fingerprint digests (what changed is diffed from it)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_by_key = models.ForeignKey("access.ApiKey", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    decided_by_name = models.CharField(max_length=150, blank=True)  # user name or "api key <name>", kept if deleted
    decided_at = models.DateTimeField(null=True, blank=True)
    justification = models.TextField(blank=True)  # accepted: why; rejected: the reason; waived: why (optional)
    ticket_url = models.URLField(max_length=2048, blank=True)  # rejected: the external ticket, http(s) only
    waived_until = models.DateField(null=True, blank=True)
    # The earlier review whose decision this one carries (same fingerprint), or None.
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The newest earlier decided review of this component whose fingerprint differs: "what changed since".
    changed_since = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    closed_in = models.ForeignKey("audits.Release", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")  # the later release where the component is Fedora-intact
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["component__name"]
        indexes = [models.Index(fields=["release", "state"], name="review_release_state")]

    def __str__(self) -> str:
        return f"review of {self.component_id} in release {self.release_id}: {self.state}"

    @property
    def is_decided(self) -> bool:
        return self.state in DECIDED_STATES

    @property
    def etag(self) -> str:
        return f'"review-{self.pk}-v{self.version}"'


class ReviewEvent(models.Model):
    """One line of a review's history: a state change or a comment, with who and when. Append-only."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    state = models.CharField(max_length=20, choices=ReviewState.choices)  # the review's state after the event
    text = models.TextField(blank=True)  # the justification, reason or comment; for automatic events, what happened
    ticket_url = models.URLField(max_length=2048, blank=True)
    waived_until = models.DateField(null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    api_key = models.ForeignKey("access.ApiKey", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)  # empty for the portal's own events (ingest)
    carried_from = models.ForeignKey(Review, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    objects = ReviewEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} of review {self.review_id} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("a review event is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("a review event is never deleted")
