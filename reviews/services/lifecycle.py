"""Reviews follow the releases: created right after an ingest, carried forward by fingerprint, closed
when the component becomes Fedora-intact (module docstring of reviews.fingerprint: what a fingerprint is).

`sync_reviews(release)` is idempotent: it creates the reviews a release lacks (a release ingested
before this app existed: `manage.py sync_reviews`), and gives a still-pending review the decision of an
earlier release decided since, when the fingerprints match. A handful of queries whatever the size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.db.models.fields.json import KeyTransform
from django.utils import timezone

from audits.choices import Headline
from audits.models import Component, ComponentReason, Overlay, Release, RenderedSpec, SourceFileOverride

from ..choices import DECIDED_STATES, EventKind, ReviewState
from ..fingerprint import OverlayFacts, divergence_document, fingerprint
from ..models import Review, ReviewEvent


@dataclass(frozen=True)
class SyncOutcome:
    created: int
    carried: int
    closed: int


def divergence_documents(release: Release) -> dict[int, tuple[str, dict]]:
    """component id -> (name, divergence document) for every component of `release` that is not Fedora-intact."""
    divergent = divergent_components(release)
    components = (
        divergent.order_by().annotate(spec_table=KeyTransform("spec", "resolved_config"))
        .values_list("id", "name", "build", "release_calculation", "render_options", "spec_table")
    )
    rows = {cid: (name, build, calc, render, spec or {}) for cid, name, build, calc, render, spec in components}
    reasons: dict[int, list[tuple[str, str]]] = {}
    for cid, code, text in (ComponentReason.objects.filter(component__in=divergent.values("id")).order_by("component_id", "id")
                            .values_list("component_id", "code", "text")):
        reasons.setdefault(cid, []).append((code, text))
    overlays: dict[int, list[OverlayFacts]] = {}
    for cid, kind, parameters, sha in (Overlay.objects.filter(component__in=divergent.values("id")).order_by("component_id", "position")
                                       .values_list("component_id", "type", "parameters", "source_sha256")):
        overlays.setdefault(cid, []).append(OverlayFacts(kind, parameters, sha))
    source_files: dict[int, list[dict]] = {}
    for cid, *entry in (SourceFileOverride.objects.filter(component__in=divergent.values("id")).order_by("component_id", "id")
                        .values_list("component_id", "filename", "hash", "hash_type", "origin", "replace_upstream",
                                     "replace_reason")):
        keys = ("filename", "hash", "hash-type", "origin", "replace-upstream", "replace-reason")
        source_files.setdefault(cid, []).append(dict(zip(keys, entry)))
    local = [cid for cid, row in rows.items() if row[4].get("type") == "local"]
    local_specs = dict(RenderedSpec.objects.filter(component__in=local).values_list("component_id", "sha256"))
    return {
        cid: (name, divergence_document(
            reasons=reasons.get(cid, ()), overlays=overlays.get(cid, ()), source_files=source_files.get(cid, ()),
            build=build, release_calculation=calc, render_options=render, spec=spec,
            local_spec_sha256=local_specs.get(cid, ""),
        ))
        for cid, (name, build, calc, render, spec) in rows.items()
    }


def divergent_components(release: Release):
    """The components of `release` that need a review: every one that is not Fedora-intact."""
    return Component.objects.filter(release=release).exclude(headline=Headline.INTACT)


def earlier_releases(release: Release):
    """Releases of the same distribution before `release` in history order (commit time, then id), newest first."""
    at = release.commit.committed_at
    return (Release.objects.filter(distribution_id=release.distribution_id)
            .filter(Q(commit__committed_at__lt=at) | Q(commit__committed_at=at, id__lt=release.id))
            .order_by("-commit__committed_at", "-id"))


def _earlier_decided(release: Release, names) -> dict[str, list[Review]]:
    """Decided reviews of earlier releases by component name, newest release first."""
    by_name: dict[str, list[Review]] = {}
    rows = (Review.objects.filter(release__in=earlier_releases(release), state__in=DECIDED_STATES,
                                  component__name__in=names)
            .select_related("component", "release__commit")
            .order_by("-release__commit__committed_at", "-release_id"))
    for review in rows:
        by_name.setdefault(review.component.name, []).append(review)
    return by_name


def _usable(review: Review, today: dt.date) -> bool:
    """An expired waiver is not a decision any more: it is not carried."""
    return not (review.state == ReviewState.WAIVED and review.waived_until is not None and review.waived_until < today)


def _carry(review: Review, source: Review) -> None:
    for field in ("state", "justification", "ticket_url", "waived_until", "decided_by_id", "decided_by_key_id",
                  "decided_by_name", "decided_at"):
        setattr(review, field, getattr(source, field))
    review.carried_from = source
    review.changed_since = None


def _carried_event(review: Review, source: Review) -> ReviewEvent:
    return ReviewEvent(review=review, kind=EventKind.CARRIED, state=review.state, carried_from=source,
                       ticket_url=review.ticket_url, waived_until=review.waived_until,
                       text=f"Decision carried forward from release {source.release_id} (review {source.pk}, decided by "
                            f"{source.decided_by_name or 'unknown'}): the divergence has the same fingerprint.")


@transaction.atomic
def sync_reviews(release: Release) -> SyncOutcome:
    """Create, carry forward and close reviews for `release` (see the module docstring)."""
    documents = divergence_documents(release)
    existing = {r.component_id: r for r in Review.objects.filter(release=release).select_related("component")}
    earlier = _earlier_decided(release, divergent_components(release).values("name"))
    today = timezone.localdate()
    new_reviews, events, carried = [], [], 0
    for cid, (name, document) in documents.items():
        digest = fingerprint(document)
        candidates = [r for r in earlier.get(name, []) if _usable(r, today)]
        same = next((r for r in candidates if r.fingerprint == digest), None)
        review = existing.get(cid)
        if review is None:
            review = Review(release=release, component_id=cid, fingerprint=digest, divergence=document)
            if same is not None:
                _carry(review, same)
            else:
                review.changed_since = candidates[0] if candidates else None
            new_reviews.append(review)
        elif review.state == ReviewState.PENDING and same is not None:
            _carry(review, same)
            review.version += 1
            review.save()
            events.append(_carried_event(review, same))
            carried += 1
    Review.objects.bulk_create(new_reviews)
    for review in new_reviews:
        if review.carried_from is not None:
            events.append(_carried_event(review, review.carried_from))
            carried += 1
        elif review.changed_since is not None:
            events.append(ReviewEvent(review=review, kind=EventKind.OPENED, state=ReviewState.PENDING,
                                      text=f"Pending again: the divergence changed since the decision in release "
                                           f"{review.changed_since.release_id} (review {review.changed_since.pk})."))
        else:
            events.append(ReviewEvent(review=review, kind=EventKind.OPENED, state=ReviewState.PENDING,
                                      text="New divergence from Fedora: pending review."))
    closed = _close_now_intact(release, events)
    ReviewEvent.objects.bulk_create(events)
    return SyncOutcome(created=len(new_reviews), carried=carried, closed=closed)


def _close_now_intact(release: Release, events: list[ReviewEvent]) -> int:
    """Reviews of the previous release whose component is Fedora-intact in `release` are closed there (their
    decision stays: it was right for that release); the event says so in their history."""
    previous = earlier_releases(release).first()
    if previous is None:
        return 0
    intact = Component.objects.filter(release=release, headline=Headline.INTACT).values("name")
    closing = list(Review.objects.filter(release=previous, closed_in__isnull=True, component__name__in=intact))
    for review in closing:
        review.closed_in = release
        events.append(ReviewEvent(review=review, kind=EventKind.CLOSED, state=review.state,
                                  text=f"Closed: the component is Fedora-intact in release {release.pk}, which needs no "
                                       f"review of it."))
    Review.objects.bulk_update(closing, ["closed_in"])
    return len(closing)


def reviews_for_written_release(sender, release: Release, **kwargs) -> None:
    """Receiver of audits.signals.release_written (connected in ReviewsConfig.ready)."""
    sync_reviews(release)
