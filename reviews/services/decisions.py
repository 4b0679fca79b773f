"""Deciding and commenting on reviews: the state rules, optimistic concurrency, the history.

Every write takes the review's row lock, checks the version the caller read (StaleReview otherwise:
two reviewers never overwrite each other silently), and appends one ReviewEvent. Callers (pages, API)
record the decision in the access log; this module knows no request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from ..choices import DECIDED_STATES, EventKind, ReviewState
from ..errors import ReviewError, StaleReview
from ..freeze import frozen_reason
from ..models import Review, ReviewEvent

MAX_TEXT = 10_000  # characters of a justification, reason or comment


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in user, or an API key (access.api.authentication.ApiKeyPrincipal)."""

    user: object | None
    api_key: object | None
    name: str


def actor_of(user) -> Actor:
    api_key = getattr(user, "api_key", None)
    if api_key is not None:
        return Actor(None, api_key, f"api key {api_key.name}")
    return Actor(user, None, user.get_username())


@dataclass(frozen=True)
class Decision:
    """A decision as asked for, validated by `clean_decision`."""

    state: str
    justification: str = ""
    ticket_url: str = ""
    waived_until: dt.date | None = None


def clean_decision(state: str, justification: str = "", ticket_url: str = "", waived_until: dt.date | None = None,
                   *, today: dt.date | None = None) -> Decision:
    """The state rules: accepted needs a justification; rejected a reason and optionally an http(s) ticket URL;
    waived an expiry date after today. ReviewError names every field that breaks a rule."""
    today = today or timezone.localdate()
    justification, ticket_url = (justification or "").strip(), (ticket_url or "").strip()
    errors: dict[str, list[str]] = {}
    if state not in DECIDED_STATES:
        errors["state"] = [f"choose one of {', '.join(DECIDED_STATES)}"]
    if state == ReviewState.ACCEPTED and not justification:
        errors["justification"] = ["accepting needs a justification"]
    if state == ReviewState.REJECTED and not justification:
        errors["justification"] = ["rejecting needs a reason (what must be done)"]
    if len(justification) > MAX_TEXT:
        errors["justification"] = [f"at most {MAX_TEXT} characters"]
    if ticket_url:
        if state != ReviewState.REJECTED:
            errors["ticket_url"] = ["a ticket URL goes with a rejection only"]
        elif not _is_web_url(ticket_url):
            errors["ticket_url"] = ["give an http:// or https:// URL"]
    if state == ReviewState.WAIVED:
        if waived_until is None:
            errors["waived_until"] = ["waiving needs an expiry date"]
        elif waived_until <= today:
            errors["waived_until"] = ["the expiry date must be in the future"]
    elif waived_until is not None:
        errors["waived_until"] = ["an expiry date goes with a waiver only"]
    if errors:
        raise ReviewError(errors)
    return Decision(state, justification, ticket_url, waived_until)


def _is_web_url(url: str) -> bool:
    if urlsplit(url).scheme.lower() not in ("http", "https") or len(url) > 2048:
        return False
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return False
    return True


def _apply(review: Review, decision: Decision, actor: Actor, now: dt.datetime) -> ReviewEvent:
    review.state = decision.state
    review.justification = decision.justification
    review.ticket_url = decision.ticket_url
    review.waived_until = decision.waived_until
    review.decided_by, review.decided_by_key, review.decided_by_name = actor.user, actor.api_key, actor.name
    review.decided_at = now
    review.carried_from = None  # decided here, by a person or a key
    review.version += 1
    return ReviewEvent(review=review, kind=EventKind.DECIDED, state=decision.state, text=decision.justification,
                       ticket_url=decision.ticket_url, waived_until=decision.waived_until, actor=actor.user,
                       api_key=actor.api_key, actor_name=actor.name)


_DECISION_FIELDS = ["state", "justification", "ticket_url", "waived_until", "decided_by", "decided_by_key",
                    "decided_by_name", "decided_at", "carried_from", "version"]


@transaction.atomic
def decide(review_id: int, decision: Decision, actor: Actor, *, expected_version: int) -> Review:
    """Decide one review read at `expected_version` (StaleReview when it changed since)."""
    return decide_many({review_id: expected_version}, decision, actor)[0]


@transaction.atomic
def decide_many(expected_versions: dict[int, int], decision: Decision, actor: Actor, *,
                release_id: int | None = None) -> list[Review]:
    """Give every review (id -> the version the caller read) the same decision, all or none: one stale review
    refuses the whole batch. With `release_id`, every review must belong to that release (Review.DoesNotExist)."""
    rows = Review.objects.select_for_update().filter(pk__in=list(expected_versions)).order_by("pk")
    if release_id is not None:
        rows = rows.filter(release_id=release_id)
    reviews = list(rows)
    if len(reviews) != len(expected_versions):
        raise Review.DoesNotExist("no such review in this release")
    _refuse_frozen(r.release_id for r in reviews)
    for review in reviews:
        if review.version != expected_versions[review.pk]:
            raise StaleReview(review.pk, expected_versions[review.pk], review.version)
    now = timezone.now()
    events = [_apply(review, decision, actor, now) for review in reviews]
    Review.objects.bulk_update(reviews, _DECISION_FIELDS)
    ReviewEvent.objects.bulk_create(events)
    return reviews


def add_comment(review: Review, text: str, actor: Actor) -> ReviewEvent:
    """Append a comment to the review's thread (a comment changes no state and no version)."""
    _refuse_frozen([review.release_id])
    text = (text or "").strip()
    if not text:
        raise ReviewError({"text": ["a comment needs some text"]})
    if len(text) > MAX_TEXT:
        raise ReviewError({"text": [f"at most {MAX_TEXT} characters"]})
    return ReviewEvent.objects.create(review=review, kind=EventKind.COMMENT, state=review.state, text=text,
                                      actor=actor.user, api_key=actor.api_key, actor_name=actor.name)


def _refuse_frozen(release_ids: Iterable[int]) -> None:
    """ReviewError when an app above has frozen one of these releases (a signed-off release, reviews.freeze)."""
    reason = frozen_reason(release_ids)
    if reason:
        raise ReviewError({"release": [reason]})


def parse_versions(values: Iterable[str]) -> dict[int, int]:
    """Form values "<review id>:<version>" (the queue's checkboxes) -> {id: version}; ReviewError when malformed."""
    result: dict[int, int] = {}
    for value in values:
        head, _, tail = value.partition(":")
        if not (head.isdigit() and tail.isdigit()) or len(head) > 12 or len(tail) > 9:
            raise ReviewError({"reviews": [f"not a review reference: {value[:40]!r}"]})
        result[int(head)] = int(tail)
    return result
