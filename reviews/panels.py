"""What a review's panel shows (the review page and the package page share it)."""

from __future__ import annotations

from .fingerprint import changes
from .models import Review


def panel_context(review: Review) -> dict:
    """The review, its full history (oldest first), and what changed since the last decision when it is pending
    again because the divergence changed."""
    since = review.changed_since
    return {
        "review": review,
        "release": review.release,
        "component": review.component,
        "events": list(review.events.select_related("carried_from").order_by("at", "id")),
        "changes_since": changes(since.divergence, review.divergence) if since is not None else [],
        "changed_since": since,
    }
