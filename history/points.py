"""Points in time: what an auditor types into the "as of" selector, "changes since" or the API's
`from`/`to` (a date, a date and time, or a commit sha), resolved to the snapshot current then.

- A commit sha (4 to 64 hex digits, a unique prefix of an ingested commit's sha) is that commit's snapshot.
- A date-time is the snapshot current then: the newest in history order whose commit date (committer
  date, when it landed) is at or before it. When several commits have the same date, the one latest in
  history wins. Without an offset it is UTC; a date alone means the end of that day (what the release
  contained on 1 March is what it held when 1 March ended).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from audits.models import Distribution

from .models import Snapshot

SHA = re.compile(r"^[0-9a-fA-F]{4,64}$")
DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class PointError(ValueError):
    """The text names no snapshot; the message says why, in words for the page and the API."""


@dataclass(frozen=True)
class Point:
    text: str
    snapshot: Snapshot
    when: dt.datetime | None  # the time asked for; None when a commit was named


def parse_time(text: str) -> dt.datetime:
    """A date or date-time (ISO 8601, a space or T between them), as an aware datetime."""
    text = text.strip()
    try:
        if DATE_ONLY.match(text):
            day = dt.date.fromisoformat(text)
            return dt.datetime.combine(day, dt.time.max, tzinfo=dt.timezone.utc)
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise PointError(f"“{text}” is neither a date-time (such as 2026-03-01 12:00) nor a commit sha.") from None
    return (value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)).astimezone(dt.timezone.utc)


def resolve(distribution: Distribution, text: str) -> Point:
    """The snapshot `text` names (see the module docstring); PointError when there is none."""
    text = (text or "").strip()
    if not text:
        raise PointError("Give a date, a date and time, or a commit sha.")
    found = Snapshot.objects.filter(distribution=distribution).select_related("commit")
    if SHA.match(text):
        matches = list(found.filter(commit__sha__startswith=text.lower()).order_by("seq")[:2])
        if len(matches) == 1:
            return Point(text, matches[0], None)
        if matches:
            raise PointError(f"More than one ingested commit starts with {text}; give more of its sha.")
        if not re.fullmatch(r"\d{4,8}", text):  # 20260301 could be a date written without dashes, but is not one
            raise PointError(f"No ingested commit of {distribution.name} starts with {text}.")
    when = parse_time(text)
    snapshot = found.filter(commit__committed_at__lte=when).order_by("-seq").first()
    if snapshot is None:
        first = found.order_by("commit__committed_at", "seq").first()
        since = f" The first ingested commit is from {first.commit.committed_at:%Y-%m-%d %H:%M} UTC." if first else ""
        raise PointError(f"Nothing of {distribution.name} was ingested from before {when:%Y-%m-%d %H:%M} UTC.{since}")
    return Point(text, snapshot, when)
