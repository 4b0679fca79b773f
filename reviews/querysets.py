"""Reusable queries of reviews; pages, the API and the command share them."""

from __future__ import annotations

from django.db import models
from django.db.models import Count, Q

from .choices import DECIDED_STATES, ReviewState
from .errors import AppendOnlyError


class ReviewQuerySet(models.QuerySet):
    def of_release(self, release) -> "ReviewQuerySet":
        return self.filter(release=release)

    def decided(self) -> "ReviewQuerySet":
        return self.filter(state__in=DECIDED_STATES)

    def with_related(self) -> "ReviewQuerySet":
        return self.select_related("component", "release", "carried_from__release", "changed_since__release",
                                   "closed_in")

    def queue_order(self) -> "ReviewQuerySet":
        """Pending first, then by component name."""
        pending_last = models.Case(models.When(state=ReviewState.PENDING, then=0), default=1)
        return self.order_by(pending_last, "component__name")

    def expired_waivers(self, today) -> "ReviewQuerySet":
        """Waivers whose last day has passed: no longer a decision (all_decided is False while any remain)."""
        return self.filter(state=ReviewState.WAIVED, waived_until__lt=today)

    def totals(self, today) -> dict[str, int]:
        """Counts by state, of carried-forward decisions and of expired waivers, in one query."""
        counts = {state.value: Count("pk", filter=Q(state=state)) for state in ReviewState}
        return self.aggregate(divergent=Count("pk"), carried_forward=Count("pk", filter=Q(carried_from__isnull=False)),
                              waivers_expired=Count("pk", filter=Q(state=ReviewState.WAIVED, waived_until__lt=today)),
                              **counts)


class ReviewEventQuerySet(models.QuerySet):
    """Events are append-only: bulk updates and deletes are refused like single ones."""

    def update(self, **kwargs):
        raise AppendOnlyError("review events are never changed")

    def delete(self):
        raise AppendOnlyError("review events are never deleted")
