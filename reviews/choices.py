from django.db import models


class ReviewState(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected (needs action)"
    WAIVED = "waived", "Waived"


DECIDED_STATES = (ReviewState.ACCEPTED, ReviewState.REJECTED, ReviewState.WAIVED)


class EventKind(models.TextChoices):
    """What one line of a review's history records."""

    OPENED = "opened", "Opened"  # the review was created pending (new divergence, or changed since the decision)
    CARRIED = "carried", "Carried forward"  # created with the decision of an earlier release (same fingerprint)
    DECIDED = "decided", "Decided"  # a state change by a person or an API key
    COMMENT = "comment", "Comment"
    CLOSED = "closed", "Closed"  # the component is Fedora-intact in a later release
