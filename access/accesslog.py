"""The access log: one explicit call per page view or export that shows release data."""

from __future__ import annotations

from typing import Any

from .choices import AccessAction
from .models import AccessLog


def record_access(request, action: str, target: str, *, release: Any = None) -> None:
    """Record that the signed-in user or API key did `action` ("view", "export", ...) on `target` (plain words);
    `release` is a release or its id."""
    api_key = getattr(request.user, "api_key", None)
    user = request.user if request.user.is_authenticated and api_key is None else None
    AccessLog.objects.create(
        user=user,
        username=request.user.get_username() if request.user.is_authenticated else "",
        api_key_name=api_key.name if api_key is not None else "",
        action=action,
        target=target[:500],
        path=request.get_full_path()[:2000],
        release_id=getattr(release, "pk", release),
    )


def record_refused_key(request, key_name: str, reason: str) -> None:
    """Record an API call refused although its key is known (revoked, expired, wrong network): the key's
    owner must be able to see that someone still uses it."""
    AccessLog.objects.create(
        user=None, username="", api_key_name=key_name, action=AccessAction.REFUSED,
        target=f"API {request.method} refused: {reason}"[:500], path=request.get_full_path()[:2000],
    )
