"""Filters of the review queue that apps above `reviews` add (policies: by policy rule), so that the queue
offers them while `reviews` imports none of those apps (the same pattern as reviews.freeze)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

from audits.models import Release


@dataclass(frozen=True)
class QueueFilter:
    name: str  # the query parameter
    label: str
    choices: Callable[[Release], list[tuple[str, str]]]  # (value, label) pairs offered for this release
    components: Callable[[Release, str], QuerySet]  # ids of the release's components a value selects


_FILTERS: dict[str, QueueFilter] = {}


def register_queue_filter(queue_filter: QueueFilter) -> None:
    _FILTERS[queue_filter.name] = queue_filter


def queue_filters() -> tuple[QueueFilter, ...]:
    return tuple(_FILTERS.values())
