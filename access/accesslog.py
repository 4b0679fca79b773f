"""The access log: one explicit call per page view or export that shows release data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from .choices import AccessAction
from .models import AccessLog


def _write(entry: dict[str, Any], *, denied: bool) -> None:
    """Create the entry; a denied call the same caller already made moments ago only counts as a repeat
    of it, so that a script hammering a refused endpoint cannot flood the log (or the database)."""
    if denied and settings.PEDIGREE_ACCESS_LOG_REPEAT_SECONDS > 0:
        now = timezone.now()
        since = now - dt.timedelta(seconds=settings.PEDIGREE_ACCESS_LOG_REPEAT_SECONDS)
        same = {key: entry[key] for key in ("username", "api_key_name", "action", "target")}
        if AccessLog.objects.filter(at__gte=since, **same).update(repeats=F("repeats") + 1, last_at=now):
            return
    AccessLog.objects.create(**entry)


def record_access(request, action: str, target: str, *, release: Any = None, denied: bool = False) -> None:
    """Record that the signed-in user or API key did `action` ("view", "export", ...) on `target` (plain words);
    `release` is a release or its id; `denied` calls are aggregated (see _write)."""
    api_key = getattr(request.user, "api_key", None)
    user = request.user if request.user.is_authenticated and api_key is None else None
    _write({
        "user": user,
        "username": request.user.get_username() if request.user.is_authenticated else "",
        "api_key_name": api_key.name if api_key is not None else "",
        "action": action,
        "target": target[:500],
        "path": request.get_full_path()[:2000],
        "release_id": getattr(release, "pk", release),
    }, denied=denied)


def record_refused_key(request, key_name: str, reason: str) -> None:
    """Record an API call refused although its key is known (revoked, expired, wrong network): the key's
    owner must be able to see that someone still uses it."""
    _write({"user": None, "username": "", "api_key_name": key_name, "action": AccessAction.REFUSED,
            "target": f"API {request.method} refused: {reason}"[:500], "path": request.get_full_path()[:2000]},
           denied=True)
