"""The reviews services. The public interface (stable; other apps use only this):

- `review_totals(release) -> dict`: divergent, pending, accepted, rejected, waived, decided, carried_forward,
  waivers_expired.
- `decisions(release) -> list[DecisionRecord]`: every decided review of the release with component name,
  fingerprint, state, reviewer and time (a sign-off predicate is built from it).
- `all_decided(release) -> bool`: no review of the release is pending and no waiver has expired.
- `sync_reviews(release)`: create, carry forward and close the release's reviews (lifecycle.py).
- `decide`, `decide_many`, `add_comment`, `clean_decision`, `actor_of` (decisions.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from ..choices import ReviewState
from ..models import Review
from .decisions import Actor, Decision, actor_of, add_comment, clean_decision, decide, decide_many
from .lifecycle import SyncOutcome, sync_reviews

__all__ = ["Actor", "Decision", "DecisionRecord", "SyncOutcome", "actor_of", "add_comment", "all_decided",
           "clean_decision", "decide", "decide_many", "decisions", "review_totals", "sync_reviews"]


def review_totals(release) -> dict[str, int]:
    """Counts of the release's reviews: divergent (all), each state, decided, carried_forward, waivers_expired
    (waived reviews whose date has come: counted as waived and decided, but all_decided is False)."""
    totals = Review.objects.of_release(release).totals(timezone.localdate())
    totals["decided"] = totals["divergent"] - totals[ReviewState.PENDING]
    return totals


@dataclass(frozen=True)
class DecisionRecord:
    review_id: int
    component: str
    fingerprint: str
    state: str
    reviewer: str  # user name or "api key <name>"
    decided_at: dt.datetime | None
    justification: str
    carried_from_release_id: int | None  # the release whose decision this is, when carried forward


def decisions(release) -> list[DecisionRecord]:
    """Every decided review of the release, by component name."""
    rows = (Review.objects.of_release(release).decided().order_by("component__name")
            .values_list("pk", "component__name", "fingerprint", "state", "decided_by_name", "decided_at",
                         "justification", "carried_from__release_id"))
    return [DecisionRecord(*row) for row in rows]


def all_decided(release) -> bool:
    """True when no review of the release is pending and no waiver has expired (also when it has no review)."""
    reviews = Review.objects.of_release(release)
    return not (reviews.filter(state=ReviewState.PENDING).exists()
                or reviews.expired_waivers(timezone.localdate()).exists())
